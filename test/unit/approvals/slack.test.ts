// slack.ts and bot-token.ts against a local fake Slack (local/fake-slack.ts): real HTTP on 127.0.0.1,
// no mocks, nothing leaves the machine.
import { clearBotTokenCache, parseBotToken } from '../../../functions/approvals/bot-token';
import { postMessage, postWebhook, slackApiUrl, updateMessage, updateViaResponseUrl } from '../../../functions/notify/slack-api';
import { startFakeSlack, type FakeSlack } from '../../../local/fake-slack';

const TOKEN = 'xoxb-1111-2222-SeCrEtBoTtOkEn';
const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'hi' } }];
let slack: FakeSlack;

beforeAll(async () => {
  slack = await startFakeSlack({ token: TOKEN, channels: { '#payments-alerts': 'C0PAYMENTS' } });
});
afterAll(() => slack.close());
beforeEach(() => {
  slack.reset();
  clearBotTokenCache();
});

const deps = () => ({ apiUrl: slack.apiUrl, timeoutMs: 1000 });

describe('postMessage', () => {
  test('POSTs JSON to chat.postMessage with the bot token as a Bearer header; returns ts and channel ID', async () => {
    const res = await postMessage({ token: TOKEN, channel: '#payments-alerts', text: 'Approval needed', blocks }, deps());
    expect(res).toEqual({ ok: true, ts: expect.stringMatching(/^\d+\.\d{6}$/), channel: 'C0PAYMENTS' });
    const [req, ...rest] = slack.received;
    expect(rest).toEqual([]);
    expect(req).toMatchObject({ method: 'POST', path: '/api/chat.postMessage' });
    expect(req!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req!.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(req!.json).toEqual({ channel: '#payments-alerts', text: 'Approval needed', blocks, unfurl_links: false, unfurl_media: false });
    expect(req!.body).not.toContain(TOKEN); // the token travels only in the header
  });

  test('Slack ok:false comes back as the Slack error, never thrown', async () => {
    slack.failMethod('chat.postMessage', 'not_in_channel');
    expect(await postMessage({ token: TOKEN, channel: '#x', text: 't', blocks }, deps())).toEqual({ ok: false, error: 'not_in_channel' });
    expect(await postMessage({ token: 'xoxb-wrong', channel: '#x', text: 't', blocks }, deps())).toEqual({ ok: false, error: 'invalid_auth' });
  });

  test('a hanging Slack times out', async () => {
    slack.setHang(true);
    const started = Date.now();
    const res = await postMessage({ token: TOKEN, channel: '#x', text: 't', blocks }, { apiUrl: slack.apiUrl, timeoutMs: 200 });
    expect(res).toEqual({ ok: false, error: 'timeout after 200 ms' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('HTTP 429, HTTP 500 and a refused connection: errors without the token', async () => {
    slack.setStatus(429); // no Retry-After header: Slack's pace, 1 s
    expect(await postMessage({ token: TOKEN, channel: '#x', text: 't', blocks }, deps())).toEqual({ ok: false, error: 'ratelimited (retry after 1 s)', retryAfterSeconds: 1 });
    slack.setStatus(undefined);
    slack.rateLimit(1, 7);
    expect(await postMessage({ token: TOKEN, channel: '#x', text: 't', blocks }, deps())).toEqual({ ok: false, error: 'ratelimited (retry after 7 s)', retryAfterSeconds: 7 });
    expect((await postMessage({ token: TOKEN, channel: '#x', text: 't', blocks }, deps())).ok).toBe(true);
    slack.setStatus(500);
    const five = await postMessage({ token: TOKEN, channel: '#x', text: 't', blocks }, deps());
    expect(five).toEqual({ ok: false, error: 'HTTP 500: not a Slack API answer: fake slack status 500' });
    const refused = await postMessage({ token: TOKEN, channel: '#x', text: 't', blocks }, { apiUrl: 'http://127.0.0.1:1/api', timeoutMs: 1000 });
    expect(refused.ok).toBe(false);
    expect(refused.error).toMatch(/^request failed: /);
    expect(JSON.stringify([five, refused])).not.toContain('SeCrEt');
  });

  test('the API URL: env SLACK_API_URL by default; plain http only to loopback (the token never goes out in clear)', async () => {
    expect(slackApiUrl(undefined, {})).toBe('https://slack.com/api');
    expect(slackApiUrl(undefined, { SLACK_API_URL: `${slack.apiUrl}/` })).toBe(slack.apiUrl);
    expect(() => slackApiUrl('http://slack.example.com/api')).toThrow('Slack API URL must be https (got http:)');
    let called = false;
    const fetchSpy = (async () => {
      called = true;
      throw new Error('must not be called');
    }) as unknown as typeof fetch;
    const res = await postMessage({ token: TOKEN, channel: '#x', text: 't', blocks }, { apiUrl: 'http://slack.example.com/api', fetch: fetchSpy });
    expect(res).toEqual({ ok: false, error: 'Slack API URL must be https (got http:)' });
    expect(called).toBe(false);
    const saved = process.env.SLACK_API_URL;
    process.env.SLACK_API_URL = slack.apiUrl;
    try {
      expect((await postMessage({ token: TOKEN, channel: '#x', text: 't', blocks })).ok).toBe(true);
    } finally {
      if (saved === undefined) delete process.env.SLACK_API_URL;
      else process.env.SLACK_API_URL = saved;
    }
  });
});

describe('updateMessage (chat.update)', () => {
  test('updates by channel ID and ts; a channel name is refused like Slack does', async () => {
    const posted = await postMessage({ token: TOKEN, channel: '#payments-alerts', text: 'v1', blocks }, deps());
    const res = await updateMessage({ token: TOKEN, channel: posted.channel!, ts: posted.ts!, text: 'Expired', blocks: [] }, deps());
    expect(res).toEqual({ ok: true, channel: 'C0PAYMENTS', ts: posted.ts });
    expect(slack.messages.get(posted.ts!)).toEqual({ channel: 'C0PAYMENTS', text: 'Expired', blocks: [] });
    const last = slack.received.at(-1)!;
    expect(last.path).toBe('/api/chat.update');
    expect(last.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(await updateMessage({ token: TOKEN, channel: '#payments-alerts', ts: posted.ts!, text: 'x', blocks: [] }, deps())).toEqual({ ok: false, error: 'channel_not_found' });
    expect(await updateMessage({ token: TOKEN, channel: 'C0PAYMENTS', ts: '1.2', text: 'x', blocks: [] }, deps())).toEqual({ ok: false, error: 'message_not_found' });
  });
});

describe('updateViaResponseUrl and postWebhook', () => {
  test('response_url: POSTs replace_original, no Authorization header', async () => {
    const res = await updateViaResponseUrl(slack.responseUrl, { text: 'Approved', blocks, replace_original: true }, { timeoutMs: 1000 });
    expect(res).toEqual({ ok: true });
    const req = slack.received.at(-1)!;
    expect(req.json).toEqual({ text: 'Approved', blocks, replace_original: true });
    expect(req.headers.authorization).toBeUndefined();
  });

  test('response_url failures never echo the URL (it is a credential)', async () => {
    slack.setStatus(404);
    const res = await updateViaResponseUrl(slack.responseUrl, { text: 't', blocks, replace_original: true }, { timeoutMs: 1000 });
    expect(res).toEqual({ ok: false, error: 'HTTP 404: fake slack status 404' });
    slack.setHang(true);
    const slow = await updateViaResponseUrl(slack.responseUrl, { text: 't', blocks, replace_original: true }, { timeoutMs: 150 });
    expect(slow).toEqual({ ok: false, error: 'timeout after 150 ms' });
    expect(await updateViaResponseUrl('not a url', { text: 't', blocks, replace_original: true })).toEqual({ ok: false, error: 'response_url is not a valid URL' });
    expect(await updateViaResponseUrl('http://hooks.example.com/x', { text: 't', blocks, replace_original: true })).toEqual({ ok: false, error: 'response_url must be https (got http:)' });
    const refused = await updateViaResponseUrl('http://127.0.0.1:1/response/T/1/secretpart', { text: 't', blocks, replace_original: true });
    expect(refused.ok).toBe(false);
    expect(refused.error).not.toContain('secretpart');
  });

  test('incoming webhook: same body; errors without the URL', async () => {
    expect(await postWebhook(slack.webhookUrl, { text: 't', blocks }, { timeoutMs: 1000 })).toEqual({ ok: true });
    expect(slack.received.at(-1)!.json).toEqual({ text: 't', blocks });
    slack.setStatus(404);
    const res = await postWebhook(slack.webhookUrl, { text: 't', blocks }, { timeoutMs: 1000 });
    expect(res).toEqual({ ok: false, error: 'webhook HTTP 404: fake slack status 404' });
    expect(JSON.stringify(res)).not.toContain('fakewebhooksecret');
  });
});

describe('parseBotToken', () => {
  test('bare token or JSON {"token": ...}', () => {
    expect(parseBotToken(` ${TOKEN}\n`)).toBe(TOKEN);
    expect(parseBotToken(JSON.stringify({ token: TOKEN }))).toBe(TOKEN);
    expect(parseBotToken('xoxe.xoxb-1-rotated')).toBe('xoxe.xoxb-1-rotated');
  });

  test.each([
    ['{"token": 1}', 'Slack bot token secret JSON has no string "token"'],
    ['{not json secretvalue', 'Slack bot token secret is neither a token nor JSON {"token": ...}'],
    ['hunter2-secretvalue', 'Slack bot token secret does not hold a Slack token (xoxb-…)'],
  ])('%s is refused without echoing the value', (secret, message) => {
    expect(() => parseBotToken(secret)).toThrow(message);
    try {
      parseBotToken(secret);
    } catch (err) {
      expect((err as Error).message).not.toContain('secretvalue');
    }
  });
});

describe('infra/slack-app-manifest.yaml', () => {
  test('asks for exactly the bot scopes the code uses, with interactivity on and the bot named Warden', async () => {
    const { readFileSync } = await import('node:fs');
    const { parse } = await import('yaml');
    const m = parse(readFileSync(new URL('../../../infra/slack-app-manifest.yaml', import.meta.url), 'utf8')) as Record<string, any>;
    expect(m._metadata).toEqual({ major_version: 1, minor_version: 1 });
    expect(m.display_information.name).toBe('Warden');
    expect(m.display_information.description.length).toBeLessThanOrEqual(140);
    expect(m.features.bot_user.display_name).toBe('Warden');
    expect(m.oauth_config.scopes).toEqual({ bot: ['chat:write', 'chat:write.public', 'usergroups:read'] });
    expect(m.settings.interactivity.is_enabled).toBe(true);
    expect(m.settings.interactivity.request_url).toMatch(/^https:\/\/.+\/slack\/interactions$/);
    expect(m.settings.socket_mode_enabled).toBe(false);
  });
});

describe('fake Slack: usergroups.users.list', () => {
  test('answers members of a known group (form-encoded, as usergroups.ts sends it), no_such_subteam otherwise', async () => {
    const fake = await startFakeSlack({ groups: { S0SRE: ['U0ALICE', 'U0BOB'] } });
    try {
      const call = async (group: string) =>
        (await fetch(`${fake.apiUrl}/usergroups.users.list`, {
          method: 'POST',
          headers: { authorization: 'Bearer xoxb-1', 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ usergroup: group }).toString(),
        })).json();
      expect(await call('S0SRE')).toEqual({ ok: true, users: ['U0ALICE', 'U0BOB'] });
      expect(await call('S0NONE')).toEqual({ ok: false, error: 'no_such_subteam' });
    } finally {
      await fake.close();
    }
  });
});
