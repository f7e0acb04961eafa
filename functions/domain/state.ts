import type { Held } from './brakes';
import type { Mode } from './model';
import type { Exemption } from './policy/exemption';
import type { Policy } from './policy/schema';
import type { WriteBackResult } from './securityhub';
import type { ApplyResult, ApprovalDecision, Outcome, Plan, RemediationContext, RemediationRecord, RunbookRun, VerifyResult } from './remediation';

/** What LoadLiveState decides. */
export interface LiveResult {
  stillViolating: boolean;
  /**
   * The resource does not exist, so nothing is to do (stillViolating is false): deleted since the event
   * (`resource-gone`), or never found by a hand-started runbook (`not-found`). The state machines end on it.
   */
  absent?: 'resource-gone' | 'not-found';
  mode: Mode;
  /** Why the mode is what it is: each rule as strict as the result (policy, tags, triage's announcement, floors). */
  modeReasons?: string[];
  /** The live tags claim an exemption: the verdict the mode was decided with (in force, expired or invalid). */
  exemption?: Exemption;
  /** Held at the mode step (Warden is paused): the run ends `held` without asking or changing anything. */
  held?: Held;
  plan: Plan;
  owner?: string;
  channel: string;
}

/**
 * The remediate state machine's state: triage's `context`, then each step's result under its own key
 * (ResultPath in statemachines/remediate.asl.json).
 */
export interface RemediationState {
  context: RemediationContext;
  /** The policy triage decided with: every step of this run uses the same one. */
  policy: Policy;
  live?: { result: LiveResult };
  applied?: { result: ApplyResult };
  verified?: { result: VerifyResult };
  outcome?: Outcome;
  error?: { Error?: string; Cause?: string };
  notified?: { result: RemediationRecord['notifications'] };
  notifyError?: { Error?: string; Cause?: string };
  /** SendTaskSuccess output of the approval request (or of the escalation). */
  approval?: ApprovalDecision;
  /** Catch of Warden.ApprovalDenied: Cause is the JSON of the decision. */
  denial?: { Error?: string; Cause?: string };
  /** Catch of States.Timeout on the request, then on the escalation. */
  approvalTimeout?: { Error?: string; Cause?: string };
  escalationTimeout?: { Error?: string; Cause?: string };
  /** Runbook runs only (statemachines/runbooks): the timeline, evidence and step results. */
  runbook?: RunbookRun;
  /** Runbook runs only: what their Brake step held, just before the first change. */
  held?: Held;
  /** The Security Hub finding marked NOTIFIED just before the approval request (SecurityHubNotified). */
  securityHubNotified?: { result: WriteBackResult };
}

/** Where a run was held, if it was: its mode step, Apply, or a runbook's Brake step. */
export const heldOf = (state: RemediationState): Held | undefined => state.held ?? state.applied?.result.held ?? state.live?.result.held;

type ApprovalSummary = NonNullable<RemediationRecord['approval']>;

/** What the run's approval step decided, if it had one. */
function approvalOf(state: RemediationState): ApprovalSummary | undefined {
  const since = (at: string | undefined) => (at ? { timeToDecisionMs: Math.max(0, Date.parse(at) - Date.parse(state.context.requestedAt)) } : {});
  const escalated = state.approvalTimeout ? { escalated: true } : {};
  if (state.approval) {
    const { approvalId, decidedBy, decidedAt, via, reason, messageTs } = state.approval;
    return { decision: 'approved', approvalId, decidedBy, decidedAt, via, reason, messageTs, ...since(decidedAt), ...escalated };
  }
  if (state.denial) {
    let d: Partial<ApprovalDecision> = {};
    try {
      d = JSON.parse(state.denial.Cause ?? '{}') as Partial<ApprovalDecision>;
    } catch {
      /* a cause that is not JSON: keep the decision only */
    }
    const { approvalId, decidedBy, decidedAt, via, reason, messageTs } = d;
    return { decision: 'denied', approvalId, decidedBy, decidedAt, via, reason, messageTs, ...since(decidedAt), ...escalated };
  }
  if (state.escalationTimeout) return { decision: state.outcome === 'expired' ? 'expired' : 'applied-on-timeout', escalated: true };
  // Runbooks do not escalate: their request expires on the first timeout.
  if (state.approvalTimeout && state.outcome === 'expired') return { decision: 'expired' };
  return undefined;
}

/** The audit record for a state, as of `now`. */
export function toRecord(state: RemediationState, now = new Date()): RemediationRecord {
  const live = state.live?.result;
  const outcome: Outcome = state.error ? 'failed' : (state.outcome ?? 'failed');
  const record: RemediationRecord = {
    ...state.context,
    mode: live?.mode ?? state.context.finding.remediation.mode,
    ...(live?.modeReasons ? { modeReasons: live.modeReasons } : {}),
    ...(live?.exemption ? { exemption: live.exemption } : {}),
    outcome,
    channel: live?.channel ?? state.policy.owners.fallback,
    finishedAt: now.toISOString(),
    durationMs: Math.max(0, now.getTime() - Date.parse(state.context.requestedAt)),
  };
  const held = heldOf(state);
  if (held && outcome === 'held') record.held = held;
  if (live?.plan) record.plan = live.plan;
  if (live?.owner) record.owner = live.owner;
  if (state.applied) record.applied = state.applied.result.applied;
  if (state.verified) record.verified = state.verified.result.verified;
  if (state.notified?.result) record.notifications = state.notified.result;
  // Notify gave up after its retries on Slack's rate limit: the record says the owner was not told.
  else if (state.notifyError?.Error === 'Warden.Throttled') record.notifications = [{ channel: 'slack', delivered: false, error: `Warden.Throttled: Slack kept rate-limiting through every retry` }];
  if (state.runbook) record.runbook = state.runbook;
  if (state.securityHubNotified?.result) record.securityHubUpdates = [state.securityHubNotified.result];
  if (state.error) record.error = { error: state.error.Error ?? 'Error', cause: state.error.Cause ?? '' };
  const approval = approvalOf(state);
  if (approval) record.approval = JSON.parse(JSON.stringify(approval)) as ApprovalSummary; // drops undefined fields
  return record;
}
