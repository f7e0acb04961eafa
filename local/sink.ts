/**
 * Local HTTP sink for notifications (Slack webhooks, SNS HTTP subscriptions, ...): listens on a free
 * 127.0.0.1 port, records every request and answers a configurable status (default 200, body "ok").
 */
import { createServer, type IncomingMessage } from 'node:http';
import { listenOnLoopback } from './loopback';

export interface SinkRequest {
  method: string;
  /** Path plus query string, e.g. "/hooks/abc?x=1". */
  path: string;
  body: string;
  /** The body parsed as JSON, when it is JSON. */
  json?: unknown;
  /** Lower-cased header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
}

export interface Sink {
  /** e.g. http://127.0.0.1:40123 (no trailing slash) */
  url: string;
  received: SinkRequest[];
  setStatus(code: number): void;
  clear(): void;
  close(): Promise<void>;
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

export function startSink(opts: { status?: number } = {}): Promise<Sink> {
  let status = opts.status ?? 200;
  const received: SinkRequest[] = [];

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const entry: SinkRequest = { method: req.method ?? 'GET', path: req.url ?? '/', body, headers: flatHeaders(req) };
      if (body.length > 0) {
        try {
          entry.json = JSON.parse(body) as unknown;
        } catch {
          /* not JSON */
        }
      }
      received.push(entry);
      const text = status >= 200 && status < 300 ? 'ok' : `sink status ${status}`;
      res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    });
  });

  return listenOnLoopback(server).then(({ url, close }) => ({
    url,
    received,
    setStatus(code: number) {
      status = code;
    },
    clear() {
      received.length = 0;
    },
    close,
  }));
}
