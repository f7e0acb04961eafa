import { RUNBOOK_STEP_TIMEOUT_SECONDS, SHARED_TASK_TIMEOUT_SECONDS, approvalTask, catchAll, lambdaTask, mark, type State } from '../asl/frame';
import type { RunbookDefinition, RunbookStepSpec } from './model';

/**
 * The state machine of a runbook, generated from its definition (pure). Every runbook has the same frame:
 *   Start → Plan → Needed? → before steps → ChooseMode → [RequestApproval] → Brake → Braked? → change steps
 *   → MarkFixed → Conclude → Notify → Record → Succeeded | Failed
 * The brakes hold a run at Plan (Warden paused) or at Brake, just before the first change (paused, or the
 * breaker's containment count full): MarkHeld → Conclude, nothing changed.
 * Runbook steps run in the RunbookStep function (or RestoreRule) with the whole state and return the whole state
 * (`OutputPath: $.Payload`); RequestApproval, ExpireApproval, Notify and Record are the remediate workflow's own
 * functions. Any error goes to Conclude with `$.error`, so it is notified and recorded, and the run ends Failed.
 * The states and retry policies are those of ../asl/frame.ts, shared with the remediate workflow.
 */

export { RUNBOOK_STEP_TIMEOUT_SECONDS };

function stepTask(runbook: string, spec: Pick<RunbookStepSpec, 'id' | 'title' | 'fn' | 'verify'>, next: string): State {
  return lambdaTask({
    fn: spec.fn ?? 'RunbookStep', comment: spec.title, payload: { step: `${runbook}.${spec.id}`, 'state.$': '$' },
    timeoutSeconds: RUNBOOK_STEP_TIMEOUT_SECONDS,
    retry: ['throttling', ...(spec.verify ? (['verification'] as const) : []), 'updateInProgress'],
    catch: [catchAll('Conclude')], next,
  });
}

const conclude = (outcome: string): State => mark(outcome, 'Conclude');

/** The check just before the first change: the brakes (functions/brakes/gate.ts), then the change or MarkHeld. */
function brakeStates(first: string): Record<string, State> {
  return {
    Brake: lambdaTask({
      fn: 'RunbookStep', comment: 'The brakes, just before the first change: the deployed policy read again (paused holds), and an automatic containment spends one token of the breaker (once per run).',
      payload: { step: 'brake', 'state.$': '$' }, timeoutSeconds: RUNBOOK_STEP_TIMEOUT_SECONDS, retry: ['throttling'], catch: [catchAll('Conclude')], next: 'Braked',
    }),
    Braked: {
      Type: 'Choice',
      Comment: 'Held by the brakes: nothing is changed.',
      Choices: [{ Variable: '$.held', IsPresent: true, Next: 'MarkHeld' }],
      Default: first,
    },
    MarkHeld: conclude('held'),
  };
}

function approvalStates(first: string): Record<string, State> {
  return {
    RequestApproval: approvalTask({
      comment: 'Post the plan and wait for a named approver (Slack, or `warden approve`/`warden deny`).',
      stage: 'initial', timeoutSecondsPath: '$.policy.approvals.timeoutSeconds', timeoutPath: '$.approvalTimeout',
      timedOut: 'ExpireApproval', denied: 'MarkDenied', failed: 'Conclude', next: first,
    }),
    ExpireApproval: lambdaTask({
      fn: 'ExpireApproval', comment: 'Nobody decided in time: mark the approval expired (a late click is refused). Incidents do not wait for an escalation.',
      resultPath: '$.expired', timeoutSeconds: SHARED_TASK_TIMEOUT_SECONDS, retry: ['throttling'],
      catch: [catchAll('MarkExpired', '$.expireError')], next: 'MarkExpired',
    }),
    MarkDenied: conclude('denied'),
    MarkExpired: conclude('expired'),
  };
}

