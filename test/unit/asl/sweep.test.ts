// The Sweep state machine generated from the shared frame (pure: no AWS, no emulator): up to date, the Distributed
// Map's shape, failures that always reach Summarize, and what the local runner cannot emulate.
//
// What aws-local-stepfunctions (the local runner, local/state-machine.ts) cannot emulate of the Distributed Map, and
// how each is covered instead:
// - child executions: it runs each item in-process, inside the parent execution (ProcessorConfig is read and ignored,
//   so ExecutionType STANDARD/EXPRESS makes no difference, and an item has no execution name, ARN or history of its
//   own). Covered: the item processor is run locally item by item (test/statemachines/sweep.test.ts, through the
//   whole state machine), and its shape is checked here and by asl-validator (npm run lint:asl, below too).
// - IAM: the state machine's role starting, describing and stopping its own child executions is not checked locally.
//   Covered: test/template/iam.test.ts (the exact grants) and cfn-lint (scripts/lint-template.sh).
// - ToleratedFailurePercentage/Count, ItemReader, ItemBatcher and ResultWriter are not implemented. Covered by not
//   needing them: each item catches its own failure into a result (ItemFailed), the items are the plan's inline
//   array (a few per Region: far below the 256 KiB state limit), and their results are small (gaps capped).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { StateMachine } from 'aws-local-stepfunctions';
import { RETRY } from '../../../functions/domain/asl/frame';
import { SWEEP_ITEM_FUNCTION_TIMEOUT_SECONDS, SWEEP_MAX_CONCURRENCY, sweepAsl } from '../../../functions/domain/asl/sweep';
import { GAPS_LISTED, SWEEP_RESOURCE_TYPES, planSweep } from '../../../functions/domain/sweep';
import { substitute } from '../../../local/state-machine';

type State = {
  Type: string; Next?: string; End?: boolean; Default?: string; Choices?: { Next: string }[]; Retry?: object[]; TimeoutSeconds?: number;
  Catch?: { Next: string; ErrorEquals: string[]; ResultPath?: string }[]; Parameters?: Record<string, unknown>; [k: string]: unknown;
};
const asl = sweepAsl() as { Comment: string; StartAt: string; States: Record<string, State> };
const states = asl.States;
const map = states.SweepItems! as State & {
  ItemProcessor: { ProcessorConfig: Record<string, string>; StartAt: string; States: Record<string, State> };
  ItemSelector: Record<string, string>; ItemsPath: string; MaxConcurrency: number; ResultPath: string;
};
const successors = (s: State): string[] =>
  [s.Next, s.Default, ...(s.Choices ?? []).map((c) => c.Next), ...(s.Catch ?? []).map((c) => c.Next)].filter((n): n is string => !!n);

test('statemachines/sweep.asl.json is up to date and says it is generated (run `npm run gen:runbooks`)', () => {
  expect(readFileSync('statemachines/sweep.asl.json', 'utf8')).toBe(`${JSON.stringify(asl, null, 2)}\n`);
  expect(asl.Comment).toContain('Generated from functions/domain/asl/sweep.ts');
});

test('asl-validator accepts it (the Distributed Map fields included)', () => {
  const validate = createRequire(import.meta.url)('asl-validator') as (d: unknown, o: object) => { isValid: boolean; errorsText(): string };
  const result = validate(substitute(readFileSync('statemachines/sweep.asl.json', 'utf8')).definition, { checkPaths: true, checkArn: true });
  expect(result.errorsText()).toBe('');
  expect(result.isValid).toBe(true);
  // It does read the Map's fields: a wrong mode is refused.
  const wrong = JSON.parse(JSON.stringify(substitute(readFileSync('statemachines/sweep.asl.json', 'utf8')).definition)) as typeof asl;
  (wrong.States.SweepItems as typeof map).ItemProcessor.ProcessorConfig.Mode = 'SIDEWAYS';
  expect(validate(wrong, { checkPaths: true, checkArn: true }).isValid).toBe(false);
});

test('PlanSweep → SweepItems → Summarize → Swept → Succeeded | SweepFailed; every state reachable', () => {
  expect(asl.StartAt).toBe('PlanSweep');
  expect(successors(states.PlanSweep!)).toEqual(['SweepItems', 'Summarize']);
  expect(successors(map)).toEqual(['Summarize', 'Summarize']);
  expect(successors(states.Summarize!)).toEqual(['Swept']);
  expect(successors(states.Swept!).sort()).toEqual(['Succeeded', 'SweepFailed']);
  expect(states.Succeeded!.Type).toBe('Succeed');
  expect(states.SweepFailed).toMatchObject({ Type: 'Fail', Error: 'Warden.SweepFailed' });
  const seen = new Set<string>();
  const visit = (n: string) => (seen.has(n) ? undefined : (seen.add(n), successors(states[n]!).forEach(visit)));
  visit(asl.StartAt);
  expect([...seen].sort()).toEqual(Object.keys(states).sort());
});

