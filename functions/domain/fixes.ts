/**
 * From findings to runs, the one path of triage and the sweep: findings grouped into fixes (grouping.ts), each fix
 * named from its origin (naming.ts: an event id, or a sweep id), skipped when a decision sticks (decisions.ts), started
 * under the resource's lock (locks.ts) by the same starter. Pure: the starter and the stores are ports.
 */
import type { SecurityHubRef } from './securityhub';
import { suppression, decisionKey, type DecisionMemory } from './decisions';
import { groupFindings } from './grouping';
import { covers, heldBy, lockKey, lockSeconds, type LockOrigin, type ResourceLocks } from './locks';
import type { Actor, Finding, GuardDutyFacts, Source } from './model';
import { executionName } from './naming';
import type { Policy } from './policy/schema';
import type { PolicyVersion } from './policy/version';
import type { RemediationContext } from './remediation';
import { runbookByName } from './runbooks/catalog';
import type { RemediationState } from './state';

/** Starts one run (aws/executions.ts sfnStarter over Step Functions; the local runner in tests and the demo). */
export interface RunStarter {
  start(name: string, input: RemediationState): Promise<{ executionArn?: string; duplicate: boolean }>;
}

/** What the runs of one event, or of one sweep, share. */
export interface FixOrigin extends LockOrigin {
  source: Source;
  eventName: string;
  eventTime: string;
  actor?: Actor;
  guardduty?: GuardDutyFacts;
}

export interface FixPorts {
  starter: RunStarter;
  /** Decisions that stick: absent, nothing is suppressed. */
  decisions?: DecisionMemory;
  /** Resource locks: absent, nothing is locked. */
  locks?: ResourceLocks;
  now: Date;
  policy: Policy;
  policyVersion?: PolicyVersion;
}

/** What became of one fix. */
export type FixOutcome =
  | { kind: 'started'; name: string; finding: Finding; executionArn?: string; duplicate: boolean }
  /** A decision sticks: not raised again. */
  | { kind: 'suppressed'; name: string; finding: Finding; why: string }
  /** Another origin's run holds the resource and fixes this already (or this is a sweep: the next sweep looks again). */
  | { kind: 'locked'; name: string; finding: Finding; why: string }
  /** An event's fix the holder's runs do not cover: to be tried again when the lock is gone (triage's queue). */
  | { kind: 'deferred'; name: string; finding: Finding; why: string };

/** Runbooks (GuardDuty containment) start their own state machines, outside the locks and sticky decisions. */
const isRunbook = (f: Finding): boolean => runbookByName(f.remediation.action) !== undefined;

/** The findings of one observation, grouped into fixes, in order. */
export const fixesOf = (findings: Finding[]) => groupFindings(findings);

/**
 * One fix: suppressed, locked, deferred or started. A start that throws gives the run's lock back before the error
 * goes on (the caller retries: an event through its queue, a sweep item records a gap).
 */
export async function startFix(
  fix: { finding: Finding; relatedControls: string[]; securityHub?: SecurityHubRef }, origin: FixOrigin, ports: FixPorts,
): Promise<FixOutcome> {
  const { finding, relatedControls, securityHub } = fix;
  const name = executionName(origin.id, finding);
  const guarded = !isRunbook(finding);
  if (guarded && ports.decisions) {
    const s = suppression(await ports.decisions.recall(decisionKey(finding)), finding, ports.now);
    if (s.suppressed) return { kind: 'suppressed', name, finding, why: s.why };
  }
  const key = lockKey(finding.resource);
  const locks = guarded ? ports.locks : undefined;
  if (locks) {
    const answer = await locks.take({
      key, origin: { kind: origin.kind, id: origin.id }, run: name, now: ports.now, seconds: lockSeconds(ports.policy),
      fixes: { action: finding.remediation.action, targets: finding.remediation.targets },
    });
    if (!answer.taken) {
      const why = `resource locked by ${heldBy(answer.lock)}`;
      const kind = origin.kind === 'event' && !covers(answer.lock, finding) ? 'deferred' : 'locked';
      return { kind, name, finding, why };
    }
  }
  const context: RemediationContext = {
    id: name, eventId: origin.id, source: origin.source, eventName: origin.eventName, eventTime: origin.eventTime,
    ...(origin.actor ? { actor: origin.actor } : {}), finding, ...(relatedControls.length ? { relatedControls } : {}),
    ...(origin.guardduty ? { guardduty: origin.guardduty } : {}), requestedAt: ports.now.toISOString(),
    ...(ports.policyVersion ? { policyVersion: ports.policyVersion } : {}), ...(locks ? { lock: key } : {}),
    ...(securityHub ? { securityHub } : {}),
  };
  try {
    const started = await ports.starter.start(name, { context, policy: ports.policy });
    return { kind: 'started', name, finding, ...started };
  } catch (err) {
    if (locks) await locks.release(key, name).catch(() => undefined);
    throw err;
  }
}
