// The remediate workflow generated from the shared frame (pure: no AWS, no emulator): up to date, well formed, retry
// policies by name only, and a hand start that a triage run never passes through.
import { readFileSync } from 'node:fs';
import { loadAction } from '../../../functions/actions';
import { controlById } from '../../../functions/domain/controls';
import { RETRY } from '../../../functions/domain/asl/frame';
import { remediateAsl } from '../../../functions/domain/asl/remediate';
import { runbookAsl } from '../../../functions/domain/runbooks/asl';
import { handStarts, runbooks } from '../../../functions/domain/runbooks/catalog';

type Rule = { Variable?: string; Next?: string; IsPresent?: boolean; And?: Rule[] } & Record<string, unknown>;
type State = {
  Type: string; Next?: string; End?: boolean; Default?: string; Choices?: Rule[]; Retry?: object[];
  Catch?: { Next: string; ErrorEquals: string[] }[]; Parameters?: { FunctionName?: string; Payload?: Record<string, unknown> };
};
const asl = remediateAsl() as { Comment: string; StartAt: string; States: Record<string, State> };
const states = asl.States;

const successors = (s: State): string[] =>
  [s.Next, s.Default, ...(s.Choices ?? []).map((c) => c.Next), ...(s.Catch ?? []).map((c) => c.Next)].filter((n): n is string => !!n);
const into = (target: string) => Object.entries(states).filter(([, s]) => successors(s).includes(target)).map(([n]) => n).sort();

test('statemachines/remediate.asl.json is up to date and says it is generated (run `npm run gen:runbooks`)', () => {
  expect(readFileSync('statemachines/remediate.asl.json', 'utf8')).toBe(`${JSON.stringify(asl, null, 2)}\n`);
  expect(asl.Comment).toContain('Generated from functions/domain/asl/remediate.ts');
});

test('the hand entry is up to date, is the same workflow, and starts at Start (a responder never reaches LoadLiveState first)', () => {
  const hand = remediateAsl('hand') as typeof asl;
  expect(readFileSync('statemachines/remediate-by-hand.asl.json', 'utf8')).toBe(`${JSON.stringify(hand, null, 2)}\n`);
  expect(hand.StartAt).toBe('Start');
  expect(hand.States).toEqual(asl.States);
});

test('starts at LoadLiveState; every state is reachable; runs end in Record or RemediationFailed', () => {
  expect(asl.StartAt).toBe('LoadLiveState');
  const seen = new Set<string>();
  const visit = (n: string) => (seen.has(n) ? undefined : (seen.add(n), successors(states[n]!).forEach(visit)));
  visit(asl.StartAt);
  expect([...seen].sort()).toEqual(Object.keys(states).sort());
  expect(Object.entries(states).filter(([, s]) => successors(s).length === 0).map(([n]) => n).sort()).toEqual(['Record', 'RemediationFailed']);
  expect(states.Record!.End).toBe(true);
});

test('every retry of every generated state machine is one of the named policies', () => {
  const named = Object.values(RETRY).map((r) => JSON.stringify(r));
  for (const doc of [asl, ...runbooks.map(runbookAsl)] as { States: Record<string, State> }[]) {
    for (const s of Object.values(doc.States)) for (const r of s.Retry ?? []) expect(named).toContain(JSON.stringify(r));
  }
});

test('a hand start goes LoadLiveState → Start → LoadLiveState; only the handStart answer leads to Start, and Start cannot be caught into a record', () => {
  expect(into('Start')).toEqual(['StillViolating']);
  expect(states.StillViolating!.Choices!.filter((c) => c.Next === 'Start')).toEqual([{ Variable: '$.live.result.handStart', IsPresent: true, Next: 'Start' }]);
  expect(states.Start!.Next).toBe('LoadLiveState');
  expect(states.Start!.Catch).toBeUndefined();
  expect(states.Start!.Parameters).toMatchObject({ FunctionName: '${RunbookStepFunctionArn}', Payload: { step: 'start', runbook: 'revoke-open-ingress', 'input.$': '$' } });
});

