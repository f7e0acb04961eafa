/**
 * A tiny Slack Web API client: chat.postMessage and chat.update with a bot token, and message updates through an
 * interaction's response_url. Plain fetch with a timeout and no retries (callers decide: approvals leave them to
 * Step Functions, notifications wait out an HTTP 429's Retry-After, which comes back as `retryAfterSeconds`).
 * Used by the approvals and by Notify (owner-slack.ts). Never throws for Slack or network failures: each call answers `{ ok: false, error }`. Errors never contain the
 * bot token or a response_url (both are credentials).
 */

export const DEFAULT_SLACK_API_URL = 'https://slack.com/api';
const DEFAULT_TIMEOUT_MS = 3000;
const ERROR_MAX = 200;

export interface SlackDeps {
  fetch?: typeof fetch;
  /** Web API base URL; default env SLACK_API_URL, else https://slack.com/api (a local sink in tests and the demo). */
  apiUrl?: string;
  timeoutMs?: number;
}

/** `retryAfterSeconds`: Slack answered HTTP 429 (rate limited) and asked to wait that long (its Retry-After). */
export type SlackResult = { ok: boolean; ts?: string; channel?: string; error?: string; retryAfterSeconds?: number };

/** Retry-After in seconds (Slack sends whole seconds); missing or unreadable: 1 s, Slack's per-channel pace. */
export function retryAfterSeconds(header: string | null): number {
  const n = Number(header?.trim());
  return Number.isFinite(n) && n > 0 ? Math.ceil(n) : 1;
}

/** The base URL to call: https, or plain http to 127.0.0.1 / localhost only (a bot token never travels in clear). */
export function slackApiUrl(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  const raw = (explicit ?? env.SLACK_API_URL ?? '').trim() || DEFAULT_SLACK_API_URL;
  const url = new URL(raw);
  if (!isSafeUrl(url)) throw new Error(`Slack API URL must be https (got ${url.protocol})`);
  return raw.replace(/\/+$/, '');
}

function isSafeUrl(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === 'localhost'));
}

