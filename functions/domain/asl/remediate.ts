import { handStarts } from '../runbooks/catalog';
import { RUNBOOK_STEP_TIMEOUT_SECONDS, SHARED_TASK_TIMEOUT_SECONDS, approvalTask, catchAll, lambdaTask, mark, type State } from './frame';

/**
 * The remediate workflow (statemachines/remediate.asl.json), generated from the frame the runbooks use (pure):
 *   LoadLiveState → StillViolating? → ChooseMode → [SecurityHubNotified → RequestApproval → EscalateApproval → ExpireApproval →
 *   TimeoutOutcome] → Apply → Applied? → Verify → MarkFixed → Notify → Record
 * with every AWS-touching step caught into NotifyFailure → RecordFailure → RemediationFailed. The brakes hold a run
 * at LoadLiveState (paused) or in Apply (paused, or the breaker's count full): MarkHeld → Notify → Record, nothing
 * changed (Notify sends only a trip's one summary).
 *
 * Triage starts it with `{context, policy}`. A person starts it by hand (`warden runbook run revoke-open-ingress`)
 * with `{target, dryRun, requestedBy, reason}`: LoadLiveState answers such an input with `handStart` instead of a
 * plan, and Start (the runbooks' Start step, in the RunbookStep function) builds the run with the deployed policy
 * before LoadLiveState reads it again. A triage run never passes through Start.
 */

/** LoadLiveState, Apply and Verify: above their functions' 30 s, with room for the re-check's reads. */
const WORK_TIMEOUT_SECONDS = 60;

const toFailure = [catchAll('NotifyFailure')];

/** The one hand-startable name of this workflow: Start says which, so it builds that entry's finding. */
function handStartName(): string {
  const mine = handStarts.filter((h) => h.workflow === 'remediate');
  if (mine.length !== 1) throw new Error(`the remediate workflow takes exactly one hand-start entry (has ${mine.length}): with more, the input must name it`);
  return mine[0]!.name;
}

/**
 * The ASL document (JSONPath) of the remediate workflow. Two entries share every state: triage's (`remediate`,
 * StartAt LoadLiveState, startable only by triage's role) and the hand entry (`remediate-by-hand`, StartAt Start, the
 * one responders may start). Start refuses an input that brings a policy or a finding context, so a person can never
 * run the workflow under a policy of their own (decision 50); triage's input is trusted because only triage (and the
 * sweep's items, which start it the same way) start it.
 */
