/**
 * Resource locks: a sweep and an event never fix the same resource at once. Before a run of the remediate workflow
 * starts, its starter (triage, or a sweep item) takes the resource's lock for its origin: the event, or the sweep. A
 * lock held by the other kind of origin refuses the start; runs of one origin share it (an event's several runs on
 * one group), and so do events among themselves (as before locks, a second event may start its own run). The run's
 * Record step releases its part; the last part out deletes the lock; a lock whose runs never recorded expires.
 * Pure: the store is a port (functions/aws/resource-locks.ts, items `lock#…` of the findings table).
 */
import type { Finding, ResourceRef } from './model';
import type { Policy } from './policy/schema';

/** Who holds a lock: an event (its id) or a sweep (its id). */
export interface LockOrigin {
  kind: 'event' | 'sweep';
  id: string;
}

/** What one run under a lock fixes. */
export interface LockedRun {
  action: string;
  targets: string[];
}

/** A lock as stored: its holder, its runs by execution name, and when it stops counting. */
export interface HeldLock {
  key: string;
  kind: LockOrigin['kind'];
  /** The origin that took it (for an event lock, the first event). */
  holder: string;
  runs: Record<string, LockedRun>;
  /** ISO date-time; after it the lock no longer holds anything (TTL deletes the item later). */
  expiresAt: string;
}

export interface LockRequest {
  key: string;
  origin: LockOrigin;
  /** The execution name of the run about to start. */
  run: string;
  fixes: LockedRun;
  now: Date;
  /** How long the lock holds when nobody releases it. */
  seconds: number;
}

export type LockAnswer = { taken: true } | { taken: false; lock: HeldLock };

/** Port: take a lock for a run (or join it), and release a run's part. */
export interface ResourceLocks {
  take(req: LockRequest): Promise<LockAnswer>;
  /** Idempotent; a lock that does not hold this run (expired and taken by another origin) is left alone. */
  release(key: string, run: string): Promise<void>;
}

/** `lock#<account>/<region>/<type>/<id>`. */
export const lockKey = (r: Pick<ResourceRef, 'account' | 'region' | 'type' | 'id'>): string =>
  `lock#${r.account}/${r.region}/${r.type}/${r.id}`;

/** An hour on top of both approval deadlines: a run longer than that has stopped without recording. */
export const LOCK_MARGIN_SECONDS = 3600;

/** How long a lock holds unreleased: as long as a run can wait for its approval and escalation, plus a margin. */
export const lockSeconds = (policy: Policy): number =>
  policy.approvals.timeoutSeconds + policy.approvals.escalation.timeoutSeconds + LOCK_MARGIN_SECONDS;

/** May `origin` join `lock` (not expired)? The same sweep, or any event with an event's lock. */
export const mayJoin = (lock: Pick<HeldLock, 'kind' | 'holder'>, origin: LockOrigin): boolean =>
  lock.kind === origin.kind && (origin.kind === 'event' || lock.holder === origin.id);

/**
 * Do the lock's runs already fix what `finding` would? The same action, and every target of the finding among theirs
 * (a finding without targets: the same action on the resource). An event refused by a sweep's lock for a finding it
 * covers is `locked`: that run is fixing it. One it does not cover is tried again later (triage's queue).
 */
export function covers(lock: Pick<HeldLock, 'runs'>, finding: Pick<Finding, 'remediation'>): boolean {
  const same = Object.values(lock.runs).filter((r) => r.action === finding.remediation.action);
  if (same.length === 0) return false;
  const held = new Set(same.flatMap((r) => r.targets));
  return finding.remediation.targets.every((t) => held.has(t));
}

/** "sweep s-1 (runs a, b) until 2026-…": who holds a lock, for logs and results. */
export const heldBy = (lock: HeldLock): string =>
  `${lock.kind} ${lock.holder} (${Object.keys(lock.runs).join(', ') || 'no run'}) until ${lock.expiresAt}`;