/** An error text safe to return and log: secrets and URLs redacted, clipped. */
function safe(text: string, secrets: (string | undefined)[]): string {
  let msg = text;
  for (const s of secrets) if (s) msg = msg.split(s).join('<redacted>');
  msg = msg.replace(/https?:\/\/[^\s'")]+/gi, '<url>').replace(/xox[a-z]-[A-Za-z0-9-]+/g, '<token>');
  return msg.length <= ERROR_MAX ? msg : `${msg.slice(0, ERROR_MAX - 1)}…`;
}

function failure(err: unknown, timeoutMs: number, secrets: (string | undefined)[]): string {
  const e = err as { name?: string; message?: string; cause?: { message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `timeout after ${timeoutMs} ms`;
  const cause = e?.cause?.message ? ` (${e.cause.message})` : '';
  return safe(`request failed: ${e?.message ?? String(err)}${cause}`, secrets);
}

/** POST a JSON body with the request timeout; the answer is read as text (callers interpret it). */
async function postJson(url: string | URL, body: unknown, deps: SlackDeps, timeoutMs: number, headers: Record<string, string> = {}) {
  const res = await (deps.fetch ?? fetch)(url, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { res, text: await res.text() };
}

/** POST JSON; reads the answer as Slack Web API JSON ({ ok, error, ... }). */
async function callApi(method: string, token: string, body: Record<string, unknown>, deps: SlackDeps): Promise<Record<string, unknown> & SlackResult> {
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let base: string;
  try {
    base = slackApiUrl(deps.apiUrl);
  } catch (err) {
    return { ok: false, error: safe((err as Error).message, [token]) };
  }
  try {
    const { res, text } = await postJson(`${base}/${method}`, body, deps, timeoutMs, { authorization: `Bearer ${token}` });
    if (res.status === 429) {
      const wait = retryAfterSeconds(res.headers.get('retry-after'));
      return { ok: false, error: `ratelimited (retry after ${wait} s)`, retryAfterSeconds: wait };
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { ok: false, error: safe(`HTTP ${res.status}: not a Slack API answer: ${text.trim().slice(0, 80)}`, [token]) };
    }
    const out = (json ?? {}) as Record<string, unknown>;
    if (out.ok === true && res.ok) return { ...out, ok: true };
    const error = typeof out.error === 'string' ? out.error : `HTTP ${res.status}`;
    return { ok: false, error: safe(error, [token]) };
  } catch (err) {
    return { ok: false, error: failure(err, timeoutMs, [token]) };
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** The ts and channel of a chat.* answer. */
function slackResult(out: Record<string, unknown> & SlackResult): SlackResult {
  if (!out.ok) return { ok: false, ...(out.error ? { error: out.error } : {}), ...(out.retryAfterSeconds ? { retryAfterSeconds: out.retryAfterSeconds } : {}) };
  const ts = str(out.ts);
  const channel = str(out.channel);
  return { ok: true, ...(ts ? { ts } : {}), ...(channel ? { channel } : {}) };
}

/** chat.postMessage (scope chat:write; chat:write.public for public channels the bot has not joined). */
export async function postMessage(
  args: { token: string; channel: string; text: string; blocks: unknown[] },
  deps: SlackDeps = {},
): Promise<SlackResult> {
  const out = await callApi('chat.postMessage', args.token, { channel: args.channel, text: args.text, blocks: args.blocks, unfurl_links: false, unfurl_media: false }, deps);
  return slackResult(out);
}

/** chat.update. `channel` must be the channel ID (C…/G…): chat.update does not accept names, unlike postMessage. */
export async function updateMessage(
  args: { token: string; channel: string; ts: string; text: string; blocks: unknown[] },
  deps: SlackDeps = {},
): Promise<SlackResult> {
  const out = await callApi('chat.update', args.token, { channel: args.channel, ts: args.ts, text: args.text, blocks: args.blocks }, deps);
  return slackResult(out);
}

/**
 * Replace the message a button was clicked in, through the interaction's response_url (no token needed; Slack
 * allows 5 uses within 30 minutes). The URL is a credential: it never appears in the result. `deps.apiUrl` is unused.
 */
export async function updateViaResponseUrl(
  responseUrl: string,
  message: { text: string; blocks: unknown[]; replace_original: true },
  deps: SlackDeps = {},
): Promise<{ ok: boolean; error?: string }> {
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let url: URL;
  try {
    url = new URL(responseUrl);
  } catch {
    return { ok: false, error: 'response_url is not a valid URL' };
  }
  if (!isSafeUrl(url)) return { ok: false, error: `response_url must be https (got ${url.protocol})` };
  try {
    const { res, text: raw } = await postJson(url, message, deps, timeoutMs);
    const text = raw.trim();
    let json: { ok?: unknown; error?: unknown } | undefined;
    try {
      json = JSON.parse(text) as typeof json;
    } catch {
      /* Slack may answer plain "ok" */
    }
    if (res.ok && json?.ok !== false) return { ok: true };
    const detail = typeof json?.error === 'string' ? json.error : text.slice(0, 80);
    return { ok: false, error: safe(`HTTP ${res.status}${detail ? `: ${detail}` : ''}`, [responseUrl]) };
  } catch (err) {
    return { ok: false, error: failure(err, timeoutMs, [responseUrl]) };
  }
}

/**
 * The fallback without a bot token: POST the same message to an incoming webhook. It posts to the webhook's own
 * channel and returns no ts (so the message cannot be updated later). The URL is a credential: never in the result.
 */
export async function postWebhook(url: string, message: { text: string; blocks: unknown[] }, deps: SlackDeps = {}): Promise<{ ok: boolean; error?: string }> {
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  try {
    const { res, text: raw } = await postJson(url, message, deps, timeoutMs);
    const text = raw.trim();
    if (res.ok) return { ok: true };
    // Incoming webhooks answer e.g. 400 invalid_blocks, 403 action_prohibited, 404 no_service.
    return { ok: false, error: safe(`webhook HTTP ${res.status}${text ? `: ${text.slice(0, 80)}` : ''}`, [url]) };
  } catch (err) {
    return { ok: false, error: failure(err, timeoutMs, [url]) };
  }
}
