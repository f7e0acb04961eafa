import {
  DeleteItemCommand, GetItemCommand, PutItemCommand, ScanCommand, TransactWriteItemsCommand, UpdateItemCommand,
  type AttributeValue, type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { BrakeLimit, BrakeWindow, HoldReason } from '../domain/brakes';
import { errorName, isConditionFailed, rethrowThrottling } from './errors';

/**
 * The brakes table (template.yaml BrakesTable, key `id`, TTL `purgeAt`): the breaker's counts, which runs spent a
 * token, trips, and the held runs waiting for a person. Every item but a waiting held run expires (TTL) a day after
 * its window, so the table stays small and `warden breaker status` may scan it.
 *
 *   breaker#<scope>#<windowStart>         counter: n (tokens spent), limit (the last one applied)
 *   breaker-spend#<runId>                 this run spent its token (a retried Apply does not spend again)
 *   breaker-trip#<scope>#<windowStart>    this scope tripped in this window; firstRun sent the summary
 *   breaker-waiting#<windowStart>         runs: the runs held by the breaker in this window (a string set)
 *   breaker-held#<runId>                  a held run: why, what, and whether a person released it
 */

export const KEYS = {
  counter: (scope: string, w: BrakeWindow) => `breaker#${scope}#${w.start}`,
  spend: (runId: string) => `breaker-spend#${runId}`,
  trip: (scope: string, w: BrakeWindow) => `breaker-trip#${scope}#${w.start}`,
  waiting: (w: BrakeWindow) => `breaker-waiting#${w.start}`,
  held: (runId: string) => `breaker-held#${runId}`,
};

/** Window items are kept a day past their window: long enough for a retried step, short enough to scan. */
const KEEP_SECONDS = 86_400;
/** A released run's entry is kept 30 days after its release (the audit table keeps the runs for good). */
const KEEP_RELEASED_SECONDS = 30 * 86_400;
const purgeAfter = (iso: string, seconds: number): AttributeValue => ({ N: String(Math.floor(Date.parse(iso) / 1000) + seconds) });

export type SpendResult =
  | { spent: true; again: boolean }
  | { spent: false; scope: string; count: number; limit: number };

/** A held run, as `warden breaker status` lists it and `warden breaker release` finds it. */
export interface HeldEntry {
  runId: string;
  reason: HoldReason;
  why: string;
  heldAt: string;
  /** `remediate`, or the runbook's name: what a release starts again. */
  workflow: string;
  control: string;
  resource: string;
  account: string;
  scope?: string;
  windowStart?: string;
  status: 'held' | 'released';
  releasedBy?: string;
  releasedAt?: string;
  /** The run the release started. */
  releasedAs?: string;
}

/** A window's count for one scope. */
export interface CounterEntry { scope: string; count: number; limit?: number; windowStart: string; windowEnd: string }
/** A scope that tripped in a window, and the run that sent the summary. */
export interface TripEntry { scope: string; count: number; limit: number; windowStart: string; windowEnd: string; firstRun: string; at: string }

export interface BrakesTableDeps {
  dynamodb: () => DynamoDBClient;
  tableName: string;
}

const s = (v: string): AttributeValue => ({ S: v });
const n = (v: number): AttributeValue => ({ N: String(v) });
const str = (item: Record<string, AttributeValue>, k: string): string | undefined => item[k]?.S;
const num = (item: Record<string, AttributeValue>, k: string): number | undefined => (item[k]?.N === undefined ? undefined : Number(item[k]!.N));

function heldEntryOf(item: Record<string, AttributeValue>): HeldEntry {
  const opt = (k: keyof HeldEntry) => (str(item, k) ? { [k]: str(item, k) } : {});
  return {
    runId: str(item, 'runId') ?? '', reason: (str(item, 'reason') ?? 'limit') as HoldReason, why: str(item, 'why') ?? '',
    heldAt: str(item, 'heldAt') ?? '', workflow: str(item, 'workflow') ?? 'remediate', control: str(item, 'control') ?? '',
    resource: str(item, 'resource') ?? '', account: str(item, 'account') ?? '', status: str(item, 'status') === 'released' ? 'released' : 'held',
    ...opt('scope'), ...opt('windowStart'), ...opt('releasedBy'), ...opt('releasedAt'), ...opt('releasedAs'),
  } as HeldEntry;
}

/** Every item of a kind, the table scanned page by page (it holds about a day of windows and the waiting runs). */
async function scanKind(deps: BrakesTableDeps, kind: string): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const out = await deps.dynamodb().send(new ScanCommand({
      TableName: deps.tableName, ConsistentRead: true, FilterExpression: 'kind = :k', ExpressionAttributeValues: { ':k': s(kind) },
      ...(start ? { ExclusiveStartKey: start } : {}),
    }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

export function brakesTable(deps: BrakesTableDeps) {
  const send = deps.dynamodb;
  const table = deps.tableName;
  return {
    /**
     * Spend one token of every count in `limits` for run `runId`, all or none, in one transaction: the spend marker
     * (`attribute_not_exists`) and one conditional ADD per count (`attribute_not_exists(n) OR n < :limit`). DynamoDB
     * runs a transaction atomically against concurrent writers, so concurrent Apply steps never spend past a limit.
     * A run that already spent (a retried Apply) spends nothing and may go on (`again`).
     */
    async spend(runId: string, limits: BrakeLimit[], w: BrakeWindow, now: Date): Promise<SpendResult> {
      const purgeAt = purgeAfter(w.end, KEEP_SECONDS);
      // A limit of 0 holds every change (the condition below lets the first ADD of a count through).
      const closed = limits.find((l) => l.limit <= 0);
      if (closed) {
        const spent = await send().send(new GetItemCommand({ TableName: table, Key: { id: s(KEYS.spend(runId)) }, ConsistentRead: true, ProjectionExpression: 'id' }));
        return spent.Item ? { spent: true, again: true } : { spent: false, scope: closed.scope, count: 0, limit: closed.limit };
      }
      try {
        await send().send(new TransactWriteItemsCommand({
          TransactItems: [
            {
              Put: {
                TableName: table, ConditionExpression: 'attribute_not_exists(id)',
                Item: { id: s(KEYS.spend(runId)), kind: s('spend'), runId: s(runId), windowStart: s(w.start), scopes: s(limits.map((l) => l.scope).join(' ')), at: s(now.toISOString()), purgeAt },
              },
            },
            ...limits.map((l) => ({
              Update: {
                TableName: table, Key: { id: s(KEYS.counter(l.scope, w)) },
                UpdateExpression: 'ADD n :one SET kind = :kind, #scope = :scope, windowStart = :ws, windowEnd = :we, #limit = :limit, purgeAt = :purge',
                ConditionExpression: 'attribute_not_exists(n) OR n < :limit',
                ExpressionAttributeNames: { '#scope': 'scope', '#limit': 'limit' },
                ExpressionAttributeValues: {
                  ':one': n(1), ':limit': n(l.limit), ':kind': s('counter'), ':scope': s(l.scope), ':ws': s(w.start), ':we': s(w.end), ':purge': purgeAt,
                },
              },
            })),
          ],
        }));
        return { spent: true, again: false };
      } catch (err) {
        if (errorName(err) !== 'TransactionCanceledException') return rethrowThrottling(err);
        const reasons = ((err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).map((r) => r.Code);
        if (reasons[0] === 'ConditionalCheckFailed') return { spent: true, again: true };
        const full = limits.find((_, i) => reasons[i + 1] === 'ConditionalCheckFailed');
        // Cancelled for another reason (a conflicting transaction on the same item): throttling-like, retried.
        if (!full) return rethrowThrottling(Object.assign(new Error(`breaker spend cancelled: ${reasons.join(', ')}`), { name: 'ThrottlingException' }));
        const out = await send().send(new GetItemCommand({ TableName: table, Key: { id: s(KEYS.counter(full.scope, w)) }, ConsistentRead: true }));
        return { spent: false, scope: full.scope, count: num(out.Item ?? {}, 'n') ?? full.limit, limit: full.limit };
      }
    },

    /** Mark `scope` tripped in `w` (a conditional put): true for the first run to trip it, and for that run's retries. */
    async trip(runId: string, t: { scope: string; count: number; limit: number }, w: BrakeWindow, now: Date): Promise<boolean> {
      const id = KEYS.trip(t.scope, w);
      try {
        await send().send(new PutItemCommand({
          TableName: table, ConditionExpression: 'attribute_not_exists(id)',
          Item: {
            id: s(id), kind: s('trip'), scope: s(t.scope), count: n(t.count), limit: n(t.limit), windowStart: s(w.start), windowEnd: s(w.end),
            firstRun: s(runId), at: s(now.toISOString()), purgeAt: purgeAfter(w.end, KEEP_SECONDS),
          },
        }));
        return true;
      } catch (err) {
        if (!isConditionFailed(err)) return rethrowThrottling(err);
        const out = await send().send(new GetItemCommand({ TableName: table, Key: { id: s(id) }, ConsistentRead: true, ProjectionExpression: 'firstRun' }));
        return out.Item?.firstRun?.S === runId;
      }
    },

    /** Count `runId` among the runs the breaker held in `w` (a set: a retry counts once); how many so far. */
    async waiting(runId: string, w: BrakeWindow): Promise<number> {
      try {
        const out = await send().send(new UpdateItemCommand({
          TableName: table, Key: { id: s(KEYS.waiting(w)) },
          UpdateExpression: 'ADD runs :run SET kind = :kind, windowStart = :ws, windowEnd = :we, purgeAt = :purge',
          ExpressionAttributeValues: { ':run': { SS: [runId] }, ':kind': s('waiting'), ':ws': s(w.start), ':we': s(w.end), ':purge': purgeAfter(w.end, KEEP_SECONDS) },
          ReturnValues: 'ALL_NEW',
        }));
        return out.Attributes?.runs?.SS?.length ?? 1;
      } catch (err) {
        return rethrowThrottling(err);
      }
    },

    /** Keep a held run for status and release (written once its record is; a retry writes the same). */
    async putHeld(e: Omit<HeldEntry, 'status'>): Promise<void> {
      const item: Record<string, AttributeValue> = { id: s(KEYS.held(e.runId)), kind: s('held'), status: s('held') };
      for (const [k, v] of Object.entries(e)) if (typeof v === 'string' && v) item[k] = s(v);
      try {
        // Never over a released entry: a late retry of the held run's Record must not put it back on the list.
        await send().send(new PutItemCommand({ TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(id) OR #status = :held', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':held': s('held') } }));
      } catch (err) {
        if (!isConditionFailed(err)) rethrowThrottling(err);
      }
    },

    async getHeld(runId: string): Promise<HeldEntry | undefined> {
      const out = await send().send(new GetItemCommand({ TableName: table, Key: { id: s(KEYS.held(runId)) }, ConsistentRead: true }));
      return out.Item ? heldEntryOf(out.Item) : undefined;
    },

    /**
     * Mark a held run released by `by`, started again as `as` (a conditional update): 'released' the first time and
     * for the same release retried, 'taken' when another release got it, 'unknown' when no such run is held.
     */
    async release(runId: string, r: { by: string; as: string; at: string }): Promise<'released' | 'taken' | 'unknown'> {
      try {
        await send().send(new UpdateItemCommand({
          TableName: table, Key: { id: s(KEYS.held(runId)) },
          UpdateExpression: 'SET #status = :released, releasedBy = :by, releasedAs = :as, releasedAt = :at, purgeAt = :purge',
          ConditionExpression: 'attribute_exists(id) AND (#status = :held OR releasedAs = :as)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':released': s('released'), ':held': s('held'), ':by': s(r.by), ':as': s(r.as), ':at': s(r.at), ':purge': purgeAfter(r.at, KEEP_RELEASED_SECONDS),
          },
        }));
        return 'released';
      } catch (err) {
        if (!isConditionFailed(err)) return rethrowThrottling(err);
        return (await this.getHeld(runId)) ? 'taken' : 'unknown';
      }
    },

    /** The held runs, oldest first (released ones too, with `status`). */
    async heldRuns(): Promise<HeldEntry[]> {
      return (await scanKind(deps, 'held')).map(heldEntryOf).sort((a, b) => a.heldAt.localeCompare(b.heldAt));
    },

    /** The counts and trips of the window `now` is in (any window length: each item knows its own end). */
    async current(now: Date): Promise<{ counters: CounterEntry[]; trips: TripEntry[] }> {
      const live = (item: Record<string, AttributeValue>) => (str(item, 'windowEnd') ?? '') > now.toISOString() && (str(item, 'windowStart') ?? '') <= now.toISOString();
      const [counters, trips] = await Promise.all([scanKind(deps, 'counter'), scanKind(deps, 'trip')]);
      return {
        counters: counters.filter(live).map((i) => ({
          scope: str(i, 'scope') ?? '', count: num(i, 'n') ?? 0, windowStart: str(i, 'windowStart') ?? '', windowEnd: str(i, 'windowEnd') ?? '',
          ...(num(i, 'limit') !== undefined ? { limit: num(i, 'limit') } : {}),
        })).sort((a, b) => a.scope.localeCompare(b.scope)),
        trips: trips.filter(live).map((i) => ({
          scope: str(i, 'scope') ?? '', count: num(i, 'count') ?? 0, limit: num(i, 'limit') ?? 0, windowStart: str(i, 'windowStart') ?? '',
          windowEnd: str(i, 'windowEnd') ?? '', firstRun: str(i, 'firstRun') ?? '', at: str(i, 'at') ?? '',
        })).sort((a, b) => a.scope.localeCompare(b.scope)),
      };
    },

    /**
     * Clear the current window: its counts, trips and waiting list are deleted, so automatic changes may spend again
     * and a new trip sends a new summary. Held runs stay held (release them). Returns what was cleared.
     */
    async reset(now: Date): Promise<{ counters: CounterEntry[]; trips: TripEntry[] }> {
      const cleared = await this.current(now);
      const waiting = (await scanKind(deps, 'waiting')).filter((i) => (str(i, 'windowEnd') ?? '') > now.toISOString() && (str(i, 'windowStart') ?? '') <= now.toISOString());
      const ids = [
        ...cleared.counters.map((c) => `breaker#${c.scope}#${c.windowStart}`),
        ...cleared.trips.map((t) => `breaker-trip#${t.scope}#${t.windowStart}`),
        ...waiting.map((i) => str(i, 'id') ?? ''),
      ].filter(Boolean);
      for (const id of ids) await send().send(new DeleteItemCommand({ TableName: table, Key: { id: s(id) } }));
      return cleared;
    },
  };
}

export type BrakesTable = ReturnType<typeof brakesTable>;
