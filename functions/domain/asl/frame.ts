/**
 * The pieces every Warden state machine is built from (pure): named retry policies, Lambda Tasks, the approval
 * request, outcome marks. The remediate workflow (./remediate.ts) and the runbooks (../runbooks/asl.ts) are written
 * with them, so a retry or a catch means the same thing everywhere. The key order of each state is fixed here, so
 * the generated JSON stays stable and readable.
 */

export type State = Record<string, unknown>;

const LAMBDA_ERRORS = ['Lambda.TooManyRequestsException', 'Lambda.ServiceException', 'Lambda.SdkClientException'];

/** Retry policies by name: a Task lists the ones it needs, in this order of precedence. */
export const RETRY = {
  /** AWS throttling (`Warden.Throttled`) and transient Lambda errors: every Task whose function calls AWS. */
  throttling: { ErrorEquals: ['Warden.Throttled', ...LAMBDA_ERRORS], IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 5, MaxDelaySeconds: 30, JitterStrategy: 'FULL' },
  /**
   * Notify: Slack's rate limit outlasting one attempt's wait (Warden.Throttled, nothing posted yet). Patient, with full
   * jitter, so runs that hit one channel at once spread out (up to about 5 minutes of backoff in all) instead of dropping messages.
   */
  slackThrottled: { ErrorEquals: ['Warden.Throttled'], IntervalSeconds: 5, BackoffRate: 2, MaxAttempts: 6, MaxDelaySeconds: 120, JitterStrategy: 'FULL' },
  /** Transient Lambda errors only: Notify, whose channel failures are results, never errors. */
  lambda: { ErrorEquals: LAMBDA_ERRORS, IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 3 },
  /** A change that is not visible yet to the re-read (stopping tasks, restored rules). */
  verification: { ErrorEquals: ['Warden.VerificationFailed'], IntervalSeconds: 3, BackoffRate: 2, MaxAttempts: 3 },
  /** An asynchronous change still in progress (EKS updates): retried for up to about 12 minutes. */
  updateInProgress: { ErrorEquals: ['Warden.UpdateInProgress'], IntervalSeconds: 15, BackoffRate: 1.5, MaxAttempts: 8, MaxDelaySeconds: 120 },
  /** The audit write, the last step of every run: the most patient. */
  record: { ErrorEquals: ['Warden.Throttled', ...LAMBDA_ERRORS], IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 6, MaxDelaySeconds: 60, JitterStrategy: 'FULL' },
} as const;

export type RetryName = keyof typeof RETRY;

/**
 * Every Task on the RunbookStep or RestoreRule function waits this long; the functions' own timeouts (template.yaml)
 * are shorter, so a step never outlives its Task.
 */
export const RUNBOOK_STEP_TIMEOUT_SECONDS = 100;

/**
 * Above the shared functions' 30 s (template Globals): a Task never gives up on a function that is still running
 * (a timed-out Task with a still-running Lambda would record "failed" for a change that then happens).
 */
export const SHARED_TASK_TIMEOUT_SECONDS = 40;

/** The `${…}` substitution of a function's ARN (template.yaml DefinitionSubstitutions). */
export const fnArn = (fn: string): string => `\${${fn}FunctionArn}`;

/** Catch everything into `next`, the error under `path`. */
export const catchAll = (next: string, path = '$.error') => ({ ErrorEquals: ['States.ALL'], ResultPath: path, Next: next });

interface TaskSpec {
  fn: string;
  comment?: string;
  /** Payload template; default: the whole state (`Payload.$: $`). */
  payload?: Record<string, unknown>;
  /** Where the function's result goes (`ResultSelector {result.$: $.Payload}`); without it the result is the state (`OutputPath: $.Payload`). */
  resultPath?: string;
  timeoutSeconds: number;
  retry: RetryName[];
  catch?: object[];
  next?: string;
}

/** A `lambda:invoke` Task. */
export function lambdaTask(t: TaskSpec): State {
  return {
    Type: 'Task',
    ...(t.comment ? { Comment: t.comment } : {}),
    Resource: 'arn:aws:states:::lambda:invoke',
    Parameters: { FunctionName: fnArn(t.fn), ...(t.payload ? { Payload: t.payload } : { 'Payload.$': '$' }) },
    ...(t.resultPath ? { ResultSelector: { 'result.$': '$.Payload' }, ResultPath: t.resultPath } : { OutputPath: '$.Payload' }),
    TimeoutSeconds: t.timeoutSeconds,
    Retry: t.retry.map((name) => RETRY[name]),
    ...(t.catch?.length ? { Catch: t.catch } : {}),
    ...(t.next ? { Next: t.next } : { End: true }),
  };
}

/**
 * Post the plan and wait for a named approver (`.waitForTaskToken`): the decision lands in `$.approval`, a denial
 * goes to `denied`, a timeout to `timedOut` with its error under `timeoutPath`, any other error to `failed`.
 */
export function approvalTask(a: {
  comment: string; stage: 'initial' | 'escalated'; timeoutSecondsPath: string; timeoutPath: string;
  timedOut: string; denied: string; failed: string; next: string;
}): State {
  return {
    Type: 'Task',
    Comment: a.comment,
    Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
    Parameters: {
      FunctionName: fnArn('RequestApproval'),
      Payload: { 'state.$': '$', 'taskToken.$': '$$.Task.Token', 'executionArn.$': '$$.Execution.Id', stage: a.stage },
    },
    TimeoutSecondsPath: a.timeoutSecondsPath,
    ResultPath: '$.approval',
    Retry: [RETRY.throttling],
    Catch: [
      { ErrorEquals: ['States.Timeout'], ResultPath: a.timeoutPath, Next: a.timedOut },
      { ErrorEquals: ['Warden.ApprovalDenied'], ResultPath: '$.denial', Next: a.denied },
      catchAll(a.failed),
    ],
    Next: a.next,
  };
}

/** Mark the run's outcome (`$.outcome`) and go on. */
export const mark = (outcome: string, next: string): State => ({ Type: 'Pass', Result: outcome, ResultPath: '$.outcome', Next: next });
