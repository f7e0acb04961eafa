import { SHARED_TASK_TIMEOUT_SECONDS, catchAll, lambdaTask, type State } from './frame';

/**
 * The scheduled sweep (statemachines/sweep.asl.json), generated from the same frame as the remediate workflow (pure):
 *   PlanSweep → SweepItems (Distributed Map: one child execution per account × Region × resource type, each a
 *   SweepItem Task) → Summarize → Swept? → Succeeded | SweepFailed
 * A failure of PlanSweep or of the Map itself still reaches Summarize (the summary says `failed`, with the error), then
 * the execution fails. An item's own failure is caught in its child execution (ItemFailed) and summarized as a gap, so
 * one unreadable service never fails the others.
 */

/** At most this many items (SweepItem invocations) at once: the bound the template names for SweepItemFunction. */
export const SWEEP_MAX_CONCURRENCY = 4;

/** SweepItemFunction's timeout (template.yaml); its Task waits a little longer. */
export const SWEEP_ITEM_FUNCTION_TIMEOUT_SECONDS = 300;
const SWEEP_ITEM_TASK_TIMEOUT_SECONDS = SWEEP_ITEM_FUNCTION_TIMEOUT_SECONDS + 30;

/** The ASL document (JSONPath). */
export function sweepAsl(): Record<string, unknown> {
  const itemProcessor = {
    // Each item is a child execution of its own. STANDARD: exactly once (an item starts runs), with its history kept
    // for `aws stepfunctions describe-execution`, and no 5-minute cap.
    ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
    StartAt: 'SweepItem',
    States: {
      SweepItem: lambdaTask({
        fn: 'SweepItem',
        comment: "Inventory one resource type in one Region (the scan's readers), decide each resource like an event, and start each violation's run like triage (grouping, naming from the sweep id, sticky decisions, resource locks).",
        timeoutSeconds: SWEEP_ITEM_TASK_TIMEOUT_SECONDS, retry: ['throttling'], catch: [catchAll('ItemFailed')],
      }),
      ItemFailed: {
        Type: 'Pass',
        Comment: 'The item failed (after its retries): the summary lists it as a gap; the other items go on.',
        Parameters: { 'item.$': '$.item', 'failed.$': '$.error' },
        End: true,
      },
    } satisfies Record<string, State>,
  };
  const states: Record<string, State> = {
    PlanSweep: lambdaTask({
      fn: 'Sweep', comment: "The items: Warden's account × each Region of SweepRegions it can fix × each resource type.",
      payload: { step: 'plan', 'sweepId.$': '$$.Execution.Name', 'startedAt.$': '$$.Execution.StartTime' },
      resultPath: '$.plan', timeoutSeconds: SHARED_TASK_TIMEOUT_SECONDS, retry: ['lambda'], catch: [catchAll('Summarize', '$.failure')], next: 'SweepItems',
    }),
    SweepItems: {
      Type: 'Map',
      Comment: 'One child execution per item, at most MaxConcurrency at once. Each catches its own failure, so the Map fails only when Step Functions stops it.',
      ItemsPath: '$.plan.result.items',
      ItemSelector: { 'sweepId.$': '$.plan.result.sweepId', 'startedAt.$': '$.plan.result.startedAt', 'item.$': '$$.Map.Item.Value' },
      ItemProcessor: itemProcessor,
      MaxConcurrency: SWEEP_MAX_CONCURRENCY,
      Label: 'SweepItems',
      ResultPath: '$.results',
      Catch: [catchAll('Summarize', '$.failure')],
      Next: 'Summarize',
    },
    Summarize: lambdaTask({
      fn: 'Sweep', comment: "Write the sweep's summary to the audit table and emit 'Warden Sweep Completed' (or Failed) on the Warden bus.",
      payload: { step: 'summarize', 'state.$': '$', 'sweepId.$': '$$.Execution.Name', 'startedAt.$': '$$.Execution.StartTime' },
      resultPath: '$.summary', timeoutSeconds: SHARED_TASK_TIMEOUT_SECONDS, retry: ['record'], next: 'Swept',
    }),
    Swept: {
      Type: 'Choice',
      Comment: 'A sweep that could not plan or whose Map failed ends failed (after its summary).',
      Choices: [{ Variable: '$.failure', IsPresent: true, Next: 'SweepFailed' }],
      Default: 'Succeeded',
    },
    Succeeded: { Type: 'Succeed' },
    SweepFailed: { Type: 'Fail', Error: 'Warden.SweepFailed', Cause: "The sweep could not plan or its Map failed; see the sweep's summary in the audit table." },
  };
  return {
    Comment: 'Warden sweep: inventory live state per account, Region and resource type, decide each resource through the same controls as events, and start the remediation of each violation as triage does. Generated from functions/domain/asl/sweep.ts by scripts/gen-runbooks.ts; do not edit by hand.',
    StartAt: 'PlanSweep',
    States: states,
  };
}
