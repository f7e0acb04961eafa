import type { Actor, Finding, GuardDutyFacts, Mode, ResourceRef, Source } from './model';
import type { TimelineEntry } from './runbooks/model';
import type { Exemption } from './policy/exemption';
import type { Held } from './brakes';
import type { PolicyVersion } from './policy/version';
import type { SecurityHubRef, WriteBackResult } from './securityhub';

/** How one remediation run ended. */
export type Outcome =
  | 'fixed' //              applied and verified
  | 'already-fixed' //      the live re-check found nothing to do
  | 'resource-gone' //      the resource the event named was deleted since: nothing left to fix (notified)
  | 'not-found' //          a hand-started runbook's target does not exist (a mistyped id?): nothing done
  | 'notified' //           notify mode: the owner got the exact fix
  | 'dry-run' //            dry-run mode: "would fix", nothing changed
  | 'approval-required' //  approval mode with no approval step configured: owner told, nothing changed
  | 'denied' //             a named approver denied it: nothing changed
  | 'expired' //            nobody decided, even after escalation: nothing changed
  | 'held' //               the brakes held it (breaker count full, or paused): nothing changed; see `held`
  | 'failed' //             an error was caught; see `error`
  | 'in-progress'; //       a runbook's progress item: the run has not finished yet

/** The exact change a remediation will make. Built from live state by the action's inspect(). */
export interface Plan {
  action: string;
  resource: ResourceRef;
  /** Exact targets (e.g. sgr-… ids) still violating at plan time. */
  targets: string[];
  /** Human-readable, exact steps ("revoke sgr-0abc tcp/22 from 0.0.0.0/0 on sg-0123"). */
  steps: string[];
  /** Action-specific data needed by apply/verify/restore (e.g. the rules as they were). JSON only. */
  details?: Record<string, unknown>;
}

/** What happened in the account, for a finding that reached the state machine. */
export interface RemediationContext {
  /** Deterministic execution name (see naming.ts). */
  id: string;
  executionArn?: string;
  eventId: string;
  source: Source;
  eventName: string;
  eventTime: string;
  actor?: Actor;
  finding: Finding;
  /** Other controls whose findings share this run's action and resource (one fix covers them all). */
  relatedControls?: string[];
  /** The GuardDuty finding, when one started the run (runbooks capture it as evidence). */
  guardduty?: GuardDutyFacts;
  requestedAt: string;
  /** A held run started again (`warden breaker release`): which run, by whom, when. A person's decision: no token. */
  release?: { of: string; by: string; at: string; reason?: string };
  /**
   * The deployed policy document the run decides with (its SSM parameter version and hash), stamped by whoever read
   * it: triage, or the Start step of a run started by hand or by a finding. Absent for a policy given directly.
   */
  policyVersion?: PolicyVersion;
  /** The resource lock the run's starter took (domain/locks.ts): Record gives the run's part back. */
  lock?: string;
  /**
   * The Security Hub finding this run writes back to (its workflow status and a note): the one that started it, or,
   * with `securityHub.importFindings`, Warden's own, imported as ASFF (domain/securityhub.ts).
   */
  securityHub?: SecurityHubRef;
}

/** A runbook run: which runbook, on what, started by whom, and every step so far. */
export interface RunbookRun {
  name: string;
  /** What the run acts on, as given (`--target`) or from the finding: task ARN, instance id, cluster, audit id, group id. */
  target: string;
  dryRun: boolean;
  /** "GuardDuty finding <id>", or the caller's ARN for a hand start. */
  startedBy: string;
  reason?: string;
  timeline: TimelineEntry[];
  /** What the steps read before changing anything (descriptions, the finding). JSON, size-capped. */
  evidence?: Record<string, unknown>;
  /** Results steps hand to later steps (quarantine group id, snapshot ids, ...). JSON. */
  results?: Record<string, unknown>;
}

/**
 * One notification's delivery, as Notify returns it and the audit record keeps it. Slack through the Web API (the bot
 * token) says which channel got it (`to`: the owner's, or the policy's fallback when the owner's refused, and why);
 * through the incoming webhook (no bot token) it went to the webhook's own channel and carries neither.
 */
export interface Delivery {
  channel: 'slack' | 'sns';
  delivered: boolean;
  error?: string;
  via?: 'api';
  to?: string;
  fallbackFrom?: { channel: string; error: string };
}

/** The audit entry written once per run, and the detail of the "Warden Remediation *" event. */
export interface RemediationRecord extends RemediationContext {
  mode: Mode;
  /** Why the run chose its mode (LoadLiveState or the runbook's Plan step). */
  modeReasons?: string[];
  /**
   * The exemption the run's mode step found on the live tags: until, reason, by, or the pre-expiry value and its
   * first sighting; in force, expired or invalid, and why. (Triage's own verdict is on `finding.exemption`.)
   */
  exemption?: Exemption;
  outcome: Outcome;
  /** Held by the brakes: why (breaker or pause), where, and the count that was full. */
  held?: Held;
  plan?: Plan;
  /** Targets actually changed by apply (excludes ones already gone). */
  applied?: string[];
  verified?: boolean;
  owner?: string;
  channel: string;
  notifications?: Delivery[];
  error?: { error: string; cause: string };
  /** The approval, when the run waited for one. */
  approval?: {
    approvalId?: string;
    decision: 'approved' | 'denied' | 'expired' | 'applied-on-timeout';
    decidedBy?: string;
    decidedAt?: string;
    via?: 'slack' | 'cli';
    reason?: string;
    /** From the request to the decision. */
    timeToDecisionMs?: number;
    /** The Slack message of the request. */
    messageTs?: string;
    escalated?: boolean;
  };
  /** Present for runbook runs: the timeline, the evidence and the step results. */
  runbook?: RunbookRun;
  /** What each Security Hub write-back did (the approval request's, then the run's end): ok or the error. */
  securityHubUpdates?: WriteBackResult[];
  finishedAt: string;
  durationMs: number;
}

/** What SendTaskSuccess carries back into the state machine (never the token). */
export interface ApprovalDecision {
  decision: 'approved';
  approvalId: string;
  decidedBy: string;
  decidedAt: string;
  via: 'slack' | 'cli';
  reason?: string;
  /** The Slack message of the request, for the audit trail. */
  messageTs?: string;
}

export interface ApplyResult {
  /** Targets this run changed. */
  applied: string[];
  /** Targets already gone when applied: counted as fixed, not as errors. */
  alreadyGone: string[];
  /** The brakes held the run just before the change: nothing was applied. */
  held?: Held;
}

export interface VerifyResult {
  verified: boolean;
  remaining: string[];
}
