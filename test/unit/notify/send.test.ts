// notify() with an injected fetch and no SNS topic: only the Slack path runs, so no AWS client is involved
// (SNS and the real HTTP path are covered against moto server and a local sink in test/integration/notify.test.ts).
import { notify, safeError } from '../../../functions/notify/send';
import { parseWebhookUrl } from '../../../functions/notify/webhook-secret';
import { notifyInput } from './fixture';

const URL_ = 'https://hooks.slack.com/services/T000/B000/SECRETSECRETSECRET';

test('no channel configured: []', async () => {
  expect(await notify(notifyInput('fixed'), {})).toEqual([]);
  expect(await notify(notifyInput('fixed'), { slackWebhookUrl: async () => undefined, topicArn: '' })).toEqual([]);
});

test('a hanging webhook times out and reports without the URL', async () => {
  const hanging = ((_: unknown, init?: RequestInit) =>
    new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)))) as typeof fetch;
  const out = await notify(notifyInput('fixed'), { slackWebhookUrl: async () => URL_, fetch: hanging, timeoutMs: 50 });
  expect(out).toEqual([{ channel: 'slack', delivered: false, error: 'Slack webhook timed out after 50 ms' }]);
});

test('a network error is reported without the URL', async () => {
  const failing = (async () => {
    throw new TypeError(`fetch failed for ${URL_}`, { cause: new Error(`connect ECONNREFUSED ${URL_}`) });
  }) as typeof fetch;
  const [d] = await notify(notifyInput('fixed'), { slackWebhookUrl: async () => URL_, fetch: failing });
  expect(d?.delivered).toBe(false);
  expect(d?.error).toContain('fetch failed');
  expect(d?.error).not.toContain('hooks.slack.com');
  expect(d?.error).not.toContain('SECRET');
});

test('a failing URL provider is a failed delivery, not a throw', async () => {
  const out = await notify(notifyInput('fixed'), { slackWebhookUrl: async () => { throw new Error('AccessDeniedException: no'); } });
  expect(out).toEqual([{ channel: 'slack', delivered: false, error: 'Slack webhook URL unavailable: AccessDeniedException: no' }]);
});

test('safeError redacts URLs and given secrets', () => {
  expect(safeError(new Error('boom http://127.0.0.1:9/x'))).toBe('boom <url>');
  expect(safeError('token abc123 here', ['abc123'])).toBe('token <redacted> here');
});

test('parseWebhookUrl: bare, JSON, https only except local http', () => {
  expect(parseWebhookUrl(` ${URL_} `)).toBe(URL_);
  expect(parseWebhookUrl(JSON.stringify({ url: URL_ }))).toBe(URL_);
  expect(parseWebhookUrl('http://127.0.0.1:8123/hook')).toBe('http://127.0.0.1:8123/hook');
  expect(parseWebhookUrl('http://localhost/hook')).toBe('http://localhost/hook');
  expect(() => parseWebhookUrl('http://hooks.slack.com/services/x')).toThrow('must be https');
  expect(() => parseWebhookUrl('http://127.0.0.1.evil.example/x')).toThrow('must be https');
  expect(() => parseWebhookUrl('{"token":"x"}')).toThrow('no string "url"');
  expect(() => parseWebhookUrl('{not json')).toThrow('neither a URL nor JSON');
  try {
    parseWebhookUrl('not a url SECRET');
  } catch (e) {
    expect(String(e)).not.toContain('SECRET');
  }
});