export function remediateAsl(entry: 'triage' | 'hand' = 'triage'): Record<string, unknown> {
  const states: Record<string, State> = {
    LoadLiveState: lambdaTask({
      fn: 'LoadLiveState', comment: 'Re-read the resource and re-run the control; plan the exact change from live state.',
      resultPath: '$.live', timeoutSeconds: WORK_TIMEOUT_SECONDS, retry: ['throttling'], catch: toFailure, next: 'StillViolating',
    }),
    StillViolating: {
      Type: 'Choice',
      Comment: 'A hand start is built first. A target that is absent is its own outcome, notified (not-found for a hand start, resource-gone when deleted since the event); nothing left to fix is recorded only; a run held at the mode step (Warden paused) ends held.',
      Choices: [
        { Variable: '$.live.result.handStart', IsPresent: true, Next: 'Start' },
        // A missing path would fail the Choice (States.Runtime): both rules read paths that every run has here.
        { And: [{ Variable: '$.live.result.absent', IsPresent: true }, { Variable: '$.context.source', StringEquals: 'manual' }], Next: 'MarkNotFound' },
        { Variable: '$.live.result.absent', IsPresent: true, Next: 'MarkResourceGone' },
        { Variable: '$.live.result.stillViolating', BooleanEquals: false, Next: 'RecordAlreadyFixed' },
        { Variable: '$.live.result.held', IsPresent: true, Next: 'MarkHeld' },
      ],
      Default: 'ChooseMode',
    },
    Start: lambdaTask({
      fn: 'RunbookStep',
      comment: 'A hand start ({target, dryRun, requestedBy, reason}): validate it and build the run with the deployed policy. Bad input fails the execution before anything is read or recorded.',
      payload: { step: 'start', runbook: handStartName(), 'input.$': '$', 'executionName.$': '$$.Execution.Name', 'executionArn.$': '$$.Execution.Id' },
      timeoutSeconds: RUNBOOK_STEP_TIMEOUT_SECONDS, retry: ['throttling'], next: 'LoadLiveState',
    }),
    ChooseMode: {
      Type: 'Choice',
      Comment: 'The mode was decided from policy with live tags by LoadLiveState. A run with a Security Hub finding marks it NOTIFIED before asking.',
      Choices: [
        { Variable: '$.live.result.mode', StringEquals: 'auto', Next: 'Apply' },
        { And: [{ Variable: '$.live.result.mode', StringEquals: 'approval' }, { Variable: '$.context.securityHub', IsPresent: true }], Next: 'SecurityHubNotified' },
        { Variable: '$.live.result.mode', StringEquals: 'approval', Next: 'RequestApproval' },
        { Variable: '$.live.result.mode', StringEquals: 'notify', Next: 'NotifyOnly' },
        { Variable: '$.live.result.mode', StringEquals: 'dry-run', Next: 'NotifyDryRun' },
      ],
      Default: 'NotifyDryRun',
    },
    SecurityHubNotified: lambdaTask({
      fn: 'RecordAudit', comment: "Mark the run's Security Hub finding NOTIFIED, with a note naming the run and the plan (BatchUpdateFindings; Warden's own finding imported first). A refusal is the result, never an error: the request goes on.",
      payload: { securityHub: 'approval-requested', 'state.$': '$' }, resultPath: '$.securityHubNotified', timeoutSeconds: SHARED_TASK_TIMEOUT_SECONDS,
      retry: ['lambda'], catch: [catchAll('RequestApproval', '$.securityHubError')], next: 'RequestApproval',
    }),
    RequestApproval: approvalTask({
      comment: 'Post the exact plan and wait for a named approver (Slack Approve/Deny, or `warden approve`/`warden deny`). The task token stays in the approvals table; Slack only sees a short approval id.',
      stage: 'initial', timeoutSecondsPath: '$.policy.approvals.timeoutSeconds', timeoutPath: '$.approvalTimeout',
      timedOut: 'EscalateApproval', denied: 'MarkDenied', failed: 'NotifyFailure', next: 'Apply',
    }),
    EscalateApproval: approvalTask({
      comment: 'No decision in time: ask the escalation channel once, with a new deadline.',
      stage: 'escalated', timeoutSecondsPath: '$.policy.approvals.escalation.timeoutSeconds', timeoutPath: '$.escalationTimeout',
      timedOut: 'ExpireApproval', denied: 'MarkDenied', failed: 'NotifyFailure', next: 'Apply',
    }),
    ExpireApproval: lambdaTask({
      fn: 'ExpireApproval', comment: "Mark the run's approvals expired and say so in Slack; a failure here must not stop the timeout outcome.",
      resultPath: '$.expired', timeoutSeconds: SHARED_TASK_TIMEOUT_SECONDS, retry: ['throttling'],
      catch: [catchAll('TimeoutOutcome', '$.expireError')], next: 'TimeoutOutcome',
    }),
    TimeoutOutcome: {
      Type: 'Choice',
      Comment: 'Deny on timeout by default; policy may opt in to applying CRITICAL findings.',
      Choices: [
        {
          And: [
            { Variable: '$.policy.approvals.onTimeout', StringEquals: 'apply-if-critical' },
            { Variable: '$.context.finding.severity', StringEquals: 'CRITICAL' },
          ],
          Next: 'Apply',
        },
      ],
      Default: 'MarkExpired',
    },
    MarkDenied: mark('denied', 'Notify'),
    MarkExpired: mark('expired', 'Notify'),
    NotifyOnly: mark('notified', 'Notify'),
    NotifyDryRun: mark('dry-run', 'Notify'),
    Apply: lambdaTask({
      fn: 'ApplyRemediation',
      comment: 'The brakes first (the deployed policy read again: paused holds; an automatic fix spends one token of the breaker, once per run), then apply the plan. Rules already gone (InvalidPermission.NotFound) count as fixed, not as errors.',
      resultPath: '$.applied', timeoutSeconds: WORK_TIMEOUT_SECONDS, retry: ['throttling', 'updateInProgress'], catch: toFailure, next: 'Applied',
    }),
    Applied: {
      Type: 'Choice',
      Comment: 'Held by the brakes just before the change: nothing was applied.',
      Choices: [{ Variable: '$.applied.result.held', IsPresent: true, Next: 'MarkHeld' }],
      Default: 'Verify',
    },
    MarkHeld: mark('held', 'Notify'),
    Verify: lambdaTask({
      fn: 'VerifyRemediation',
      comment: 'Read live state again; fails with Warden.VerificationFailed if any target is still there. Asynchronous changes (EKS updates) raise Warden.UpdateInProgress and are retried for up to about 12 minutes.',
      resultPath: '$.verified', timeoutSeconds: WORK_TIMEOUT_SECONDS, retry: ['throttling', 'verification', 'updateInProgress'], catch: toFailure, next: 'MarkFixed',
    }),
    MarkFixed: mark('fixed', 'Notify'),
    Notify: lambdaTask({
      fn: 'Notify', comment: "Tell the owning team (Slack in the owner's channel, or the webhook; SNS); a held run only the summary of the trip it started. Channel failures are reported, never thrown; Slack's rate limit is retried.",
      resultPath: '$.notified', timeoutSeconds: SHARED_TASK_TIMEOUT_SECONDS, retry: ['slackThrottled', 'lambda'], catch: [catchAll('Record', '$.notifyError')], next: 'Record',
    }),
    Record: lambdaTask({
      fn: 'RecordAudit', comment: "Tell the run's Security Hub finding how it ended (never fails the run), write the audit item (DynamoDB, idempotent) and emit 'Warden Remediation Completed'.",
      resultPath: '$.recorded', timeoutSeconds: SHARED_TASK_TIMEOUT_SECONDS, retry: ['record'],
    }),
    RecordAlreadyFixed: mark('already-fixed', 'Record'),
    MarkResourceGone: mark('resource-gone', 'Notify'),
    MarkNotFound: mark('not-found', 'Notify'),
    NotifyFailure: lambdaTask({
      fn: 'Notify', comment: 'Failure path: tell the owner what failed, then record it. The execution still ends Failed.',
      resultPath: '$.notified', timeoutSeconds: SHARED_TASK_TIMEOUT_SECONDS, retry: ['slackThrottled', 'lambda'], catch: [catchAll('RecordFailure', '$.notifyError')], next: 'RecordFailure',
    }),
    RecordFailure: lambdaTask({
      fn: 'RecordAudit', comment: "Write the failed run's audit item and emit 'Warden Remediation Failed'.",
      resultPath: '$.recorded', timeoutSeconds: SHARED_TASK_TIMEOUT_SECONDS, retry: ['record'], next: 'RemediationFailed',
    }),
    RemediationFailed: { Type: 'Fail', Error: 'Warden.RemediationFailed', Cause: 'Remediation failed; see the audit record and the failure notification.' },
  };
  return {
    Comment: `Warden remediation${entry === 'hand' ? ', started by hand (warden runbook run revoke-open-ingress)' : ''}: re-check live state, decide by policy, fix, verify, notify the owner, record an audit entry. Generated from functions/domain/asl/remediate.ts by scripts/gen-runbooks.ts; do not edit by hand.`,
    StartAt: entry === 'hand' ? 'Start' : 'LoadLiveState',
    States: states,
  };
}
