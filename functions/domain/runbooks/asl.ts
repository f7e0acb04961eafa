import type { RunbookDefinition, RunbookStepSpec } from './model';

/**
 * The state machine of a runbook, generated from its definition (pure). Every runbook has the same frame:
 *   Start → Plan → Needed? → before steps → ChooseMode → [RequestApproval] → change steps → MarkFixed
 *   → Conclude → Notify → Record → Succeeded | Failed
 * Runbook steps run in the RunbookStep function (or RestoreRule) with the whole state and return the whole state
 * (`OutputPath: $.Payload`); RequestApproval, ExpireApproval, Notify and Record are the remediate workflow's own
 * functions. Any error goes to Conclude with `$.error`, so it is notified and recorded, and the run ends Failed.
 */

type State = Record<string, unknown>;

/**
 * Every Task on the RunbookStep or RestoreRule function waits this long; the functions' own timeouts (template.yaml)
 * are shorter, so a step never outlives its Task (a timed-out Task with a still-running Lambda would record "failed"
 * for a change that then happens).
 */
export const RUNBOOK_STEP_TIMEOUT_SECONDS = 100;

const LAMBDA_ERRORS = ['Lambda.TooManyRequestsException', 'Lambda.ServiceException', 'Lambda.SdkClientException'];
const RETRY_TRANSIENT = {
  ErrorEquals: ['Warden.Throttled', ...LAMBDA_ERRORS], IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 5, MaxDelaySeconds: 30, JitterStrategy: 'FULL',
};
const RETRY_UPDATE = { ErrorEquals: ['Warden.UpdateInProgress'], IntervalSeconds: 15, BackoffRate: 1.5, MaxAttempts: 8, MaxDelaySeconds: 120 };
const RETRY_VERIFY = { ErrorEquals: ['Warden.VerificationFailed'], IntervalSeconds: 3, BackoffRate: 2, MaxAttempts: 3 };
const catchTo = (next: string, path = '$.error') => [{ ErrorEquals: ['States.ALL'], ResultPath: path, Next: next }];
const fnArn = (fn: string) => `\${${fn}FunctionArn}`;

function stepTask(runbook: string, spec: Pick<RunbookStepSpec, 'id' | 'title' | 'fn' | 'verify'>, next: string): State {
  return {
    Type: 'Task',
    Comment: spec.title,
    Resource: 'arn:aws:states:::lambda:invoke',
    Parameters: { FunctionName: fnArn(spec.fn ?? 'RunbookStep'), Payload: { step: `${runbook}.${spec.id}`, 'state.$': '$' } },
    OutputPath: '$.Payload',
    TimeoutSeconds: RUNBOOK_STEP_TIMEOUT_SECONDS,
    Retry: [RETRY_TRANSIENT, ...(spec.verify ? [RETRY_VERIFY] : []), RETRY_UPDATE],
    Catch: catchTo('Conclude'),
    Next: next,
  };
}

/** A Task that invokes one of the remediate workflow's functions with the whole state, its result under `resultPath`. */
function sharedTask(fn: string, comment: string, resultPath: string, retry: object, next: string, onError?: { next: string; path: string }): State {
  return {
    Type: 'Task',
    Comment: comment,
    Resource: 'arn:aws:states:::lambda:invoke',
    Parameters: { FunctionName: fnArn(fn), 'Payload.$': '$' },
    ResultSelector: { 'result.$': '$.Payload' },
    ResultPath: resultPath,
    // Above the shared functions' 30 s (Globals): the Task never gives up on a function that is still running.
    TimeoutSeconds: 40,
    Retry: [retry],
    ...(onError ? { Catch: catchTo(onError.next, onError.path) } : {}),
    Next: next,
  };
}

const RETRY_SHARED = { ErrorEquals: LAMBDA_ERRORS, IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 3 };

const mark = (outcome: string): State => ({ Type: 'Pass', Result: outcome, ResultPath: '$.outcome', Next: 'Conclude' });

