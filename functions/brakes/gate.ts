import { decidedBy, limitHold, limitsFor, pausedHold, windowAt, windowText, type Held, type SpendKind } from '../domain/brakes';
import type { Mode } from '../domain/model';
import type { Policy } from '../domain/policy/schema';
import type { RemediationState } from '../domain/state';
import type { BrakesTable } from '../aws/brakes-table';
import { logger } from '../runtime/logger';

/**
 * What the brakes read: the deployed policy's `paused` and `limits`, now (a run under way sees a pause), and whether
 * the policy failed closed (no good document: the brakes hold every change then, as a pause would).
 */
export type DeployedBrakes = () => Promise<Pick<Policy, 'paused' | 'limits'> & { failedClosed?: string }>;

export interface GateDeps {
  deployed: DeployedBrakes;
  table: () => Promise<Pick<BrakesTable, 'spend' | 'trip' | 'waiting'>>;
  now: () => Date;
}

/**
 * The mode step's check: a run that would change something (auto, or approval) while Warden is paused is held
 * there, before it asks anyone or plans a change. Notify and dry-run go on: they change nothing.
 */
export async function holdAtModeStep(mode: Mode, deps: Pick<GateDeps, 'deployed' | 'now'>): Promise<Held | undefined> {
  if (mode !== 'auto' && mode !== 'approval') return undefined;
  const policy = await deps.deployed();
  return policy.paused || policy.failedClosed ? pausedHold(deps.now(), 'mode', policy.failedClosed) : undefined;
}

/** What the check before a change found: the run is held, or why it may go on. */
export type BrakeVerdict = { held: Held } | { held?: undefined; why: string };

/**
 * The check just before a change (Apply; a runbook's Brake step): the deployed policy read again, so a pause set
 * since the mode step holds the run. Then, unless a person decided the change (decidedBy: approved, released,
 * started by hand), one token of each count: the run's id keys the spend, so a retry does not spend twice. A full
 * count holds the run; the first run to trip a count in a window is told so (it sends the one summary).
 */
export async function checkBeforeChange(state: RemediationState, kind: SpendKind, deps: GateDeps): Promise<BrakeVerdict> {
  const policy = await deps.deployed();
  const now = deps.now();
  const id = state.context.id;
  if (policy.paused || policy.failedClosed) return { held: pausedHold(now, 'change', policy.failedClosed) };
  const person = decidedBy(state);
  if (person) return { why: `not counted: ${person}` };
  const window = windowAt(now, policy.limits.windowMinutes);
  const table = await deps.table();
  const limits = limitsFor(policy, kind, state.context.finding);
  const spent = await table.spend(id, limits, window, now);
  if (spent.spent) {
    return { why: spent.again ? 'token already spent by this run' : `one token spent (${limits.map((l) => `${l.scope} of ${l.limit}`).join(', ')} in ${windowText(window)})` };
  }
  const full = { scope: spent.scope, count: spent.count, limit: spent.limit };
  const [firstOfTrip, waiting] = await Promise.all([table.trip(id, full, window, now), table.waiting(id, window)]);
  logger.info('breaker: count full', { id, ...full, window: window.start, firstOfTrip, waiting });
  return { held: limitHold(now, { ...full, window, firstOfTrip, waiting }) };
}

/** checkBeforeChange, for Apply: the hold, if any (why it went on is logged). */
export async function holdBeforeChange(state: RemediationState, kind: SpendKind, deps: GateDeps): Promise<Held | undefined> {
  const verdict = await checkBeforeChange(state, kind, deps);
  if (!verdict.held) logger.info('brakes: not held', { id: state.context.id, why: verdict.why });
  return verdict.held;
}
