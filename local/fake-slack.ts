/**
 * A local stand-in for Slack, for tests and the demo: the Web API (`<url>/api/chat.postMessage`, `chat.update`,
 * `usergroups.users.list`), incoming webhooks (`<url>/hooks/...`) and interaction response URLs
 * (`<url>/response/...`). It listens on a free 127.0.0.1 port, records every request and answers like Slack:
 * HTTP 200 with `{ ok, error }` for the Web API.
 * Like Slack, chat.update accepts only a channel ID (a name gets `channel_not_found`). It can also refuse one channel
 * (`not_in_channel`, `is_archived`, …) and rate-limit the Web API as Slack does: HTTP 429 with a Retry-After header.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './loopback';

export interface FakeSlackRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  json?: Record<string, unknown>;
}

export interface FakeSlack {
  /** e.g. http://127.0.0.1:40123 */
  url: string;
  /** Web API base URL: SLACK_API_URL. */
  apiUrl: string;
  /** An incoming-webhook URL and a response_url on this server. */
  webhookUrl: string;
  responseUrl: string;
  received: FakeSlackRequest[];
  /** Posted messages by ts (updated in place by chat.update). */
  messages: Map<string, { channel: string; text?: string; blocks?: unknown[] }>;
  /** Make a Web API method answer `{ ok: false, error }` (undefined: back to normal). */
  failMethod(method: string, error: string | undefined): void;
  /** Make chat.postMessage to one channel (as posted: name or ID) answer `{ ok: false, error }` (undefined: back to normal). */
  failChannel(channel: string, error: string | undefined): void;
  /**
   * Rate-limit the Web API: the next `times` calls (to `channel` only, if given) answer HTTP 429 `ratelimited` with
   * `Retry-After: retryAfterSeconds` (default 1), then Slack answers normally again.
   */
  rateLimit(times: number, retryAfterSeconds?: number, channel?: string): void;
  /** Answer every request with this HTTP status and a plain-text body (undefined: back to normal). */
  setStatus(code: number | undefined): void;
  /** Never answer (timeouts). */
  setHang(hang: boolean): void;
  clear(): void;
  /** Between tests: forget what was received and answer normally again (no failures, status or hang). */
  reset(): void;
  close(): Promise<void>;
}

export interface FakeSlackOptions {
  /** The only bot token accepted (anything else: invalid_auth). Default: any xoxb- token. */
  token?: string;
  /** Channel name → ID, as a workspace would resolve it. Unknown names get a made-up ID. */
  channels?: Record<string, string>;
  /** User group ID (S…) → member user IDs, for usergroups.users.list. */
  groups?: Record<string, string[]>;
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

export function startFakeSlack(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
  const received: FakeSlackRequest[] = [];
  const messages: FakeSlack['messages'] = new Map();
  const failures = new Map<string, string>();
  const channelFailures = new Map<string, string>();
  let limited = { times: 0, retryAfter: 1, channel: undefined as string | undefined };
  let status: number | undefined;
  let hang = false;
  let seq = 100;
  const channelId = (name: string) =>
    /^[CGD][A-Z0-9]{6,}$/.test(name) ? name : (opts.channels?.[name] ?? `C${name.replace(/[^a-z0-9]/gi, '').toUpperCase().padEnd(8, '0').slice(0, 10)}`);

  const json = (res: ServerResponse, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };

  function webApi(method: string, req: FakeSlackRequest, res: ServerResponse): void {
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (!token) return json(res, { ok: false, error: 'not_authed' });
    if (opts.token ? token !== opts.token : !token.startsWith('xoxb-')) return json(res, { ok: false, error: 'invalid_auth' });
    if (limited.times > 0 && (limited.channel === undefined || limited.channel === req.json?.channel)) {
      limited.times--;
      const text = JSON.stringify({ ok: false, error: 'ratelimited' });
      res.writeHead(429, { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(limited.retryAfter), 'content-length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    const failure = failures.get(method);
    if (failure) return json(res, { ok: false, error: failure });
    if (method === 'usergroups.users.list') {
      const group = new URLSearchParams(req.body).get('usergroup') ?? (typeof req.json?.usergroup === 'string' ? req.json.usergroup : '');
      const users = opts.groups?.[group];
      return json(res, users ? { ok: true, users } : { ok: false, error: 'no_such_subteam' });
    }
    const args = req.json;
    if (!args) return json(res, { ok: false, error: 'invalid_json' });
    const channel = typeof args.channel === 'string' ? args.channel : '';
    if (!channel) return json(res, { ok: false, error: 'channel_not_found' });
    if (args.text === undefined && args.blocks === undefined) return json(res, { ok: false, error: 'no_text' });
    const content = { ...(typeof args.text === 'string' ? { text: args.text } : {}), ...(Array.isArray(args.blocks) ? { blocks: args.blocks } : {}) };
    if (method === 'chat.postMessage') {
      const refused = channelFailures.get(channel);
      if (refused) return json(res, { ok: false, error: refused });
      const id = channelId(channel);
      const ts = `1763632800.${String(seq++).padStart(6, '0')}`;
      messages.set(ts, { channel: id, ...content });
      return json(res, { ok: true, channel: id, ts, message: { type: 'message', ts, ...content } });
    }
    if (method === 'chat.update') {
      if (!/^[CGD][A-Z0-9]+$/.test(channel)) return json(res, { ok: false, error: 'channel_not_found' });
      const ts = typeof args.ts === 'string' ? args.ts : '';
      const msg = messages.get(ts);
      if (!msg || msg.channel !== channel) return json(res, { ok: false, error: 'message_not_found' });
      messages.set(ts, { channel, ...content });
      return json(res, { ok: true, channel, ts, text: content.text ?? '' });
    }
    return json(res, { ok: false, error: 'unknown_method' });
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const entry: FakeSlackRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: headersOf(req), body };
      try {
        const parsed = JSON.parse(body) as unknown;
        if (parsed && typeof parsed === 'object') entry.json = parsed as Record<string, unknown>;
      } catch {
        /* not JSON */
      }
      received.push(entry);
      if (hang) return;
      if (status !== undefined) {
        const text = `fake slack status ${status}`;
        res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) });
        res.end(text);
        return;
      }
      const path = entry.path.split('?')[0] ?? '';
      if (path.startsWith('/api/')) return webApi(path.slice(5), entry, res);
      if (path.startsWith('/response/')) return json(res, { ok: true });
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 });
      res.end('ok'); // incoming webhooks answer a plain "ok"
    });
  });

  return listenOnLoopback(server).then(({ url, close }) => ({
    url,
    apiUrl: `${url}/api`,
    webhookUrl: `${url}/hooks/T000/B000/fakewebhooksecret`,
    responseUrl: `${url}/response/T000/1234/fakeresponsesecret`,
    received,
    messages,
    failMethod: (method, error) => {
      if (error === undefined) failures.delete(method);
      else failures.set(method, error);
    },
    failChannel: (channel, error) => {
      if (error === undefined) channelFailures.delete(channel);
      else channelFailures.set(channel, error);
    },
    rateLimit: (times, retryAfter = 1, channel) => {
      limited = { times, retryAfter, channel };
    },
    setStatus: (code) => {
      status = code;
    },
    setHang: (h) => {
      hang = h;
    },
    clear: () => {
      received.length = 0;
    },
    reset: () => {
      received.length = 0;
      failures.clear();
      channelFailures.clear();
      limited = { times: 0, retryAfter: 1, channel: undefined };
      status = undefined;
      hang = false;
    },
    close,
  }));
}