function tail(): Record<string, State> {
  return {
    Conclude: lambdaTask({
      fn: 'RunbookStep', comment: 'Append the final timeline entry (outcome, decision, error).', payload: { step: 'conclude', 'state.$': '$' },
      timeoutSeconds: RUNBOOK_STEP_TIMEOUT_SECONDS, retry: ['throttling'], catch: [catchAll('Notify', '$.concludeError')], next: 'Notify',
    }),
    Notify: lambdaTask({
      fn: 'Notify', comment: 'Tell the owning team, with the timeline. Channel failures are recorded, never thrown.',
      resultPath: '$.notified', timeoutSeconds: SHARED_TASK_TIMEOUT_SECONDS, retry: ['slackThrottled', 'lambda'], catch: [catchAll('Record', '$.notifyError')], next: 'Record',
    }),
    Record: lambdaTask({
      fn: 'RecordAudit', comment: "Write the final audit record (over the run's progress item) and emit 'Warden Remediation Completed|Failed'.",
      resultPath: '$.recorded', timeoutSeconds: SHARED_TASK_TIMEOUT_SECONDS, retry: ['record'], next: 'Finished',
    }),
    Finished: {
      Type: 'Choice',
      Choices: [{ Variable: '$.error', IsPresent: true, Next: 'Failed' }],
      Default: 'Succeeded',
    },
    Failed: { Type: 'Fail', Error: 'Warden.RunbookFailed', Cause: 'A runbook step failed: see the audit record and the notification.' },
    Succeeded: { Type: 'Succeed' },
  };
}

/** The ASL document (JSONPath) of one runbook. */
export function runbookAsl(r: RunbookDefinition): Record<string, unknown> {
  const states: Record<string, State> = {};
  const before = r.before;
  const changes = r.changes;
  states.Start = lambdaTask({
    fn: 'RunbookStep', comment: 'Build the run: from a triage input ({context, policy}) or a hand start ({target, dryRun, requestedBy}).',
    payload: { step: 'start', runbook: r.name, 'input.$': '$', 'executionName.$': '$$.Execution.Name', 'executionArn.$': '$$.Execution.Id' },
    timeoutSeconds: RUNBOOK_STEP_TIMEOUT_SECONDS, retry: ['throttling'], next: 'Plan',
  });
  states.Plan = stepTask(r.name, { id: 'plan', title: 'Read the target live and plan every step' }, 'Needed');
  const afterBefore = 'ChooseMode';
  states.Needed = {
    Type: 'Choice',
    Comment: 'Nothing to do when the target does not exist (not-found, resource-gone) or is already in the end state; nothing to change while Warden is paused.',
    Choices: [
      { Variable: '$.live.result.absent', IsPresent: true, Next: 'MarkAbsent' },
      { Variable: '$.live.result.stillViolating', BooleanEquals: false, Next: 'MarkNothingToDo' },
      // Held at the mode step (Warden paused); a runbook that changes nothing is never held.
      ...(changes.length ? [{ Variable: '$.live.result.held', IsPresent: true, Next: 'MarkHeld' }] : []),
    ],
    Default: before[0]?.state ?? afterBefore,
  };
  before.forEach((s, i) => (states[s.state] = stepTask(r.name, s, before[i + 1]?.state ?? afterBefore)));
  if (changes.length === 0) {
    states.ChooseMode = {
      Type: 'Choice',
      Comment: 'This runbook changes nothing: it notifies (or, in dry-run, says it would).',
      Choices: [{ Variable: '$.live.result.mode', StringEquals: 'dry-run', Next: 'MarkDryRun' }],
      Default: 'MarkNotified',
    };
  } else {
    const first = changes[0]!.state;
    states.ChooseMode = {
      Type: 'Choice',
      Comment: 'The mode the Plan step decided from policy, live tags and the runbook.',
      Choices: [
        { Variable: '$.live.result.mode', StringEquals: 'auto', Next: 'Brake' },
        { Variable: '$.live.result.mode', StringEquals: 'approval', Next: 'RequestApproval' },
        { Variable: '$.live.result.mode', StringEquals: 'notify', Next: 'MarkNotified' },
      ],
      Default: 'MarkDryRun',
    };
    Object.assign(states, approvalStates('Brake'), brakeStates(first));
    changes.forEach((s, i) => (states[s.state] = stepTask(r.name, s, changes[i + 1]?.state ?? 'MarkFixed')));
    states.MarkFixed = conclude('fixed');
  }
  states.MarkNothingToDo = conclude('already-fixed');
  // The Plan step says which: `not-found` (a hand start named something that does not exist) or `resource-gone`.
  states.MarkAbsent = { Type: 'Pass', InputPath: '$.live.result.absent', ResultPath: '$.outcome', Next: 'Conclude' };
  states.MarkNotified = conclude('notified');
  states.MarkDryRun = conclude('dry-run');
  Object.assign(states, tail());
  return {
    Comment: `Warden runbook ${r.name}: ${r.title}. Generated from functions/domain/runbooks/catalog.ts by scripts/gen-runbooks.ts; do not edit by hand.`,
    StartAt: 'Start',
    States: states,
  };
}