test('the Map is Distributed: STANDARD child executions over the plan\'s items, at most SWEEP_MAX_CONCURRENCY at once', () => {
  expect(map).toMatchObject({
    Type: 'Map', ItemsPath: '$.plan.result.items', MaxConcurrency: SWEEP_MAX_CONCURRENCY, ResultPath: '$.results',
    ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'SweepItem' },
    // Each child gets its item, and the sweep id its runs are named from.
    ItemSelector: { 'sweepId.$': '$.plan.result.sweepId', 'startedAt.$': '$.plan.result.startedAt', 'item.$': '$$.Map.Item.Value' },
  });
  // Items come inline from PlanSweep: no S3 reader or writer, no tolerated-failure threshold (see the header).
  for (const field of ['ItemReader', 'ResultWriter', 'ItemBatcher', 'ToleratedFailurePercentage', 'ToleratedFailureCount']) expect(map[field]).toBeUndefined();
  expect(states.PlanSweep!.Parameters).toMatchObject({ FunctionName: '${SweepFunctionArn}', Payload: { step: 'plan', 'sweepId.$': '$$.Execution.Name' } });
});

test('an item catches every failure of its Task into ItemFailed, which ends its child execution with the item and the error', () => {
  const { SweepItem: item, ItemFailed: failed } = map.ItemProcessor.States;
  expect(Object.keys(map.ItemProcessor.States).sort()).toEqual(['ItemFailed', 'SweepItem']);
  expect(item).toMatchObject({ Type: 'Task', Parameters: { FunctionName: '${SweepItemFunctionArn}', 'Payload.$': '$' }, End: true });
  expect(item!.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'ItemFailed' }]);
  expect(item!.TimeoutSeconds).toBeGreaterThan(SWEEP_ITEM_FUNCTION_TIMEOUT_SECONDS);
  expect(failed).toEqual(expect.objectContaining({ Type: 'Pass', Parameters: { 'item.$': '$.item', 'failed.$': '$.error' }, End: true }));
});

test('a failure to plan, or of the Map itself, still reaches Summarize (then SweepFailed); retries are named policies', () => {
  for (const s of [states.PlanSweep!, map]) expect(s.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Summarize' }]);
  expect(states.Swept).toMatchObject({ Choices: [{ Variable: '$.failure', IsPresent: true, Next: 'SweepFailed' }], Default: 'Succeeded' });
  expect(states.Summarize!.Parameters).toMatchObject({ FunctionName: '${SweepFunctionArn}', Payload: { step: 'summarize', 'state.$': '$' } });
  const named = Object.values(RETRY).map((r) => JSON.stringify(r));
  for (const s of [...Object.values(states), ...Object.values(map.ItemProcessor.States)]) for (const r of s.Retry ?? []) expect(named).toContain(JSON.stringify(r));
});

test('the plan and the Map\'s output stay far below the 256 KiB state limit (no ResultWriter needed), even with every Region listed', () => {
  const regions = ['us-east-1', ...Array.from({ length: 30 }, (_, i) => `eu-test-${i + 1}`)];
  const plan = planSweep({ sweepId: 'x'.repeat(80), startedAt: '2026-12-03T00:00:00Z', account: '123456789012', ownRegion: 'us-east-1', regions });
  expect(plan.items).toHaveLength(SWEEP_RESOURCE_TYPES.length);
  expect(JSON.stringify(plan).length).toBeLessThan(16 * 1024);
  // Each item's result lists at most GAPS_LISTED gaps (each a few hundred bytes at most).
  const gap = { region: 'us-east-1', service: 'ecs', what: 'y'.repeat(200), error: 'z'.repeat(300) };
  const result = { item: plan.items[0], resources: 1e6, findings: 1e6, runsStarted: 1e6, duplicates: 0, suppressed: 0, locked: 0, gaps: Array(GAPS_LISTED).fill(gap), gapCount: 1e6 };
  expect(JSON.stringify(plan).length + plan.items.length * JSON.stringify(result).length).toBeLessThan(128 * 1024);
});

test('the local runner runs a Distributed Map in-process: an item sees the parent execution, not a child of its own (what it cannot emulate)', async () => {
  const machine = new StateMachine({
    StartAt: 'M',
    States: {
      M: {
        Type: 'Map', ItemsPath: '$.items', End: true,
        ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'P', States: { P: { Type: 'Pass', Parameters: { 'execution.$': '$$.Execution.Name' }, End: true } } },
      },
    },
  } as never);
  const run = machine.run({ items: [1, 2] } as never, { context: { Execution: { Name: 'parent' } } } as never);
  // On AWS each item is a child execution with a name of its own; here both see the parent's.
  expect(await run.result).toEqual([{ execution: 'parent' }, { execution: 'parent' }]);
});
