// The runbook catalog and the state machines generated from it (pure: no AWS, no emulator).
import { readFileSync } from 'node:fs';
import { runbookAsl } from '../../../functions/domain/runbooks/asl';
import { runbookByName, runbooks, stepIds } from '../../../functions/domain/runbooks/catalog';
import { runbookSteps } from '../../../functions/runbooks';

type State = { Type: string; Next?: string; Default?: string; Choices?: { Next: string }[]; Catch?: { Next: string; ErrorEquals: string[] }[]; Parameters?: { Payload?: { step?: string }; FunctionName?: string } };
const statesOf = (name: string) => (runbookAsl(runbookByName(name)!) as { States: Record<string, State> }).States;

/** Every state reachable from StartAt, following Next, Default, Choices and Catch. */
function reachable(states: Record<string, State>): Set<string> {
  const seen = new Set<string>();
  const visit = (n: string | undefined) => {
    if (!n || seen.has(n)) return;
    seen.add(n);
    const s = states[n]!;
    [s.Next, s.Default, ...(s.Choices ?? []).map((c) => c.Next), ...(s.Catch ?? []).map((c) => c.Next)].forEach(visit);
  };
  visit('Start');
  return seen;
}

describe.each(runbooks.map((r) => [r.name, r] as const))('%s', (name, r) => {
  const states = statesOf(name);

  test('statemachines/runbooks/<name>.asl.json is up to date (run `npm run gen:runbooks`)', () => {
    expect(readFileSync(`statemachines/runbooks/${name}.asl.json`, 'utf8')).toBe(`${JSON.stringify(runbookAsl(r), null, 2)}\n`);
  });

  test('every step has code, and every step Task calls a step the code knows', async () => {
    const steps = (await runbookSteps[name]?.()) ?? {};
    for (const id of stepIds(r)) expect(Object.keys(steps)).toContain(id.slice(name.length + 1));
    const called = Object.values(states).map((s) => s.Parameters?.Payload?.step).filter((s): s is string => !!s && s.includes('.'));
    expect(called.sort()).toEqual(stepIds(r).sort());
  });

  test('every state is reachable and every path ends in Succeeded or Failed', () => {
    expect([...reachable(states)].sort()).toEqual(Object.keys(states).sort());
    const ends = Object.entries(states).filter(([, s]) => !s.Next && !s.Default && s.Type !== 'Choice').map(([n]) => n);
    expect(ends.sort()).toEqual(['Failed', 'Succeeded']);
  });

  test('any error of a step goes to Conclude, so it is notified and recorded', () => {
    for (const [n, s] of Object.entries(states)) {
      if (s.Type !== 'Task' || ['Start', 'Conclude', 'Notify', 'Record', 'ExpireApproval'].includes(n)) continue;
      expect(s.Catch?.find((c) => c.ErrorEquals.includes('States.ALL'))?.Next).toBe('Conclude');
    }
  });

  test('changing steps are reached only through the brakes, after ChooseMode (auto) or an approval', () => {
    if (r.changes.length === 0) {
      expect(Object.keys(states)).not.toContain('RequestApproval');
      expect(Object.keys(states)).not.toContain('Brake');
      return;
    }
    const into = (target: string) => Object.entries(states).filter(([, s]) => s.Next === target || s.Choices?.some((c) => c.Next === target) || s.Default === target).map(([n]) => n).sort();
    expect(into(r.changes[0]!.state)).toEqual(['Braked']);
    expect(into('Braked')).toEqual(['Brake']);
    expect(into('Brake')).toEqual(['ChooseMode', 'RequestApproval']);
    expect(states.Braked!.Choices).toEqual([{ Variable: '$.held', IsPresent: true, Next: 'MarkHeld' }]);
  });
});

test('only the restore step runs in the restore function', () => {
  for (const r of runbooks) {
    for (const [n, s] of Object.entries(statesOf(r.name))) {
      const restore = s.Parameters?.FunctionName === '${RestoreRuleFunctionArn}';
      expect(restore).toBe(r.name === 'restore-security-group-rule' && n === 'RestoreRules');
    }
  }
});

test('runbook names are unique and a step id is unique within its runbook', () => {
  expect(new Set(runbooks.map((r) => r.name)).size).toBe(runbooks.length);
  for (const r of runbooks) expect(new Set(stepIds(r)).size).toBe(stepIds(r).length);
});

test('every runbook has a page for responders, listed in docs/runbooks/README.md, and a state machine in template.yaml', () => {
  const index = readFileSync('docs/runbooks/README.md', 'utf8');
  const template = readFileSync('template.yaml', 'utf8');
  for (const r of runbooks) {
    expect(readFileSync(`docs/runbooks/${r.name}.md`, 'utf8')).toContain(r.name);
    expect(index).toContain(`(${r.name}.md)`);
    expect(template).toContain(`DefinitionUri: statemachines/runbooks/${r.name}.asl.json`);
  }
});
