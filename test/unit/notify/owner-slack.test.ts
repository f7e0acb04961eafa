// Notifications to the owner's channel (chat.postMessage with the bot token): the fallback channel when the owner's
// refuses the bot, and Slack's rate limit (HTTP 429 + Retry-After). Against the local fake Slack (real HTTP on
// 127.0.0.1); the clock and the sleep are injected, so a Retry-After costs no real time.
import { WardenError } from '../../../functions/aws/errors';
import { postToOwner, redirectLine, WAIT_BUDGET_MS } from '../../../functions/notify/owner-slack';
import { notify } from '../../../functions/notify/send';
import { slackMessage } from '../../../functions/notify/slack-message';
import { startFakeSlack, type FakeSlack } from '../../../local/fake-slack';
import { notifyInput } from './fixture';

const TOKEN = 'xoxb-1111-2222-OwNeRtOkEn';
let slack: FakeSlack;
let t = 0;
let sleeps: number[] = [];

beforeAll(async () => {
  slack = await startFakeSlack({ token: TOKEN });
});
afterAll(() => slack.close());
beforeEach(() => {
  slack.reset();
  slack.messages.clear();
  t = 1_000_000;
  sleeps = [];
});

const clock = { now: () => t, sleep: async (ms: number) => { sleeps.push(ms); t += ms; } };
const deps = (over: Partial<Parameters<typeof postToOwner>[2]> = {}) =>
  ({ token: TOKEN, fallback: '#security-alerts', slack: { apiUrl: slack.apiUrl, timeoutMs: 2000 }, ...clock, ...over });
const input = notifyInput('fixed', { owner: 'team-payments', channel: '#team-payments' });
const message = slackMessage(input);
const posted = () => slack.received.map((r) => r.json?.channel);

test("the owner's channel through chat.postMessage, with the Block Kit message", async () => {
  expect(await postToOwner('#team-payments', message, deps())).toEqual({ channel: 'slack', delivered: true, via: 'api', to: '#team-payments' });
  const [req, ...rest] = slack.received;
  expect(rest).toEqual([]);
  expect(req).toMatchObject({ path: '/api/chat.postMessage', json: { channel: '#team-payments', text: message.text, blocks: message.blocks } });
  expect(req!.headers.authorization).toBe(`Bearer ${TOKEN}`);
});

test.each([
  ['not_in_channel', 'could not post to #team-payments: not_in_channel — invite the Warden app there'],
  ['channel_not_found', "could not post to #team-payments: channel_not_found — check the name in the policy's owners.channels, or invite the Warden app (private channels)"],
  ['is_archived', "could not post to #team-payments: is_archived — the channel is archived: point the policy's owners.channels at a live one"],
])('%s: the message goes to the fallback channel, saying why; the delivery names the channel that got it', async (error, line) => {
  slack.failChannel('#team-payments', error);
  const out = await postToOwner('#team-payments', message, deps());
  expect(out).toEqual({ channel: 'slack', delivered: true, via: 'api', to: '#security-alerts', fallbackFrom: { channel: '#team-payments', error } });
  expect(redirectLine('#team-payments', error)).toBe(line);
  expect(posted()).toEqual(['#team-payments', '#security-alerts']);
  const redirected = slack.received[1]!.json as { text: string; blocks: unknown[] };
  expect(redirected.text).toBe(`${line}\n${message.text}`);
  // The header stays first; the reason right under it; then the usual layout, unchanged.
  expect(redirected.blocks[0]).toEqual(message.blocks[0]);
  expect(redirected.blocks[1]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: `:warning: ${line}` }] });
  expect(redirected.blocks.slice(2)).toEqual(message.blocks.slice(1));
});

test('the fallback refusing too: not delivered, both channels and errors in the record', async () => {
  slack.failChannel('#team-payments', 'not_in_channel');
  slack.failChannel('#security-alerts', 'is_archived');
  expect(await postToOwner('#team-payments', message, deps())).toEqual({
    channel: 'slack', delivered: false, via: 'api', to: '#security-alerts',
    fallbackFrom: { channel: '#team-payments', error: 'not_in_channel' }, error: 'chat.postMessage to #security-alerts failed: is_archived',
  });
});

test('no redirect for other errors, nor when the channel already is the fallback', async () => {
  expect(await postToOwner('#team-payments', message, deps({ token: 'xoxb-revoked' }))).toEqual({
    channel: 'slack', delivered: false, via: 'api', to: '#team-payments', error: 'chat.postMessage to #team-payments failed: invalid_auth',
  });
  slack.failChannel('#security-alerts', 'not_in_channel');
  expect(await postToOwner('#security-alerts', message, deps())).toMatchObject({ delivered: false, to: '#security-alerts', error: 'chat.postMessage to #security-alerts failed: not_in_channel' });
  expect(posted()).toEqual(['#team-payments', '#security-alerts']);
});

test('HTTP 429: waits Retry-After (no real sleep), then posts once', async () => {
  slack.rateLimit(1, 2);
  expect(await postToOwner('#team-payments', message, deps())).toEqual({ channel: 'slack', delivered: true, via: 'api', to: '#team-payments' });
  expect(sleeps).toEqual([2000]);
  expect(posted()).toEqual(['#team-payments', '#team-payments']);
  expect(slack.messages.size).toBe(1);
});

