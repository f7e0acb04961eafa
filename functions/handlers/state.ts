import type { Mode } from '../domain/model';
import type { Policy } from '../domain/policy/schema';
import type { Outcome, Plan, RemediationContext, RemediationRecord } from '../domain/remediation';
import type { ApplyResult, VerifyResult } from '../actions';

/** What LoadLiveState decides. */
export interface LiveResult {
  stillViolating: boolean;
  mode: Mode;
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
}

/** The audit record for a state, as of `now`. */
export function toRecord(state: RemediationState, now = new Date()): RemediationRecord {
  const live = state.live?.result;
  const outcome: Outcome = state.error ? 'failed' : (state.outcome ?? 'failed');
  const record: RemediationRecord = {
    ...state.context,
    mode: live?.mode ?? state.context.finding.remediation.mode,
    outcome,
    channel: live?.channel ?? state.policy.owners.fallback,
    finishedAt: now.toISOString(),
    durationMs: Math.max(0, now.getTime() - Date.parse(state.context.requestedAt)),
  };
  if (live?.plan) record.plan = live.plan;
  if (live?.owner) record.owner = live.owner;
  if (state.applied) record.applied = state.applied.result.applied;
  if (state.verified) record.verified = state.verified.result.verified;
  if (state.notified?.result) record.notifications = state.notified.result;
  if (state.error) record.error = { error: state.error.Error ?? 'Error', cause: state.error.Cause ?? '' };
  return record;
}
