/**
 * GuardDuty repeats. GuardDuty sends a new event each time a finding is updated (same id, new updatedAt, count + 1,
 * maybe a new severity). A finding Warden already handled is handled again only when its severity rises.
 */
import type { GuardDutyFacts } from './model';

/** What Warden remembers of a finding it handled (started executions for). */
export interface SeenFinding {
  id: string;
  severity: number;
  updatedAt?: string;
  count?: number;
  /** ISO time Warden handled it. */
  handledAt: string;
}

export type RepeatDecision = { kind: 'new' } | { kind: 'escalated'; from: number } | { kind: 'repeat'; reason: string };

/** Port: the findings Warden handled, by GuardDuty finding id. Implemented over DynamoDB in functions/aws. */
export interface FindingMemory {
  recall(id: string): Promise<SeenFinding | undefined>;
  /** Keeps the highest severity: a lower one than already stored is dropped. */
  remember(f: SeenFinding): Promise<void>;
}

/** The memory entry of a finding handled at `handledAt`. */
export const seenOf = (f: GuardDutyFacts, handledAt: string): SeenFinding => ({
  id: f.id, severity: f.severity, handledAt,
  ...(f.updatedAt ? { updatedAt: f.updatedAt } : {}), ...(f.count !== undefined ? { count: f.count } : {}),
});

const older = (a?: string, b?: string): boolean => {
  const [ta, tb] = [Date.parse(a ?? ''), Date.parse(b ?? '')];
  return Number.isFinite(ta) && Number.isFinite(tb) && ta < tb;
};

/** New, escalated (severity above the handled one) or a repeat. An update older than the stored one is a repeat. */
export function repeatDecision(previous: SeenFinding | undefined, current: GuardDutyFacts): RepeatDecision {
  if (!previous) return { kind: 'new' };
  const update = `count ${current.count ?? '?'}, updated ${current.updatedAt ?? '?'}`;
  const handled = `already handled at severity ${previous.severity} on ${previous.handledAt}`;
  if (older(current.updatedAt, previous.updatedAt)) {
    return { kind: 'repeat', reason: `out-of-order update of GuardDuty finding ${current.id} (${update}, before ${previous.updatedAt}): ${handled}` };
  }
  if (current.severity > previous.severity) return { kind: 'escalated', from: previous.severity };
  return { kind: 'repeat', reason: `repeat of GuardDuty finding ${current.id} ${handled} (${update}, severity ${current.severity})` };
}
