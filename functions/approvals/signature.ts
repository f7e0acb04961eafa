import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack's replay window: a request whose timestamp is more than 5 minutes from now is refused. */
export const MAX_SKEW_SECONDS = 300;

export type Headers = Record<string, string | undefined>;

/** A header by name, case-insensitively (HTTP API payload v2 lowercases names; other callers may not). */
export function header(headers: Headers | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === want) return v;
  return undefined;
}

/** The exact body bytes Slack signed: API Gateway base64-encodes some bodies and says so. */
export function rawBody(body: string | undefined, isBase64Encoded: boolean | undefined): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0);
  return isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
}

/** `v0=` + hex HMAC-SHA256(secret, `v0:${ts}:${body}`): what Slack sends in X-Slack-Signature. */
export function slackSignature(signingSecret: string, timestamp: string, body: Buffer | string): string {
  const mac = createHmac('sha256', signingSecret);
  mac.update(`v0:${timestamp}:`);
  mac.update(body);
  return `v0=${mac.digest('hex')}`;
}

export type VerifyResult = { ok: true } | { ok: false; why: 'missing-headers' | 'bad-timestamp' | 'stale' | 'bad-signature' };

/**
 * Verify a Slack request: timestamp within 5 minutes of `nowMs`, signature equal in constant time.
 * Pure: the clock and the secret are passed in. The reason never contains the secret or the expected signature.
 */
export function verifySlackRequest(args: {
  signingSecret: string;
  headers: Headers | undefined;
  body: Buffer;
  nowMs: number;
}): VerifyResult {
  const ts = header(args.headers, 'x-slack-request-timestamp');
  const sig = header(args.headers, 'x-slack-signature');
  if (!ts || !sig || !args.signingSecret) return { ok: false, why: 'missing-headers' };
  if (!/^\d{1,12}$/.test(ts)) return { ok: false, why: 'bad-timestamp' };
  if (Math.abs(Math.floor(args.nowMs / 1000) - Number(ts)) > MAX_SKEW_SECONDS) return { ok: false, why: 'stale' };
  const expected = Buffer.from(slackSignature(args.signingSecret, ts, args.body), 'utf8');
  const given = Buffer.from(sig, 'utf8');
  // timingSafeEqual needs equal lengths; a length mismatch is already a refusal (and reveals only the length).
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, why: 'bad-signature' };
  return { ok: true };
}
