import type { Finding } from './model';
import type { Policy } from './policy/schema';

/**
 * The brakes (pure): the breaker, which holds automatic changes past a count per fixed time window, and the kill
 * switch (`paused`), which holds every change. A held run ends without change, recorded `held`; a person starts it
 * again with `warden breaker release`. The counts live in the brakes table (functions/aws/brakes-table.ts).
 */

/** Why a run was held: the breaker's count was full, or Warden is paused. */
export type HoldReason = 'limit' | 'paused';

/** What gets counted: a remediation's automatic fix, or a runbook's automatic containment. */
export type SpendKind = 'fix' | 'containment';

/** A fixed window: `minutes` long, starting at a multiple of `minutes` since the epoch (UTC). ISO times. */
export interface BrakeWindow {
  start: string;
  end: string;
  minutes: number;
}

/** One count a change spends a token of: `account:<id>`, `control:<id>`, `total`, or `containment`. */
export interface BrakeLimit {
  scope: string;
  limit: number;
}

/** A held run: why, where it was stopped, and for the breaker the full count. Part of the run's audit record. */
export interface Held {
  reason: HoldReason;
  /** When it was held (ISO). */
  at: string;
  /** The check that held it: the mode step, or just before the change (Apply, a runbook's Brake step). */
  stage: 'mode' | 'change';
  /** One line for people: "breaker: control:sg-world-open-ingress 5/5 in 15 min from 10:00Z", "Warden is paused". */
  why: string;
  scope?: string;
  count?: number;
  limit?: number;
  window?: BrakeWindow;
  /** This run tripped its scope's breaker in this window: its Notify sends the one summary. Always false when paused. */
  firstOfTrip: boolean;
  /** Runs held by the breaker in this window so far, this one included. */
  waiting?: number;
}

/** The window `now` falls in. */
export function windowAt(now: Date, minutes: number): BrakeWindow {
  const ms = minutes * 60_000;
  const start = Math.floor(now.getTime() / ms) * ms;
  return { start: new Date(start).toISOString(), end: new Date(start + ms).toISOString(), minutes };
}

/** The counts one automatic change spends a token of, with their limits, from the policy. */
export function limitsFor(policy: Pick<Policy, 'limits'>, kind: SpendKind, finding: Pick<Finding, 'control' | 'resource'>): BrakeLimit[] {
  const l = policy.limits;
  if (kind === 'containment') return [{ scope: 'containment', limit: l.containment }];
  return [
    { scope: `account:${finding.resource.account}`, limit: l.perAccount },
    { scope: `control:${finding.control}`, limit: l.perControl },
    { scope: 'total', limit: l.total },
  ];
}

/** What a run needs to say whether a person decided its change. */
export interface DecisionFacts {
  approval?: { decidedBy?: string } | undefined;
  context: { source: string; actor?: { arn?: string } | undefined; release?: { by: string } | undefined };
}

/**
 * Who decided this change, when a person did: an approver, whoever released the held run, or whoever started it by
 * hand. Such a change spends no token. Undefined: the change is automatic (auto mode, or applied on an approval's
 * timeout), and counts.
 */
export function decidedBy(run: DecisionFacts): string | undefined {
  if (run.approval?.decidedBy) return `approved by ${run.approval.decidedBy}`;
  if (run.context.release) return `released by ${run.context.release.by}`;
  if (run.context.source === 'manual') return `started by hand by ${run.context.actor?.arn ?? 'unknown'}`;
  return undefined;
}

const hhmm = (iso: string) => `${iso.slice(11, 16)}Z`;

/** "15 min from 10:00Z". */
export const windowText = (w: BrakeWindow): string => `${w.minutes} min from ${hhmm(w.start)}`;

/**
 * A run held because Warden is paused, or because no policy document is good (`failedClosed`: why): the brakes then
 * fail closed, so an unreadable document can never lift a pause.
 */
export const pausedHold = (at: Date, stage: Held['stage'], failedClosed?: string): Held => ({
  reason: 'paused', at: at.toISOString(), stage, firstOfTrip: false,
  why: failedClosed
    ? `no valid policy (${failedClosed}): failing closed, nothing is changed`
    : 'Warden is paused (policy paused: true): nothing is changed until warden resume',
});

/** A run held by the breaker: `scope` was full (`count` of `limit`) in `window`. */
export function limitHold(at: Date, full: { scope: string; count: number; limit: number; window: BrakeWindow; firstOfTrip: boolean; waiting: number }): Held {
  return {
    reason: 'limit', at: at.toISOString(), stage: 'change', ...full,
    why: `breaker: ${full.scope} ${full.count}/${full.limit} in ${windowText(full.window)}`,
  };
}

/** The one notification of a trip: "breaker tripped: control:x 5/5 in 15 min from 10:00Z; 1 waiting". */
export function tripSummary(held: Held): string {
  const count = held.count !== undefined && held.limit !== undefined ? ` ${held.count}/${held.limit}` : '';
  const window = held.window ? ` in ${windowText(held.window)}` : '';
  return `breaker tripped: ${held.scope ?? 'unknown'}${count}${window}; ${held.waiting ?? 1} waiting`;
}

/** What a person does next, after the summary. */
export const TRIP_ADVICE = 'Automatic changes past the limit are held, not applied. See them with `warden breaker status`; start them with `warden breaker release --all` (or one id), or clear the counts with `warden breaker reset`.';
