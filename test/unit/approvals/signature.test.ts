// Slack request signatures (pure, fixed clock). The known vector is the worked example from Slack's
// "Verifying requests from Slack" page (secret, timestamp and body as published there).
import { header, rawBody, slackSignature, verifySlackRequest } from '../../../functions/approvals/signature';
import { NOW_MS, NOW_S, SIGNING_SECRET } from './interactions-fixture';

const SLACK_DOC = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  ts: '1531420618',
  body: 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};

const signed = (body: string, ts = String(NOW_S), secret = SIGNING_SECRET) => ({
  'x-slack-request-timestamp': ts,
  'x-slack-signature': slackSignature(secret, ts, body),
});

test("Slack's published example verifies", () => {
  expect(slackSignature(SLACK_DOC.secret, SLACK_DOC.ts, SLACK_DOC.body)).toBe(SLACK_DOC.signature);
  const headers = { 'X-Slack-Request-Timestamp': SLACK_DOC.ts, 'X-Slack-Signature': SLACK_DOC.signature };
  expect(verifySlackRequest({ signingSecret: SLACK_DOC.secret, headers, body: Buffer.from(SLACK_DOC.body), nowMs: Number(SLACK_DOC.ts) * 1000 + 5000 })).toEqual({ ok: true });
});

test('a valid signature within the window: ok; header names are case-insensitive', () => {
  const body = 'payload=%7B%7D';
  expect(verifySlackRequest({ signingSecret: SIGNING_SECRET, headers: signed(body), body: Buffer.from(body), nowMs: NOW_MS })).toEqual({ ok: true });
  const h = signed(body);
  const upper = { 'X-SLACK-REQUEST-TIMESTAMP': h['x-slack-request-timestamp'], 'X-Slack-Signature': h['x-slack-signature'] };
  expect(verifySlackRequest({ signingSecret: SIGNING_SECRET, headers: upper, body: Buffer.from(body), nowMs: NOW_MS })).toEqual({ ok: true });
});

test('the 5-minute window, both directions, on the injected clock', () => {
  const body = 'payload=x';
  const at = (offset: number) => verifySlackRequest({ signingSecret: SIGNING_SECRET, headers: signed(body, String(NOW_S + offset)), body: Buffer.from(body), nowMs: NOW_MS });
  expect(at(-300)).toEqual({ ok: true });
  expect(at(300)).toEqual({ ok: true });
  expect(at(-301)).toEqual({ ok: false, why: 'stale' });
  expect(at(301)).toEqual({ ok: false, why: 'stale' });
});

test('refusals: wrong secret, tampered body, truncated or garbled signature, bad timestamp, missing headers', () => {
  const body = 'payload=abc';
  const v = (headers: Record<string, string | undefined>, b = body, secret = SIGNING_SECRET) =>
    verifySlackRequest({ signingSecret: secret, headers, body: Buffer.from(b), nowMs: NOW_MS });
  expect(v(signed(body, String(NOW_S), 'other-secret'))).toEqual({ ok: false, why: 'bad-signature' });
  expect(v(signed(body), 'payload=abd')).toEqual({ ok: false, why: 'bad-signature' });
  const good = signed(body);
  expect(v({ ...good, 'x-slack-signature': good['x-slack-signature'].slice(0, -1) })).toEqual({ ok: false, why: 'bad-signature' });
  expect(v({ ...good, 'x-slack-signature': good['x-slack-signature'].toUpperCase() })).toEqual({ ok: false, why: 'bad-signature' });
  expect(v({ ...good, 'x-slack-signature': `v1=${good['x-slack-signature'].slice(3)}` })).toEqual({ ok: false, why: 'bad-signature' });
  expect(v({ ...good, 'x-slack-signature': 'ü'.repeat(67) })).toEqual({ ok: false, why: 'bad-signature' });
  expect(v({ ...good, 'x-slack-request-timestamp': `${NOW_S}.5` })).toEqual({ ok: false, why: 'bad-timestamp' });
  expect(v({ ...good, 'x-slack-request-timestamp': '-1' })).toEqual({ ok: false, why: 'bad-timestamp' });
  expect(v({ 'x-slack-signature': good['x-slack-signature'] })).toEqual({ ok: false, why: 'missing-headers' });
  expect(v({ 'x-slack-request-timestamp': String(NOW_S) })).toEqual({ ok: false, why: 'missing-headers' });
  expect(v(good, body, '')).toEqual({ ok: false, why: 'missing-headers' });
  expect(verifySlackRequest({ signingSecret: SIGNING_SECRET, headers: undefined, body: Buffer.from(body), nowMs: NOW_MS })).toEqual({ ok: false, why: 'missing-headers' });
});

test('rawBody decodes base64 only when told; the signature is over the exact bytes', () => {
  const body = 'payload=%7B%22a%22%3A%22%C3%A9%22%7D';
  expect(rawBody(Buffer.from(body).toString('base64'), true).toString('utf8')).toBe(body);
  expect(rawBody(body, false).toString('utf8')).toBe(body);
  expect(rawBody(undefined, true).length).toBe(0);
  // Verifying the still-encoded text fails: the bytes differ.
  const h = signed(body);
  const encoded = Buffer.from(body).toString('base64');
  expect(verifySlackRequest({ signingSecret: SIGNING_SECRET, headers: h, body: rawBody(encoded, false), nowMs: NOW_MS }).ok).toBe(false);
  expect(verifySlackRequest({ signingSecret: SIGNING_SECRET, headers: h, body: rawBody(encoded, true), nowMs: NOW_MS }).ok).toBe(true);
});

test('header() finds names in any case and misses cleanly', () => {
  expect(header({ 'X-Foo': 'a' }, 'x-foo')).toBe('a');
  expect(header({ 'x-foo': 'a' }, 'X-FOO')).toBe('a');
  expect(header({}, 'x-foo')).toBeUndefined();
  expect(header(undefined, 'x-foo')).toBeUndefined();
});