function approvalStates(first: string): Record<string, State> {
  return {
    RequestApproval: {
      Type: 'Task',
      Comment: 'Post the plan and wait for a named approver (Slack, or `warden approve`/`warden deny`).',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: {
        FunctionName: fnArn('RequestApproval'),
        Payload: { 'state.$': '$', 'taskToken.$': '$$.Task.Token', 'executionArn.$': '$$.Execution.Id', stage: 'initial' },
      },
      TimeoutSecondsPath: '$.policy.approvals.timeoutSeconds',
      ResultPath: '$.approval',
      Retry: [{ ErrorEquals: [...LAMBDA_ERRORS, 'Warden.Throttled'], IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 5, MaxDelaySeconds: 30 }],
      Catch: [
        { ErrorEquals: ['States.Timeout'], ResultPath: '$.approvalTimeout', Next: 'ExpireApproval' },
        { ErrorEquals: ['Warden.ApprovalDenied'], ResultPath: '$.denial', Next: 'MarkDenied' },
        ...catchTo('Conclude'),
      ],
      Next: first,
    },
    ExpireApproval: sharedTask(
      'ExpireApproval', 'Nobody decided in time: mark the approval expired (a late click is refused). Incidents do not wait for an escalation.',
      '$.expired', RETRY_SHARED, 'MarkExpired', { next: 'MarkExpired', path: '$.expireError' },
    ),
    MarkDenied: mark('denied'),
    MarkExpired: mark('expired'),
  };
}

function tail(): Record<string, State> {
  return {
    Conclude: {
      Type: 'Task',
      Comment: 'Append the final timeline entry (outcome, decision, error).',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: fnArn('RunbookStep'), Payload: { step: 'conclude', 'state.$': '$' } },
      OutputPath: '$.Payload',
      TimeoutSeconds: RUNBOOK_STEP_TIMEOUT_SECONDS,
      Retry: [RETRY_TRANSIENT],
      Catch: catchTo('Notify', '$.concludeError'),
      Next: 'Notify',
    },
    Notify: sharedTask(
      'Notify', 'Tell the owning team, with the timeline. Channel failures are recorded, never thrown.',
      '$.notified', RETRY_SHARED, 'Record', { next: 'Record', path: '$.notifyError' },
    ),
    Record: sharedTask(
      'RecordAudit', "Write the final audit record (over the run's progress item) and emit 'Warden Remediation Completed|Failed'.",
      '$.recorded', { ErrorEquals: ['Warden.Throttled', ...LAMBDA_ERRORS], IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 6, MaxDelaySeconds: 60, JitterStrategy: 'FULL' },
      'Finished',
    ),
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
  states.Start = {
    Type: 'Task',
    Comment: 'Build the run: from a triage input ({context, policy}) or a hand start ({target, dryRun, requestedBy}).',
    Resource: 'arn:aws:states:::lambda:invoke',
    Parameters: {
      FunctionName: fnArn('RunbookStep'),
      Payload: { step: 'start', runbook: r.name, 'input.$': '$', 'executionName.$': '$$.Execution.Name', 'executionArn.$': '$$.Execution.Id' },
    },
    OutputPath: '$.Payload',
    TimeoutSeconds: RUNBOOK_STEP_TIMEOUT_SECONDS,
    Retry: [RETRY_TRANSIENT],
    Next: 'Plan',
  };
  states.Plan = stepTask(r.name, { id: 'plan', title: 'Read the target live and plan every step' }, 'Needed');
  const afterBefore = 'ChooseMode';
  states.Needed = {
    Type: 'Choice',
    Comment: 'Nothing to do when the target does not exist (not-found, resource-gone) or is already in the end state.',
    Choices: [
      { Variable: '$.live.result.absent', IsPresent: true, Next: 'MarkAbsent' },
      { Variable: '$.live.result.stillViolating', BooleanEquals: false, Next: 'MarkNothingToDo' },
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
        { Variable: '$.live.result.mode', StringEquals: 'auto', Next: first },
        { Variable: '$.live.result.mode', StringEquals: 'approval', Next: 'RequestApproval' },
        { Variable: '$.live.result.mode', StringEquals: 'notify', Next: 'MarkNotified' },
      ],
      Default: 'MarkDryRun',
    };
    Object.assign(states, approvalStates(first));
    changes.forEach((s, i) => (states[s.state] = stepTask(r.name, s, changes[i + 1]?.state ?? 'MarkFixed')));
    states.MarkFixed = mark('fixed');
  }
  states.MarkNothingToDo = mark('already-fixed');
  // The Plan step says which: `not-found` (a hand start named something that does not exist) or `resource-gone`.
  states.MarkAbsent = { Type: 'Pass', InputPath: '$.live.result.absent', ResultPath: '$.outcome', Next: 'Conclude' };
  states.MarkNotified = mark('notified');
  states.MarkDryRun = mark('dry-run');
  Object.assign(states, tail());
  return {
    Comment: `Warden runbook ${r.name}: ${r.title}. Generated from functions/domain/runbooks/catalog.ts by scripts/gen-runbooks.ts; do not edit by hand.`,
    StartAt: 'Start',
    States: states,
  };
}
