// Integration: the approval request step against a real moto server (DynamoDB approvals table, Secrets Manager)
// and a local fake Slack (local/fake-slack.ts) posing as the Web API and an incoming webhook.
// No mocks; nothing here can reach real AWS or Slack (moto and the fake listen on 127.0.0.1).
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { clearBotTokenCache, slackBotToken } from '../../functions/approvals/bot-token';
import { markExpired } from '../../functions/approvals/expire';
import { APPROVE_ACTION_ID, DENY_ACTION_ID } from '../../functions/approvals/messages';
import { newApprovalId, requestApproval, type RequestDeps, type RequestInput } from '../../functions/approvals/request';
import { decide, getApproval } from '../../functions/approvals/store';
import { resetClients } from '../../functions/aws/client-cache';
import { handler as expireHandler } from '../../functions/handlers/expire-approval';
import { handler as requestHandler } from '../../functions/handlers/request-approval';
import { startFakeSlack, type FakeSlack } from '../../local/fake-slack';
import { startMoto, useEmulator, type Moto } from '../../local/moto';
import { fakeContext } from '../../local/state-machine';
import { clearWebhookCache, slackWebhookUrl } from '../../functions/notify/webhook-secret';
import { logger } from '../../functions/runtime/logger';
import { EXECUTION_ARN, TASK_TOKEN, approvalState } from '../unit/approvals/request-fixture';

const BOT_TOKEN = 'xoxb-9999-8888-TopSecretBotToken';
const tableName = 'warden-approvals';
const NOW = Date.parse('2026-11-20T10:00:05Z');
let moto: Moto;
let slack: FakeSlack;
let dynamodb: DynamoDBClient;
let sm: SecretsManagerClient;
let tokenArn: string;
let webhookArn: string;
const saved = { ...process.env };

