import {
  DeleteItemCommand, GetItemCommand, PutItemCommand, UpdateItemCommand, type AttributeValue, type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { mayJoin, type HeldLock, type LockRequest, type LockedRun, type ResourceLocks } from '../domain/locks';
import { isConditionFailed, rethrowThrottling } from './errors';

export interface ResourceLocksDeps {
  dynamodb: () => DynamoDBClient;
  /** The findings table: locks are its items keyed `lock#…` (GuardDuty finding ids have no `#`). */
  tableName: string;
}

/** A day after a lock expires, DynamoDB's TTL (`purgeAt`) may delete its item; the conditions read `expiresAt`. */
const PURGE_AFTER_SECONDS = 86_400;

const NAMES = { '#kind': 'kind', '#holder': 'holder', '#runs': 'runs', '#exp': 'expiresAt', '#purge': 'purgeAt' };

const epoch = (d: Date) => Math.floor(d.getTime() / 1000);

function lockOf(item: Record<string, AttributeValue> | undefined): HeldLock | undefined {
  const exp = Number(item?.expiresAt?.N);
  if (!item?.id?.S || !Number.isFinite(exp)) return undefined;
  const runs: Record<string, LockedRun> = {};
  for (const [name, v] of Object.entries(item.runs?.M ?? {})) {
    try {
      runs[name] = JSON.parse(v.S ?? '{}') as LockedRun;
    } catch {
      runs[name] = { action: '?', targets: [] };
    }
  }
  return { key: item.id.S, kind: item.kind?.S === 'sweep' ? 'sweep' : 'event', holder: item.holder?.S ?? '?', runs, expiresAt: new Date(exp * 1000).toISOString() };
}

/**
 * Locks as items of the findings table: `{ id: lock#…, kind, holder, runs: { <execution name>: <what it fixes> },
 * expiresAt, purgeAt }`. Taking one is a conditional write (join a lock that admits this origin, else put a new one
 * over none or an expired one), so two starters racing for a resource agree on one holder. Releasing removes the
 * run; the last run out deletes the item (conditional on the map being empty, so a run joining meanwhile keeps it).
 */
export function dynamoResourceLocks(deps: ResourceLocksDeps): ResourceLocks {
  const db = () => deps.dynamodb();
  const TableName = deps.tableName;

  const join = async (req: LockRequest, exp: number): Promise<boolean> => {
    try {
      await db().send(new UpdateItemCommand({
        TableName, Key: { id: { S: req.key } },
        UpdateExpression: 'SET #runs.#run = :run, #exp = :exp, #purge = :purge',
        // An event joins any event's lock; a sweep only its own.
        ConditionExpression: '#exp > :now AND #kind = :kind AND (#kind = :event OR #holder = :holder)',
        ExpressionAttributeNames: { ...NAMES, '#run': req.run },
        ExpressionAttributeValues: {
          ':run': { S: JSON.stringify(req.fixes) }, ':exp': { N: String(exp) }, ':purge': { N: String(exp + PURGE_AFTER_SECONDS) },
          ':now': { N: String(epoch(req.now)) }, ':kind': { S: req.origin.kind }, ':event': { S: 'event' }, ':holder': { S: req.origin.id },
        },
      }));
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  };

  const create = async (req: LockRequest, exp: number): Promise<boolean> => {
    try {
      await db().send(new PutItemCommand({
        TableName,
        Item: {
          id: { S: req.key }, kind: { S: req.origin.kind }, holder: { S: req.origin.id },
          runs: { M: { [req.run]: { S: JSON.stringify(req.fixes) } } },
          expiresAt: { N: String(exp) }, purgeAt: { N: String(exp + PURGE_AFTER_SECONDS) },
        },
        ConditionExpression: 'attribute_not_exists(id) OR #exp <= :now',
        ExpressionAttributeNames: { '#exp': 'expiresAt' },
        ExpressionAttributeValues: { ':now': { N: String(epoch(req.now)) } },
      }));
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  };

  const read = async (key: string) =>
    lockOf((await db().send(new GetItemCommand({ TableName, Key: { id: { S: key } }, ConsistentRead: true }))).Item);

  return {
    async take(req) {
      const exp = epoch(req.now) + req.seconds;
      try {
        // Twice at most: a lock that expires or goes away between the writes and the read is tried again once.
        for (let attempt = 0; attempt < 2; attempt++) {
          if ((await join(req, exp)) || (await create(req, exp))) return { taken: true };
          const lock = await read(req.key);
          if (lock && Date.parse(lock.expiresAt) > req.now.getTime() && !mayJoin(lock, req.origin)) return { taken: false, lock };
        }
        throw new Error(`resource lock ${req.key}: neither taken nor held by another origin`);
      } catch (err) {
        return rethrowThrottling(err);
      }
    },

    async release(key, run) {
      try {
        const out = await db().send(new UpdateItemCommand({
          TableName, Key: { id: { S: key } },
          UpdateExpression: 'REMOVE #runs.#run',
          ConditionExpression: 'attribute_exists(#runs.#run)',
          ExpressionAttributeNames: { '#runs': 'runs', '#run': run },
          ReturnValues: 'ALL_NEW',
        }));
        if (Object.keys(out.Attributes?.runs?.M ?? {}).length > 0) return;
        await db().send(new DeleteItemCommand({
          TableName, Key: { id: { S: key } },
          ConditionExpression: '#runs = :none',
          ExpressionAttributeNames: { '#runs': 'runs' },
          ExpressionAttributeValues: { ':none': { M: {} } },
        }));
      } catch (err) {
        if (isConditionFailed(err)) return; // not this run's any more, or another run joined meanwhile
        rethrowThrottling(err);
      }
    },
  };
}