test("429s past the invocation's wait budget: Warden.Throttled (the state machine retries), nothing posted", async () => {
  expect(WAIT_BUDGET_MS).toBeLessThanOrEqual(10_000);
  slack.rateLimit(5, 4); // 4 s, 4 s, and a third 4 s would pass the 10 s budget
  const err = await postToOwner('#team-payments', message, deps()).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WardenError);
  expect((err as Error).name).toBe('Warden.Throttled');
  expect((err as Error).message).toContain('#team-payments');
  expect(sleeps).toEqual([4000, 4000]);
  expect(slack.messages.size).toBe(0);
  // One Retry-After longer than the whole budget: no wait at all.
  slack.reset();
  sleeps = [];
  slack.rateLimit(1, 30);
  await expect(postToOwner('#team-payments', message, deps())).rejects.toThrow('retry after 30 s');
  expect(sleeps).toEqual([]);
});

test('the budget is shared by the fallback post', async () => {
  slack.failChannel('#team-payments', 'not_in_channel');
  slack.rateLimit(3, 3, '#security-alerts'); // 3 + 3 + 3 = 9 s within 10 s; the fourth post goes through
  expect(await postToOwner('#team-payments', message, deps())).toMatchObject({ delivered: true, to: '#security-alerts' });
  expect(sleeps).toEqual([3000, 3000, 3000]);
  slack.reset();
  slack.failChannel('#team-payments', 'not_in_channel');
  slack.rateLimit(4, 3, '#security-alerts');
  await expect(postToOwner('#team-payments', message, deps())).rejects.toMatchObject({ name: 'Warden.Throttled' });
});

describe('notify(): the bot token decides the way', () => {
  const webhook = { slackWebhookUrl: async () => `${slack.url}/hooks/T000/B000/secret` };
  const api = () => ({ slackApi: { apiUrl: slack.apiUrl, ...clock }, fallbackChannel: '#security-alerts' });

  test("with a token: the run's channel through the API, never the webhook", async () => {
    const out = await notify(input, { ...webhook, ...api(), slackBotToken: async () => TOKEN });
    expect(out).toEqual([{ channel: 'slack', delivered: true, via: 'api', to: '#team-payments' }]);
    expect(slack.received.map((r) => r.path)).toEqual(['/api/chat.postMessage']);
  });

  test('without one: the webhook, exactly as before (same body, same delivery record)', async () => {
    const out = await notify(input, { ...webhook, ...api(), slackBotToken: async () => undefined });
    expect(out).toEqual([{ channel: 'slack', delivered: true }]);
    expect(slack.received.map((r) => r.path)).toEqual(['/hooks/T000/B000/secret']);
    expect(slack.received[0]!.json).toEqual(message);
  });

  test('a token that cannot be read: not delivered, said why; Secrets Manager throttling is Warden.Throttled', async () => {
    const denied = await notify(input, { ...webhook, ...api(), slackBotToken: async () => { throw Object.assign(new Error('no'), { name: 'AccessDeniedException' }); } });
    expect(denied).toEqual([{ channel: 'slack', delivered: false, error: 'Slack bot token unavailable: AccessDeniedException: no' }]);
    const throttled = notify(input, { ...webhook, ...api(), slackBotToken: async () => { throw Object.assign(new Error('slow down'), { name: 'ThrottlingException' }); } });
    await expect(throttled).rejects.toMatchObject({ name: 'Warden.Throttled' });
    expect(slack.received).toEqual([]);
  });
});

test('Notify giving up after every retry on the rate limit: the audit record says the owner was not told', async () => {
  const { toRecord } = await import('../../../functions/domain/state');
  const { defaultPolicy } = await import('../../../functions/domain/policy');
  const { mode: _m, outcome: _o, channel: _c, owner: _w, plan: _p, applied: _a, verified: _v, ...context } = input;
  const state = { context, policy: defaultPolicy(), outcome: 'fixed' as const };
  expect(toRecord({ ...state, notifyError: { Error: 'Warden.Throttled', Cause: '{}' } }).notifications).toEqual([
    { channel: 'slack', delivered: false, error: 'Warden.Throttled: Slack kept rate-limiting through every retry' },
  ]);
  expect(toRecord({ ...state, notified: { result: [{ channel: 'sns', delivered: true }] } }).notifications).toEqual([{ channel: 'sns', delivered: true }]);
  expect(toRecord(state).notifications).toBeUndefined();
});

test("a burst on one channel: the runs Slack refuses throw, their retries post them; each message lands once", async () => {
  const runs = [1, 2, 3, 4, 5].map((n) => notifyInput('fixed', { id: `run-${n}`, owner: 'team-payments', channel: '#team-payments' }));
  const deps = { slackBotToken: async () => TOKEN, slackApi: { apiUrl: slack.apiUrl, ...clock }, fallbackChannel: '#security-alerts' };
  slack.rateLimit(3, 30, '#team-payments'); // three of the five are refused, for longer than one attempt may wait
  const first = await Promise.allSettled(runs.map((r) => notify(r, deps)));
  const refused = runs.filter((_, i) => first[i]!.status === 'rejected');
  expect(refused).toHaveLength(3);
  expect(first.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.name)).toEqual(['Warden.Throttled', 'Warden.Throttled', 'Warden.Throttled']);
  // The state machine's Retry, later: every refused run posts now.
  for (const r of refused) expect(await notify(r, deps)).toEqual([{ channel: 'slack', delivered: true, via: 'api', to: '#team-payments' }]);
  const ids = [...slack.messages.values()].map((m) => /Execution: (run-\d)/.exec(JSON.stringify(m.blocks))![1]).sort();
  expect(ids).toEqual(['run-1', 'run-2', 'run-3', 'run-4', 'run-5']);
});