test('Apply is reached only through ChooseMode (auto), an approval, or the opt-in critical timeout', () => {
  expect(into('Apply')).toEqual(['ChooseMode', 'EscalateApproval', 'RequestApproval', 'TimeoutOutcome']);
  expect(states.ChooseMode!.Choices!.find((c) => c.Next === 'Apply')).toMatchObject({ StringEquals: 'auto' });
});

test('the brakes: Verify only after Apply said it was not held; a held run (at the mode step or in Apply) ends MarkHeld → Notify → Record', () => {
  expect(states.Apply!.Next).toBe('Applied');
  expect(states.Applied).toMatchObject({ Type: 'Choice', Choices: [{ Variable: '$.applied.result.held', IsPresent: true, Next: 'MarkHeld' }], Default: 'Verify' });
  expect(into('Verify')).toEqual(['Applied']);
  expect(into('MarkHeld')).toEqual(['Applied', 'StillViolating']);
  expect(states.StillViolating!.Choices!.find((c) => c.Next === 'MarkHeld')).toEqual({ Variable: '$.live.result.held', IsPresent: true, Next: 'MarkHeld' });
  // Held at the mode step only once a run has something to change: absent or already-fixed runs end as before.
  expect(states.StillViolating!.Choices!.map((c) => c.Next).slice(-2)).toEqual(['RecordAlreadyFixed', 'MarkHeld']);
  expect(states.MarkHeld).toMatchObject({ Type: 'Pass', Result: 'held', ResultPath: '$.outcome', Next: 'Notify' });
});

test('every AWS-touching step is caught into the failure path', () => {
  for (const n of ['LoadLiveState', 'RequestApproval', 'EscalateApproval', 'Apply', 'Verify']) {
    expect({ n, next: states[n]!.Catch?.find((c) => c.ErrorEquals.includes('States.ALL'))?.Next }).toEqual({ n, next: 'NotifyFailure' });
  }
  expect(successors(states.NotifyFailure!)).toEqual(['RecordFailure', 'RecordFailure']);
  expect(states.RecordFailure!.Next).toBe('RemediationFailed');
});

test('Choice rules compare only paths every run has there; optional results are tested with IsPresent', () => {
  const always = /^\$\.(live\.result\.(mode|stillViolating)|context\.|policy\.)/;
  const rules = (r: Rule): Rule[] => (r.And ? r.And.flatMap(rules) : [r]);
  for (const s of Object.values(states)) {
    for (const r of (s.Choices ?? []).flatMap(rules)) {
      if (r.IsPresent === undefined) expect({ variable: r.Variable, safe: always.test(r.Variable ?? '') }).toEqual({ variable: r.Variable, safe: true });
    }
  }
});

test('each hand start names a control and an action that exist, and a target pattern', async () => {
  for (const h of handStarts) {
    expect(controlById(h.control)?.id).toBe(h.control);
    expect((await loadAction(h.action))?.id).toBe(h.action);
    expect(new RegExp(h.targetPattern).test('sg-0123456789abcdef0')).toBe(h.resourceType === 'AWS::EC2::SecurityGroup');
    expect(runbooks.map((r) => r.name)).not.toContain(h.name);
  }
});

test("every Notify (remediate, its failure path, each runbook) retries Slack's rate limit (Warden.Throttled) with jittered backoff, and gives up within 15 minutes", () => {
  const notifies = [states.Notify!, states.NotifyFailure!, ...runbooks.map((r) => (runbookAsl(r) as typeof asl).States.Notify!)];
  for (const n of notifies) expect(n.Retry).toEqual([RETRY.slackThrottled, RETRY.lambda]);
  const r = RETRY.slackThrottled;
  expect(r).toMatchObject({ ErrorEquals: ['Warden.Throttled'], JitterStrategy: 'FULL' });
  let worst = 0;
  for (let i = 0; i < r.MaxAttempts; i++) worst += Math.min(r.IntervalSeconds * r.BackoffRate ** i, r.MaxDelaySeconds) + 40; // + the Task's timeout
  expect(worst).toBeLessThan(15 * 60);
});