beforeAll(async () => {
  moto = await startMoto();
  useEmulator(moto.endpoint);
  resetClients();
  slack = await startFakeSlack({ token: BOT_TOKEN, channels: { '#payments-alerts': 'C0PAYMENTS', '#sec-escalations': 'C0ESCALATE' } });
  dynamodb = new DynamoDBClient({ endpoint: moto.endpoint });
  sm = new SecretsManagerClient({ endpoint: moto.endpoint });
  await dynamodb.send(new CreateTableCommand({
    TableName: tableName,
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }, { AttributeName: 'remediationId', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    // As in template.yaml: the run's approvals, for expiry.
    GlobalSecondaryIndexes: [{ IndexName: 'ByRemediation', KeySchema: [{ AttributeName: 'remediationId', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } }],
    BillingMode: 'PAY_PER_REQUEST',
  }));
  tokenArn = (await sm.send(new CreateSecretCommand({ Name: 'warden/slack-bot-token', SecretString: JSON.stringify({ token: BOT_TOKEN }) }))).ARN!;
  webhookArn = (await sm.send(new CreateSecretCommand({ Name: 'warden/slack-webhook', SecretString: slack.webhookUrl }))).ARN!;
});

afterAll(async () => {
  await slack?.close();
  await moto?.stop();
  process.env = saved;
  resetClients();
});

beforeEach(() => {
  slack.reset();
  clearBotTokenCache();
  clearWebhookCache();
});

const store = { dynamodb: () => dynamodb, tableName };
const deps = (over: Partial<RequestDeps> = {}): RequestDeps => ({
  dynamodb,
  tableName,
  botToken: () => slackBotToken(tokenArn, { client: sm }),
  webhookUrl: () => slackWebhookUrl(webhookArn, { client: sm }),
  slack: { apiUrl: slack.apiUrl, timeoutMs: 500 },
  now: () => NOW,
  ...over,
});
let runs = 0;
/** A state for a run of its own (run-level expiry must not see other tests' approvals). */
const runState = () => {
  const state = approvalState();
  state.context.id = `run-${++runs}-${Math.random().toString(36).slice(2, 8)}`;
  return state;
};
const input = (over: Partial<RequestInput> = {}): RequestInput => ({
  state: runState(), taskToken: TASK_TOKEN, executionArn: EXECUTION_ARN, stage: 'initial', ...over,
});
const get = (id: string) => getApproval(id, { dynamodb, tableName });

describe('requestApproval', () => {
  test('stores the record with the token, posts the message without it, and saves the ts', async () => {
    const out = await requestApproval(input(), deps());
    expect(out).toEqual({
      approvalId: expect.stringMatching(/^[A-Z2-7]{16}$/),
      channel: 'C0PAYMENTS',
      messageTs: expect.stringMatching(/^\d+\.\d{6}$/),
      posted: true,
      via: 'api',
      expiresAt: Math.floor(NOW / 1000) + 1800,
    });
    const rec = await get(out.approvalId);
    expect(rec).toMatchObject({
      id: out.approvalId,
      taskToken: TASK_TOKEN,
      executionArn: EXECUTION_ARN,
      remediationId: expect.stringMatching(/^run-/),
      stage: 'initial',
      control: 'ecs-service-public-ip',
      severity: 'HIGH',
      resourceType: 'AWS::ECS::Service',
      resourceId: 'arn:aws:ecs:eu-west-1:444455556666:service/prod/web',
      action: 'disable-service-public-ip',
      steps: ['update-service prod/web: assignPublicIp ENABLED -> DISABLED (new deployment)'],
      requester: 'arn:aws:sts::444455556666:assumed-role/dev/alice',
      changedAt: '2026-11-20T10:00:00Z',
      approvers: ['U0ALICE', 'S0SRE'], // byEnvironment.prod via the Environment tag
      channel: '#payments-alerts',
      status: 'pending',
      createdAt: '2026-11-20T10:00:05.000Z',
      expiresAt: out.expiresAt,
      messageTs: out.messageTs,
      channelId: 'C0PAYMENTS',
    });

    const [post, ...rest] = slack.received;
    expect(rest).toEqual([]);
    expect(post!.path).toBe('/api/chat.postMessage');
    expect(post!.headers.authorization).toBe(`Bearer ${BOT_TOKEN}`);
    expect(post!.json!.channel).toBe('#payments-alerts');
    expect(post!.body).not.toContain(TASK_TOKEN);
    expect(post!.body).not.toContain('x9TokenSecretPart');
    expect(post!.body).not.toContain(BOT_TOKEN);
    const buttons = (post!.json!.blocks as { type: string; elements?: { action_id: string; value: string }[] }[]).find((b) => b.type === 'actions')!.elements!;
    expect(buttons.map((b) => [b.action_id, b.value])).toEqual([[APPROVE_ACTION_ID, out.approvalId], [DENY_ACTION_ID, out.approvalId]]);
  });

  test('escalated: goes to the escalation channel with the escalation deadline', async () => {
    const out = await requestApproval(input({ stage: 'escalated' }), deps());
    expect(out).toMatchObject({ channel: 'C0ESCALATE', posted: true, expiresAt: Math.floor(NOW / 1000) + 900 });
    expect(await get(out.approvalId)).toMatchObject({ stage: 'escalated', channel: '#sec-escalations', status: 'pending' });
    const body = slack.received[0]!.json!;
    expect(body.channel).toBe('#sec-escalations');
    expect(String(body.text)).toMatch(/^Escalated: approval needed/);
  });

  test('Slack down: posted:false with the reason, the approval still stands (the CLI can decide it)', async () => {
    slack.setStatus(503);
    const out = await requestApproval(input(), deps());
    expect(out).toMatchObject({ posted: false, via: 'api', error: 'chat.postMessage failed: HTTP 503: not a Slack API answer: fake slack status 503' });
    expect(out.messageTs).toBeUndefined();
    const rec = await get(out.approvalId);
    expect(rec).toMatchObject({ status: 'pending', taskToken: TASK_TOKEN, channel: '#payments-alerts' });
    expect(rec!.messageTs).toBeUndefined();

    slack.setStatus(undefined);
    slack.setHang(true);
    const slow = await requestApproval(input(), deps());
    expect(slow).toMatchObject({ posted: false, error: 'chat.postMessage failed: timeout after 500 ms' });
    expect(await get(slow.approvalId)).toMatchObject({ status: 'pending' });
  });

  test('Slack answers ok:false: posted:false with the Slack error', async () => {
    slack.failMethod('chat.postMessage', 'channel_not_found');
    const out = await requestApproval(input(), deps());
    expect(out).toMatchObject({ posted: false, error: 'chat.postMessage failed: channel_not_found', channel: '#payments-alerts' });
    expect(await get(out.approvalId)).toMatchObject({ status: 'pending' });
  });

  test('a bot-token secret that cannot be read: posted:false, record stored', async () => {
    const out = await requestApproval(input(), deps({ botToken: () => slackBotToken(`${tokenArn}-missing`, { client: sm }) }));
    expect(out.posted).toBe(false);
    expect(out.error).toMatch(/^Slack bot token unavailable: /);
    expect(await get(out.approvalId)).toMatchObject({ status: 'pending' });
  });

  test('no bot token: the incoming webhook gets the same blocks (no ts); neither: posted:false', async () => {
    const out = await requestApproval(input(), deps({ botToken: async () => undefined }));
    expect(out).toMatchObject({ posted: true, via: 'webhook', channel: '#payments-alerts' });
    expect(out.messageTs).toBeUndefined();
    const [hook] = slack.received;
    expect(hook!.path).toBe('/hooks/T000/B000/fakewebhooksecret');
    expect(hook!.headers.authorization).toBeUndefined();
    expect(JSON.stringify(hook!.json)).toContain(`"value":"${out.approvalId}"`);
    expect(hook!.body).not.toContain(TASK_TOKEN);

    const none = await requestApproval(input(), deps({ botToken: async () => undefined, webhookUrl: async () => undefined }));
    expect(none).toMatchObject({ posted: false, error: 'Slack is not configured (no bot token, no webhook)' });
    expect(await get(none.approvalId)).toMatchObject({ status: 'pending' });
  });

  test('DynamoDB failure throws (the state machine retries) and nothing is posted', async () => {
    await expect(requestApproval(input(), deps({ tableName: 'no-such-table' }))).rejects.toThrow(/ResourceNotFound|not found|non-existent/i);
    expect(slack.received).toEqual([]);
  });

  test('an approval id chosen by the state machine is used; a malformed one is refused; a taken one throws', async () => {
    const out = await requestApproval(input({ approvalId: '0b7e6a52-3c1d-4e8f-9a0b-1c2d3e4f5a6b' }), deps());
    expect(out.approvalId).toBe('0b7e6a52-3c1d-4e8f-9a0b-1c2d3e4f5a6b');
    await expect(requestApproval(input({ approvalId: '0b7e6a52-3c1d-4e8f-9a0b-1c2d3e4f5a6b' }), deps())).rejects.toThrow(/conditional/i);
    await expect(requestApproval(input({ approvalId: 'bad id <!channel>' }), deps())).rejects.toThrow('approvalId must be');
    expect(new Set(Array.from({ length: 200 }, newApprovalId)).size).toBe(200);
  });

  test('no plan in the state: refused before anything is stored', async () => {
    const state = approvalState();
    delete state.live;
    await expect(requestApproval(input({ state }), deps())).rejects.toMatchObject({ name: 'Warden.NoPlan' });
    expect(slack.received).toEqual([]);
  });
});

describe('markExpired', () => {
  test('one approval: marks it expired and turns the Slack message into "Expired" (chat.update by channel ID)', async () => {
    const req = await requestApproval(input({ state: runState() }), deps());
    slack.clear();
    const later = NOW + 1801_000;
    const out = await markExpired({ approvalId: req.approvalId }, { ...deps(), now: () => later });
    expect(out).toEqual({ expired: 1, updated: 1, approvals: [{ approvalId: req.approvalId, expired: true, status: 'expired', updated: true }] });
    expect(await get(req.approvalId)).toMatchObject({ status: 'expired', decidedBy: 'warden:timeout', decidedAt: new Date(later).toISOString() });
    const [update, ...rest] = slack.received;
    expect(rest).toEqual([]);
    expect(update!.path).toBe('/api/chat.update');
    expect(update!.json).toMatchObject({ channel: 'C0PAYMENTS', ts: req.messageTs });
    expect(String(slack.messages.get(req.messageTs!)!.text)).toMatch(/^Expired: /);
    expect(JSON.stringify(slack.messages.get(req.messageTs!)!.blocks)).not.toContain('"type":"actions"');

    // Once only: a second expiry (a retry) changes nothing and sends nothing.
    slack.clear();
    const again = await markExpired({ approvalId: req.approvalId }, { ...deps(), now: () => later });
    expect(again).toMatchObject({ expired: 0, updated: 0, approvals: [{ expired: false, why: 'expired', status: 'expired' }] });
    expect(slack.received).toEqual([]);
  });

  test('the whole run (the state machine passes the state): every pending approval expires, decided ones stay', async () => {
    const state = runState();
    const first = await requestApproval(input({ state }), deps());
    const second = await requestApproval(input({ state }), deps()); // e.g. a retried task
    const decided = await requestApproval(input({ state }), deps());
    await decide(decided.approvalId, { status: 'denied', decidedBy: 'U0ALICE', decidedAt: '2026-11-20T10:01:00Z' }, { dynamodb, tableName, now: () => NOW });
    const other = await requestApproval(input({ state: runState() }), deps());
    slack.clear();
    const out = await markExpired({ state }, deps());
    expect(out).toMatchObject({ remediationId: state.context.id, expired: 2, updated: 2 });
    const byId = Object.fromEntries(out.approvals.map((a) => [a.approvalId, a]));
    expect(byId[first.approvalId]).toMatchObject({ expired: true, updated: true });
    expect(byId[second.approvalId]).toMatchObject({ expired: true, updated: true });
    expect(byId[decided.approvalId]).toEqual({ approvalId: decided.approvalId, expired: false, why: 'already-decided', status: 'denied', updated: false });
    expect(byId[other.approvalId]).toBeUndefined();
    expect(await get(other.approvalId)).toMatchObject({ status: 'pending' });
    expect(slack.received.map((r) => r.path)).toEqual(['/api/chat.update', '/api/chat.update']);
  });

  test('escalating expires the owner-channel request first, then asks the escalation channel', async () => {
    const state = runState();
    const initial = await requestApproval(input({ state }), deps());
    slack.clear();
    const escalated = await requestApproval(input({ state, stage: 'escalated' }), deps({ now: () => NOW + 1800_000 }));
    expect(await get(initial.approvalId)).toMatchObject({ status: 'expired' });
    expect(await get(escalated.approvalId)).toMatchObject({ status: 'pending', stage: 'escalated' });
    expect(slack.received.map((r) => r.path)).toEqual(['/api/chat.update', '/api/chat.postMessage']);
    expect(String(slack.messages.get(initial.messageTs!)!.text)).toMatch(/^Expired: /);
    expect(JSON.stringify(slack.messages.get(initial.messageTs!)!.blocks)).toContain('The request was escalated.');
  });

  test('unknown id: reported, not thrown; Slack down: expired anyway, updated:false', async () => {
    expect(await markExpired({ approvalId: 'NOSUCHAPPROVAL00' }, deps())).toEqual({
      expired: 0, updated: 0, approvals: [{ approvalId: 'NOSUCHAPPROVAL00', expired: false, why: 'unknown', updated: false }],
    });
    const req = await requestApproval(input({ state: runState() }), deps());
    slack.setStatus(500);
    const out = await markExpired({ approvalId: req.approvalId }, deps());
    expect(out.approvals[0]).toMatchObject({ expired: true, updated: false, error: expect.stringMatching(/^chat.update failed: HTTP 500/) });
    expect(await get(req.approvalId)).toMatchObject({ status: 'expired' });
  });

  test('webhook-posted approvals expire without a message update', async () => {
    const req = await requestApproval(input({ state: runState() }), deps({ botToken: async () => undefined }));
    const out = await markExpired({ approvalId: req.approvalId }, deps());
    expect(out.approvals[0]).toMatchObject({ expired: true, updated: false, error: 'no Slack message ts saved (webhook post, or the post failed)' });
  });
});

describe('the Lambda handlers, and the logs', () => {
  test('handlers read their config from env; no token, bot token or webhook URL ever reaches the log output', async () => {
    const lines: string[] = [];
    const capture = (chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    };
    const writes = { out: process.stdout.write, err: process.stderr.write };
    process.stdout.write = capture as typeof process.stdout.write;
    process.stderr.write = capture as typeof process.stderr.write;
    logger.setLogLevel('DEBUG');
    Object.assign(process.env, {
      APPROVALS_TABLE: tableName,
      SLACK_BOT_TOKEN_SECRET_ARN: tokenArn,
      SLACK_WEBHOOK_SECRET_ARN: webhookArn,
      SLACK_API_URL: slack.apiUrl,
    });
    resetClients();
    try {
      const payload = { ...input(), state: runState() };
      // Through the handlers (config from env). The Powertools middleware resets the level per invocation.
      const posted = await requestHandler(payload, fakeContext('RequestApprovalFunction'));
      expect(posted).toMatchObject({ posted: true, via: 'api', channel: 'C0PAYMENTS' });
      // ExpireApproval's Payload is the whole state ("Payload.$": "$").
      const expired = await expireHandler(payload.state, fakeContext('ExpireApprovalFunction'));
      expect(expired).toMatchObject({ remediationId: payload.state.context.id, expired: 1, updated: 1 });
      // Every logging path at DEBUG: posted, not posted, expired, the webhook.
      logger.setLogLevel('DEBUG');
      const again = await requestApproval(input(), deps());
      slack.setStatus(500);
      expect(await requestApproval(input(), deps())).toMatchObject({ posted: false });
      expect(await markExpired({ approvalId: again.approvalId }, deps())).toMatchObject({ expired: 1, updated: 0 });
      slack.setStatus(undefined);
      await requestApproval(input(), deps({ botToken: async () => undefined }));
    } finally {
      logger.setLogLevel((saved.POWERTOOLS_LOG_LEVEL as 'WARN' | undefined) ?? 'WARN');
      process.stdout.write = writes.out;
      process.stderr.write = writes.err;
      for (const k of ['APPROVALS_TABLE', 'SLACK_BOT_TOKEN_SECRET_ARN', 'SLACK_WEBHOOK_SECRET_ARN', 'SLACK_API_URL']) delete process.env[k];
      resetClients();
    }
    const logs = lines.join('');
    // The capture works: the request, the Slack failure and the expiry were all logged...
    expect(logs).toContain('"message":"approval requested"');
    expect(logs).toContain('"message":"approval requested, Slack message not posted"');
    expect(logs).toContain('"message":"approvals expired, with problems"');
    expect(logs).toContain('"via":"webhook"');
    // ...and no secret is in them.
    expect(logs).not.toContain(TASK_TOKEN);
    expect(logs).not.toContain('x9TokenSecretPart');
    expect(logs).not.toContain(BOT_TOKEN);
    expect(logs).not.toContain('TopSecretBotToken');
    expect(logs).not.toContain('fakewebhooksecret');
  });
});
