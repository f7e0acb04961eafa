import {
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { isConditionFailed } from '../aws/errors';
import type { ApprovalRecord } from './model';

/**
 * The approvals table (key `id`, TTL attribute `purgeAt` = the deadline + 7 days, so a late click still finds the
 * record and gets "expired" rather than "unknown"), written with plain AttributeValues like the audit
 * item: strings as S, `expiresAt` as N, `steps`/`approvers` as L of S. The task token is an attribute like any
 * other: this module never logs.
 */
export interface StoreDeps {
  dynamodb: DynamoDBClient;
  tableName: string;
  /** Epoch milliseconds; defaults to Date.now. */
  now?: () => number;
  /** Abort a call after this long (the interactions endpoint must answer Slack within 3 s). */
  timeoutMs?: number;
}

const sendOpts = (deps: StoreDeps) => (deps.timeoutMs ? { abortSignal: AbortSignal.timeout(deps.timeoutMs) } : {});

export type DecideInput = { status: 'approved' | 'denied' | 'expired'; decidedBy: string; decidedAt: string; reason?: string };
export type DecideResult =
  | { ok: true; record: ApprovalRecord }
  | { ok: false; record?: ApprovalRecord; why: 'unknown' | 'already-decided' | 'expired' };

const LISTS = new Set(['steps', 'approvers']);
const NUMBERS = new Set(['expiresAt', 'purgeAt']);
/** How long a decided or expired approval stays readable after its deadline. */
export const KEEP_AFTER_DEADLINE_SECONDS = 7 * 86_400;

export function toItem(rec: ApprovalRecord): Record<string, AttributeValue> {
  const item: Record<string, AttributeValue> = { purgeAt: { N: String(rec.expiresAt + KEEP_AFTER_DEADLINE_SECONDS) } };
  for (const [k, v] of Object.entries(rec)) {
    if (v === undefined) continue;
    if (LISTS.has(k)) item[k] = { L: (v as string[]).map((s) => ({ S: s })) };
    else if (NUMBERS.has(k)) item[k] = { N: String(v) };
    else if (typeof v === 'string' && v !== '') item[k] = { S: v };
  }
  return item;
}

export function fromItem(item: Record<string, AttributeValue> | undefined): ApprovalRecord | undefined {
  if (!item?.id?.S) return undefined;
  const rec: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) {
    if (k === 'purgeAt') continue;
    if (v.S !== undefined) rec[k] = v.S;
    else if (v.N !== undefined) rec[k] = Number(v.N);
    else if (v.L !== undefined) rec[k] = v.L.map((x) => x.S ?? '');
  }
  return rec as unknown as ApprovalRecord;
}

const key = (id: string) => ({ id: { S: id } });

/** Store a new request; fails (ConditionalCheckFailedException) if the id is already taken. */
export async function createApproval(rec: ApprovalRecord, deps: StoreDeps): Promise<void> {
  await deps.dynamodb.send(new PutItemCommand({
    TableName: deps.tableName,
    Item: toItem(rec),
    ConditionExpression: 'attribute_not_exists(id)',
  }), sendOpts(deps));
}

export async function getApproval(id: string, deps: StoreDeps): Promise<ApprovalRecord | undefined> {
  const out = await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: key(id), ConsistentRead: true }), sendOpts(deps));
  return fromItem(out.Item);
}

/** Remember the Slack message ts of the posted request (only on an existing item). */
export async function setMessageTs(id: string, ts: string, deps: StoreDeps): Promise<void> {
  await deps.dynamodb.send(new UpdateItemCommand({
    TableName: deps.tableName,
    Key: key(id),
    UpdateExpression: 'SET messageTs = :ts',
    ConditionExpression: 'attribute_exists(id)',
    ExpressionAttributeValues: { ':ts': { S: ts } },
  }), sendOpts(deps));
}

/**
 * Move a pending approval to its outcome in ONE conditional UpdateItem: this is what makes an approval id usable
 * exactly once. Approve/deny also need the deadline not to have passed; marking `expired` does not.
 */
export async function decide(id: string, decision: DecideInput, deps: StoreDeps): Promise<DecideResult> {
  const nowSec = Math.floor((deps.now ?? Date.now)() / 1000);
  const values: Record<string, AttributeValue> = {
    ':pending': { S: 'pending' },
    ':status': { S: decision.status },
    ':by': { S: decision.decidedBy },
    ':at': { S: decision.decidedAt },
  };
  let set = '#s = :status, decidedBy = :by, decidedAt = :at';
  if (decision.reason) {
    values[':reason'] = { S: decision.reason };
    set += ', reason = :reason';
  }
  let condition = '#s = :pending';
  if (decision.status !== 'expired') {
    values[':now'] = { N: String(nowSec) };
    condition += ' AND expiresAt > :now';
  }
  try {
    const out = await deps.dynamodb.send(new UpdateItemCommand({
      TableName: deps.tableName,
      Key: key(id),
      UpdateExpression: `SET ${set}`,
      ConditionExpression: condition,
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: values,
      ReturnValues: 'ALL_NEW',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    }), sendOpts(deps));
    const record = fromItem(out.Attributes) ?? (await getApproval(id, deps));
    if (!record) throw new Error(`approval ${id}: decided but not readable`);
    return { ok: true, record };
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
    // ReturnValuesOnConditionCheckFailure: the item as it was comes with the error.
    const old = fromItem((err as { Item?: Record<string, AttributeValue> }).Item) ?? (await getApproval(id, deps));
    if (!old) return { ok: false, why: 'unknown' };
    const why = old.status === 'expired' || (old.status === 'pending' && old.expiresAt <= nowSec) ? 'expired' : 'already-decided';
    return { ok: false, record: old, why };
  }
}
