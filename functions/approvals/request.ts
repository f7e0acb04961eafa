import { randomBytes } from 'node:crypto';
import { UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { WardenError } from '../aws/errors';
import type { RemediationState } from '../domain/state';
import { logger } from '../runtime/logger';
import { approversFor } from './approvers';
import { markExpired } from './expire';
import { approvalRequestMessage, executionConsoleUrl } from './messages';
import type { ApprovalRecord } from './model';
import { postMessage, postWebhook, type SlackDeps } from '../notify/slack-api';
import { createApproval, setMessageTs } from './store';

/**
 * The approval step (`lambda:invoke.waitForTaskToken`): store the task token under a short random approval id,
 * post the request to Slack, and return at once; the state machine then waits for SendTaskSuccess/Failure.
 * DynamoDB failures on create throw (the state machine retries). Slack failures never throw: the approval still
 * stands (`warden approve` can decide it) and the result says `posted: false`.
 */

export type Stage = 'initial' | 'escalated';

export interface RequestInput {
  state: RemediationState;
  taskToken: string;
  executionArn: string;
  stage: Stage;
  /** Optional: an id the state machine chose (so its timeout branch knows it). Default: a fresh random id. */
  approvalId?: string;
}

export interface RequestResult {
  approvalId: string;
  /** Where the request went: the Slack channel ID when Slack answered with one, else the configured channel. */
  channel: string;
  messageTs?: string;
  posted: boolean;
  via?: 'api' | 'webhook';
  expiresAt: number;
  error?: string;
}

export interface RequestDeps {
  dynamodb: DynamoDBClient;
  tableName: string;
  /** The bot token (Secrets Manager, cached); undefined = not configured. */
  botToken?: () => Promise<string | undefined>;
  /** The incoming-webhook URL, the fallback without a bot token; undefined = not configured. */
  webhookUrl?: () => Promise<string | undefined>;
  slack?: SlackDeps;
  /** Epoch milliseconds. */
  now?: () => number;
  newId?: () => string;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** 16 base32 characters from 10 random bytes (80 bits). */
export function newApprovalId(): string {
  const bytes = randomBytes(10);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

/** Ids the state machine may pass in: short, URL- and Slack-safe (base32, a UUID, …). */
const ID_PATTERN = /^[A-Za-z0-9-]{8,64}$/;

/** The record to store (pure). Throws when the state has no plan: there would be nothing to approve. */
export function buildApprovalRecord(input: RequestInput, id: string, nowMs: number): ApprovalRecord {
  const { state, stage } = input;
  const live = state.live?.result;
  if (!live?.plan) throw new WardenError('Warden.NoPlan', 'approval requested without a plan (LoadLiveState result missing)');
  const { finding, actor } = state.context;
  const resource = live.plan.resource ?? finding.resource;
  const tags = resource.tags ?? finding.resource.tags;
  const a = state.policy.approvals;
  const timeout = stage === 'escalated' ? a.escalation.timeoutSeconds : a.timeoutSeconds;
  const requester = actor?.arn ?? actor?.roleArn ?? actor?.invokedBy;
  const createdAt = new Date(nowMs).toISOString();
  return {
    id,
    taskToken: input.taskToken,
    executionArn: input.executionArn,
    remediationId: state.context.id,
    stage,
    control: finding.control,
    severity: finding.severity,
    resourceType: resource.type,
    resourceId: resource.id,
    action: live.plan.action,
    steps: [...live.plan.steps],
    ...(requester ? { requester } : {}),
    ...(state.context.eventTime ? { changedAt: state.context.eventTime } : {}),
    approvers: approversFor(state.policy, finding.control, tags),
    channel: stage === 'escalated' ? a.escalation.channel : live.channel,
    status: 'pending',
    createdAt,
    expiresAt: Math.floor(nowMs / 1000) + timeout,
  };
}

/** Remember the Slack channel ID of the posted message: chat.update needs the ID, not the channel name. */
export async function setMessageChannel(id: string, channelId: string, deps: { dynamodb: DynamoDBClient; tableName: string }): Promise<void> {
  await deps.dynamodb.send(new UpdateItemCommand({
    TableName: deps.tableName,
    Key: { id: { S: id } },
    UpdateExpression: 'SET channelId = :c',
    ConditionExpression: 'attribute_exists(id)',
    ExpressionAttributeValues: { ':c': { S: channelId } },
  }));
}

const message = (e: unknown) => (e as Error)?.message ?? String(e);

type Posted = { posted: boolean; via?: 'api' | 'webhook'; ts?: string; channelId?: string; error?: string };

/** Post through the Web API with the bot token, else the incoming webhook, else nowhere. Never throws. */
async function post(record: ApprovalRecord, body: { text: string; blocks: unknown[] }, deps: RequestDeps): Promise<Posted> {
  let token: string | undefined;
  try {
    token = await deps.botToken?.();
  } catch (err) {
    return { posted: false, error: `Slack bot token unavailable: ${message(err)}` };
  }
  if (token) {
    const res = await postMessage({ token, channel: record.channel, ...body }, deps.slack);
    if (!res.ok) return { posted: false, via: 'api', error: `chat.postMessage failed: ${res.error ?? 'unknown error'}` };
    return { posted: true, via: 'api', ...(res.ts ? { ts: res.ts } : {}), ...(res.channel ? { channelId: res.channel } : {}) };
  }
  let url: string | undefined;
  try {
    url = await deps.webhookUrl?.();
  } catch (err) {
    return { posted: false, error: `Slack webhook URL unavailable: ${message(err)}` };
  }
  if (!url) return { posted: false, error: 'Slack is not configured (no bot token, no webhook)' };
  const res = await postWebhook(url, body, deps.slack);
  return res.ok ? { posted: true, via: 'webhook' } : { posted: false, via: 'webhook', error: res.error ?? 'webhook failed' };
}

/** Best effort: a failure here must not block the escalation itself. */
async function expireEarlier(state: RemediationState, deps: RequestDeps): Promise<void> {
  try {
    await markExpired({ state }, { dynamodb: deps.dynamodb, tableName: deps.tableName, ...(deps.botToken ? { botToken: deps.botToken } : {}), ...(deps.slack ? { slack: deps.slack } : {}), ...(deps.now ? { now: deps.now } : {}) });
  } catch (err) {
    logger.warn('earlier approvals not marked expired', { remediationId: state.context.id, error: message(err) });
  }
}

export async function requestApproval(input: RequestInput, deps: RequestDeps): Promise<RequestResult> {
  const nowMs = (deps.now ?? Date.now)();
  if (input.approvalId !== undefined && !ID_PATTERN.test(input.approvalId)) {
    throw new WardenError('Warden.InvalidApprovalId', 'approvalId must be 8-64 characters of [A-Za-z0-9-]');
  }
  if (!input.taskToken) throw new WardenError('Warden.NoTaskToken', 'the approval step needs $$.Task.Token');
  const id = input.approvalId ?? (deps.newId ?? newApprovalId)();
  const record = buildApprovalRecord(input, id, nowMs);
  const store = { dynamodb: deps.dynamodb, tableName: deps.tableName };

  // Escalating: the owner-channel request timed out. Mark it expired now, so its message stops offering buttons.
  if (input.stage === 'escalated') await expireEarlier(input.state, deps);

  await createApproval(record, store); // throws: no record, no approval (the state machine retries)

  const finding = input.state.context.finding;
  const body = approvalRequestMessage(record, {
    executionUrl: executionConsoleUrl(input.executionArn),
    escalated: input.stage === 'escalated',
    account: finding.resource.account,
    region: finding.resource.region,
  });
  const sent = await post(record, body, deps);

  // Saving the ts is best effort: throwing now would make the state machine retry and post a second request.
  if (sent.ts) {
    try {
      await setMessageTs(id, sent.ts, store);
      if (sent.channelId && sent.channelId !== record.channel) await setMessageChannel(id, sent.channelId, store);
    } catch (err) {
      logger.warn('approval message ts not saved', { approvalId: id, error: message(err) });
    }
  }

  const result: RequestResult = {
    approvalId: id,
    channel: sent.channelId ?? record.channel,
    ...(sent.ts ? { messageTs: sent.ts } : {}),
    posted: sent.posted,
    ...(sent.via ? { via: sent.via } : {}),
    expiresAt: record.expiresAt,
    ...(sent.error ? { error: sent.error } : {}),
  };
  const log = { ...result, remediationId: record.remediationId, stage: record.stage, control: record.control };
  if (sent.posted) logger.info('approval requested', log);
  else logger.warn('approval requested, Slack message not posted', log);
  return result;
}
