import { QueryCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { RemediationState } from '../domain/state';
import { logger } from '../runtime/logger';
import { decidedMessage } from './messages';
import type { ApprovalRecord } from './model';
import { updateMessage, type SlackDeps } from '../notify/slack-api';
import { decide } from './store';

/**
 * Expiry: move approvals to `expired` (the same conditional write as a decision, so a late click cannot win
 * afterwards) and turn their Slack requests into "Expired" with chat.update. Either one approval by id, or every
 * pending approval of a run (the approvals table's ByRemediation index), which is what the state machine's
 * ExpireApproval step does after the escalation deadline. DynamoDB failures throw (the state machine retries);
 * Slack failures are reported, never thrown.
 */

export interface ExpireInput {
  state?: RemediationState;
  /** One approval; without it, every pending approval of the run (state.context.id). */
  approvalId?: string;
}

export interface ExpireResult {
  approvalId: string;
  /** True when this call moved the approval to expired. */
  expired: boolean;
  /** Why not: unknown id, or a decision (or an earlier expiry) got there first. */
  why?: 'unknown' | 'already-decided' | 'expired';
  /** The approval's status after this call. */
  status?: ApprovalRecord['status'];
  /** True when the Slack message now says "Expired". */
  updated: boolean;
  error?: string;
}

export interface ExpireSummary {
  remediationId?: string;
  /** How many approvals this call expired, and how many Slack messages it updated. */
  expired: number;
  updated: number;
  approvals: ExpireResult[];
}

export interface ExpireDeps {
  dynamodb: DynamoDBClient;
  tableName: string;
  /** GSI on remediationId (keys only). */
  indexName?: string;
  botToken?: () => Promise<string | undefined>;
  slack?: SlackDeps;
  now?: () => number;
}

/** Who "decided" an expiry, in the record and the audit trail. */
export const EXPIRED_BY = 'warden:timeout';
export const BY_REMEDIATION_INDEX = 'ByRemediation';

async function markMessageExpired(record: ApprovalRecord, deps: ExpireDeps): Promise<{ updated: boolean; error?: string }> {
  if (!record.messageTs) return { updated: false, error: 'no Slack message ts saved (webhook post, or the post failed)' };
  let token: string | undefined;
  try {
    token = await deps.botToken?.();
  } catch (err) {
    return { updated: false, error: `Slack bot token unavailable: ${(err as Error).message}` };
  }
  if (!token) return { updated: false, error: 'no Slack bot token configured' };
  // chat.update needs the channel ID: saved after posting (channelId), else the record's channel is already an ID.
  const channel = (record as ApprovalRecord & { channelId?: string }).channelId ?? record.channel;
  const res = await updateMessage({ token, channel, ts: record.messageTs, ...decidedMessage(record, 'expired') }, deps.slack);
  return res.ok ? { updated: true } : { updated: false, error: `chat.update failed: ${res.error ?? 'unknown error'}` };
}

/** Expire one approval, if it is still pending. */
export async function expireApproval(approvalId: string, deps: ExpireDeps): Promise<ExpireResult> {
  const nowMs = (deps.now ?? Date.now)();
  const store = { dynamodb: deps.dynamodb, tableName: deps.tableName, now: () => nowMs };
  const out = await decide(approvalId, { status: 'expired', decidedBy: EXPIRED_BY, decidedAt: new Date(nowMs).toISOString() }, store);
  if (!out.ok) {
    return { approvalId, expired: false, why: out.why, ...(out.record ? { status: out.record.status } : {}), updated: false };
  }
  const slack = await markMessageExpired(out.record, deps);
  return { approvalId, expired: true, status: out.record.status, ...slack };
}

/** Ids of every approval a run asked for (any status), from the keys-only ByRemediation index. */
export async function approvalIdsOfRun(remediationId: string, deps: ExpireDeps): Promise<string[]> {
  const ids: string[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const out = await deps.dynamodb.send(new QueryCommand({
      TableName: deps.tableName,
      IndexName: deps.indexName ?? BY_REMEDIATION_INDEX,
      KeyConditionExpression: 'remediationId = :r',
      ExpressionAttributeValues: { ':r': { S: remediationId } },
      ...(start ? { ExclusiveStartKey: start } : {}),
    }));
    for (const item of out.Items ?? []) if (item.id?.S) ids.push(item.id.S);
    start = out.LastEvaluatedKey;
  } while (start);
  return ids.sort();
}

/** The state machine passes either `{ state, approvalId? }` or the whole state (`"Payload.$": "$"`). */
export function toExpireInput(input: ExpireInput | RemediationState): ExpireInput {
  const s = input as RemediationState;
  return s && typeof s === 'object' && 'context' in s && 'policy' in s ? { state: s } : (input as ExpireInput);
}

/** One approval by id, or every still-pending approval of the run. */
export async function markExpired(input: ExpireInput, deps: ExpireDeps): Promise<ExpireSummary> {
  const remediationId = input.state?.context.id;
  let ids: string[];
  if (input.approvalId) ids = [input.approvalId];
  else if (remediationId) ids = await approvalIdsOfRun(remediationId, deps);
  else throw new Error('markExpired needs an approvalId or the run state');
  const approvals: ExpireResult[] = [];
  for (const id of ids) approvals.push(await expireApproval(id, deps));
  const summary: ExpireSummary = {
    ...(remediationId ? { remediationId } : {}),
    expired: approvals.filter((a) => a.expired).length,
    updated: approvals.filter((a) => a.updated).length,
    approvals,
  };
  const log = { remediationId, expired: summary.expired, updated: summary.updated, approvals };
  if (approvals.some((a) => a.expired && !a.updated) || (input.approvalId && summary.expired === 0)) logger.warn('approvals expired, with problems', log);
  else logger.info('approvals expired', log);
  return summary;
}
