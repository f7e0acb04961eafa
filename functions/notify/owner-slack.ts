import { postMessage, type SlackDeps, type SlackResult } from './slack-api';
import { WardenError } from '../aws/errors';
import type { Delivery } from '../domain/remediation';
import { escapeMrkdwn, type SlackMessage } from './slack-message';

/**
 * A notification to the owner's channel through the Web API (chat.postMessage with the bot token). A channel that
 * refuses the bot gets the message redirected to the policy's fallback channel, with a line saying why. Slack's rate
 * limit (HTTP 429) is honoured: wait Retry-After and post again, within a budget kept well under the function's
 * timeout; past it, throw Warden.Throttled, which the state machine retries with backoff (nothing is dropped, and no
 * message was posted, so the retry cannot post twice).
 */

/** Total wait for Retry-After within one invocation: well under the Notify function's 30 s timeout. */
export const WAIT_BUDGET_MS = 10_000;

/** Errors that mean "this channel will not take the bot's message", and what to do about each. */
export const REDIRECTED: Record<string, string> = {
  not_in_channel: 'invite the Warden app there',
  channel_not_found: 'check the name in the policy\'s owners.channels, or invite the Warden app (private channels)',
  is_archived: 'the channel is archived: point the policy\'s owners.channels at a live one',
};

export interface OwnerSlackDeps {
  token: string;
  /** The policy's owners.fallback. */
  fallback: string;
  slack?: SlackDeps;
  /** Epoch ms and a sleep, injected in tests (no real waits). */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  waitBudgetMs?: number;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The line a redirected message starts with, e.g. "could not post to #x: not_in_channel — invite the Warden app there". */
export const redirectLine = (channel: string, error: string): string =>
  `could not post to ${channel}: ${error}${REDIRECTED[error] ? ` — ${REDIRECTED[error]}` : ''}`;

/** The same message with the redirect line first (text) and as a context block under the header. */
function redirected(message: SlackMessage, line: string): SlackMessage {
  const note = { type: 'context' as const, elements: [{ type: 'mrkdwn' as const, text: `:warning: ${escapeMrkdwn(line)}` }] };
  const [head, ...rest] = message.blocks;
  const blocks = head?.type === 'header' ? [head, note, ...rest] : [note, ...message.blocks];
  return { text: `${line}\n${message.text}`, blocks };
}

/** chat.postMessage, waiting out HTTP 429 while the budget allows; past it, Warden.Throttled. */
async function postPaced(channel: string, message: SlackMessage, deps: OwnerSlackDeps, deadline: number): Promise<SlackResult> {
  const now = deps.now ?? Date.now;
  for (;;) {
    const res = await postMessage({ token: deps.token, channel, text: message.text, blocks: message.blocks }, deps.slack);
    if (res.retryAfterSeconds === undefined) return res;
    const waitMs = res.retryAfterSeconds * 1000;
    if (now() + waitMs > deadline) {
      throw new WardenError('Warden.Throttled', `Slack rate-limited chat.postMessage to ${channel} (retry after ${res.retryAfterSeconds} s, beyond this attempt's ${deps.waitBudgetMs ?? WAIT_BUDGET_MS} ms wait budget)`);
    }
    await (deps.sleep ?? realSleep)(waitMs);
  }
}

/** Post to `channel`, else to the fallback when the channel refuses the bot. Throws only Warden.Throttled. */
export async function postToOwner(channel: string, message: SlackMessage, deps: OwnerSlackDeps): Promise<Delivery> {
  const deadline = (deps.now ?? Date.now)() + (deps.waitBudgetMs ?? WAIT_BUDGET_MS);
  const first = await postPaced(channel, message, deps, deadline);
  if (first.ok) return { channel: 'slack', delivered: true, via: 'api', to: channel };
  const error = first.error ?? 'unknown error';
  if (!(error in REDIRECTED) || deps.fallback === channel) {
    return { channel: 'slack', delivered: false, via: 'api', to: channel, error: `chat.postMessage to ${channel} failed: ${error}` };
  }
  const fallbackFrom = { channel, error };
  const second = await postPaced(deps.fallback, redirected(message, redirectLine(channel, error)), deps, deadline);
  if (second.ok) return { channel: 'slack', delivered: true, via: 'api', to: deps.fallback, fallbackFrom };
  return { channel: 'slack', delivered: false, via: 'api', to: deps.fallback, fallbackFrom, error: `chat.postMessage to ${deps.fallback} failed: ${second.error ?? 'unknown error'}` };
}
