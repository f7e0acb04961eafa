import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { isThrottling, rethrowThrottling } from '../aws/errors';
import type { Delivery } from '../domain/remediation';
import type { NotifyInput } from './message';
import { postToOwner, type OwnerSlackDeps } from './owner-slack';
import type { SlackDeps } from './slack-api';
import { slackMessage, type SlackMessage } from './slack-message';
import { snsMessage, type SnsMessage } from './sns-message';
import { tripSlackMessage, tripSnsMessage } from './trip-message';

export type { Delivery };

export interface NotifyDeps {
  /**
   * Resolves the Slack bot token (approvals/bot-token.ts); with one, Slack messages go to the run's channel through
   * chat.postMessage. Undefined (or no token): the incoming webhook below, exactly as before there was a bot.
   */
  slackBotToken?: () => Promise<string | undefined>;
  /** Where a message goes when the owner's channel refuses the bot: the policy's owners.fallback. */
  fallbackChannel?: string;
  /** The Web API: base URL (default env SLACK_API_URL), fetch, timeout; and the rate-limit wait (clock, budget). */
  slackApi?: SlackDeps & Pick<OwnerSlackDeps, 'now' | 'sleep' | 'waitBudgetMs'>;
  /** Resolves the Slack incoming-webhook URL (see webhook-secret.ts); undefined = Slack not configured. */
  slackWebhookUrl?: () => Promise<string | undefined>;
  /** SNS topic; empty/unset = SNS not configured. */
  topicArn?: string;
  sns?: SNSClient;
  fetch?: typeof fetch;
  /** Slack request timeout. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 3000;
const ERROR_MAX = 300;

/** An error message safe to store: any URL (the webhook URL is a credential) is redacted. */
export function safeError(err: unknown, secrets: (string | undefined)[] = []): string {
  const e = err as { name?: unknown; message?: unknown; cause?: { message?: unknown } } | undefined;
  let msg = typeof e?.message === 'string' && e.message ? e.message : String(err);
  if (typeof e?.cause?.message === 'string') msg += ` (${e.cause.message})`;
  if (typeof e?.name === 'string' && e.name !== 'Error' && !msg.startsWith(e.name)) msg = `${e.name}: ${msg}`;
  for (const s of secrets) if (s) msg = msg.split(s).join('<redacted>');
  msg = msg.replace(/https?:\/\/[^\s'")]+/gi, '<url>');
  return msg.length <= ERROR_MAX ? msg : `${msg.slice(0, ERROR_MAX - 1)}…`;
}

async function sendSlack(message: SlackMessage, url: string, deps: NotifyDeps): Promise<Delivery> {
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  try {
    const res = await (deps.fetch ?? fetch)(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(message),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (res.ok) return { channel: 'slack', delivered: true };
    // Slack answers e.g. 400 "invalid_blocks", 403 "action_prohibited", 404 "no_service" (revoked webhook).
    const body = (await res.text().catch(() => '')).trim().slice(0, 100);
    return { channel: 'slack', delivered: false, error: safeError(`Slack webhook answered HTTP ${res.status}${body ? `: ${body}` : ''}`, [url]) };
  } catch (err) {
    const name = (err as { name?: string }).name;
    const error = name === 'TimeoutError' || name === 'AbortError' ? `Slack webhook timed out after ${timeoutMs} ms` : safeError(err, [url]);
    return { channel: 'slack', delivered: false, error };
  }
}

/**
 * The bot token when there is one (the owner's channel, chat.postMessage), else the webhook. Failures are results;
 * only Warden.Throttled (Slack's rate limit outlasting this attempt's wait budget) is thrown, for the state machine.
 */
async function slack(message: SlackMessage, channel: string, deps: NotifyDeps): Promise<Delivery | undefined> {
  let token: string | undefined;
  try {
    token = await deps.slackBotToken?.();
  } catch (err) {
    if (isThrottling(err)) rethrowThrottling(err); // Secrets Manager throttled: retried like Slack's own limit
    return { channel: 'slack', delivered: false, error: `Slack bot token unavailable: ${safeError(err)}` };
  }
  if (token) {
    return postToOwner(channel, message, { ...deps.slackApi, token, fallback: deps.fallbackChannel ?? channel, slack: deps.slackApi ?? {} });
  }
  return webhook(message, deps);
}

async function webhook(message: SlackMessage, deps: NotifyDeps): Promise<Delivery | undefined> {
  let url: string | undefined;
  try {
    url = await deps.slackWebhookUrl?.();
  } catch (err) {
    return { channel: 'slack', delivered: false, error: `Slack webhook URL unavailable: ${safeError(err)}` };
  }
  return url ? sendSlack(message, url, deps) : undefined;
}

let defaultSns: SNSClient | undefined;

async function sns(m: SnsMessage, deps: NotifyDeps): Promise<Delivery | undefined> {
  if (!deps.topicArn) return undefined;
  try {
    const client = deps.sns ?? (defaultSns ??= new SNSClient({}));
    await client.send(
      new PublishCommand({
        TopicArn: deps.topicArn,
        Subject: m.subject,
        Message: m.message,
        MessageAttributes: Object.fromEntries(
          Object.entries(m.attributes).flatMap(([k, v]) => (v ? [[k, { DataType: 'String', StringValue: v }]] : [])),
        ),
      }),
    );
    return { channel: 'sns', delivered: true };
  } catch (err) {
    return { channel: 'sns', delivered: false, error: safeError(err) };
  }
}

/**
 * Slack first, then SNS: when Slack's rate limit outlasts this attempt (Warden.Throttled), nothing was published
 * yet, so the state machine's retry sends each message once.
 */
async function send(slackMsg: SlackMessage, snsMsg: SnsMessage, channel: string, deps: NotifyDeps): Promise<Delivery[]> {
  const toSlack = await slack(slackMsg, channel, deps);
  const toSns = await sns(snsMsg, deps);
  return [toSlack, toSns].filter((d): d is Delivery => d !== undefined);
}

/**
 * Send the notification to every configured channel: Slack (the run's channel with the bot token, else the webhook)
 * and SNS. Never throws because a channel failed: each failure is reported as `delivered: false` with an error
 * message (never containing the webhook URL or the token); Slack's rate limit past the wait budget throws
 * Warden.Throttled (see owner-slack.ts). Returns [] when no channel is configured; the caller records that.
 */
export async function notify(input: NotifyInput, deps: NotifyDeps): Promise<Delivery[]> {
  return send(slackMessage(input), snsMessage(input), input.channel, deps);
}

/**
 * The one summary of a breaker trip, sent by the held run that tripped it, to the same channels (never one message
 * per held run): "breaker tripped: <scope> <n>/<limit> in <window>; N waiting". Never throws, as notify.
 */
export async function notifyTrip(input: NotifyInput, deps: NotifyDeps): Promise<Delivery[]> {
  return send(tripSlackMessage(input), tripSnsMessage(input), input.channel, deps);
}
