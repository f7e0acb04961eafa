// Integration: notify() against a real moto server (SNS, SQS, Secrets Manager) and a real local HTTP sink
// standing in for the Slack incoming webhook. No mocks. Nothing here can reach real AWS: the endpoint is
// a moto server on 127.0.0.1 started by this file, with dummy credentials.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateSecretCommand, DeleteSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import type { SlackMessage } from '../../functions/notify/slack-message';
import { notify } from '../../functions/notify/send';
import { clearWebhookCache, webhookUrlProvider } from '../../functions/notify/webhook-secret';
import { notifyInput } from '../unit/notify/fixture';
import { startFakeSlack } from '../../local/fake-slack';

import { freePort, startMoto as startSharedMoto, useEmulator } from '../../local/moto';
import { createQueue, receive } from '../support/sqs';

/** moto server from ./.venv on a free loopback port (local/moto.ts). */
async function startMoto(): Promise<{ url: string; stop: () => Promise<void> }> {
  const m = await startSharedMoto();
  return { url: m.endpoint, stop: m.stop };
}

interface Sink {
  url: string;
  requests: { method?: string; path?: string; headers: http.IncomingHttpHeaders; body: string }[];
  status: number;
  hang: boolean;
  close: () => Promise<void>;
}

/** A local HTTP server standing in for Slack: records each request, answers `status` (or never, if `hang`). */
async function startSink(): Promise<Sink> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      sink.requests.push({ method: req.method, path: req.url, headers: req.headers, body });
      if (sink.hang) return;
      res.writeHead(sink.status, { 'content-type': 'text/plain' }).end(sink.status === 200 ? 'ok' : 'no_service');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const sink: Sink = {
    url: `http://127.0.0.1:${port}/services/T000/B000/SECRETPATH`,
    requests: [],
    status: 200,
    hang: false,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
  return sink;
}
// ---------------------------------------------------------------------------------------------------

let moto: Awaited<ReturnType<typeof startMoto>>;
let sink: Sink;
let snsClient: SNSClient;
let secrets: SecretsManagerClient;
let topicArn: string;
let queueUrl: string;
const saved = { ...process.env };

beforeAll(async () => {
  moto = await startMoto();
  useEmulator(moto.url);
  // Explicit endpoint as well as the env var: these clients can only ever talk to the local moto server.
  snsClient = new SNSClient({ endpoint: moto.url });
  secrets = new SecretsManagerClient({ endpoint: moto.url });
  sink = await startSink();
  topicArn = (await snsClient.send(new CreateTopicCommand({ Name: 'warden-notify' }))).TopicArn!;
  const q = await createQueue(moto.url, 'notify-all');
  queueUrl = q.url;
  await snsClient.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: q.arn }));
});

afterAll(async () => {
  await sink?.close();
  await moto?.stop();
  process.env = saved;
});

beforeEach(async () => {
  sink.requests = [];
  sink.status = 200;
  sink.hang = false;
  clearWebhookCache();
  await receive(moto.url, queueUrl, 100, 0.2); // drain leftovers from the previous test
});

interface SnsEnvelope {
  Type: string;
  TopicArn: string;
  Subject: string;
  Message: string;
  MessageAttributes: Record<string, { Type: string; Value: string }>;
}

test('SNS: published to the topic, delivered to a subscribed SQS queue in the SNS envelope', async () => {
  const input = notifyInput('fixed');
  expect(await notify(input, { topicArn, sns: snsClient })).toEqual([{ channel: 'sns', delivered: true }]);
  const [body, ...rest] = await receive(moto.url, queueUrl, 1);
  expect(rest).toEqual([]);
  const env = JSON.parse(body!) as SnsEnvelope;
  expect(env).toMatchObject({ Type: 'Notification', TopicArn: topicArn, Subject: '[Warden] Fixed: world-open ingress revoked on sg-0123456789abcdef0' });
  expect(env.MessageAttributes).toEqual({
    outcome: { Type: 'String', Value: 'fixed' },
    control: { Type: 'String', Value: 'sg-world-open-ingress' },
    severity: { Type: 'String', Value: 'CRITICAL' },
    mode: { Type: 'String', Value: 'auto' },
    owner: { Type: 'String', Value: 'payments' },
    channel: { Type: 'String', Value: '#payments-alerts' },
    account: { Type: 'String', Value: '111122223333' },
  });
  const msg = JSON.parse(env.Message);
  expect(msg).toMatchObject({ id: input.id, outcome: 'fixed', applied: ['sgr-0aaa'], verified: true, executionArn: input.executionArn });
  expect(msg.steps).toEqual(input.plan!.steps);
});

test('SNS filter policy on the message attributes: a failed-only subscriber gets only failures', async () => {
  const q = await createQueue(moto.url, 'notify-failed-only');
  await snsClient.send(new SubscribeCommand({
    TopicArn: topicArn, Protocol: 'sqs', Endpoint: q.arn,
    Attributes: { FilterPolicy: JSON.stringify({ outcome: ['failed'] }), RawMessageDelivery: 'true' },
  }));
  await notify(notifyInput('dry-run'), { topicArn, sns: snsClient });
  await notify(notifyInput('failed'), { topicArn, sns: snsClient });
  const bodies = await receive(moto.url, q.url, 2, 3);
  expect(bodies).toHaveLength(1);
  // Raw delivery: the body is our JSON message itself, no envelope.
  expect(JSON.parse(bodies[0]!)).toMatchObject({ outcome: 'failed', error: { error: 'EC2.UnauthorizedOperation' } });
  expect(await receive(moto.url, queueUrl, 2)).toHaveLength(2);
});

test("SNS filter policy on owner, severity and outcome (docs/operations.md's example): a team's subscriber gets only its own", async () => {
  const q = await createQueue(moto.url, 'notify-team-payments');
  const policy = { owner: ['team-payments'], severity: ['CRITICAL', 'HIGH'], outcome: [{ 'anything-but': ['fixed', 'already-fixed'] }] };
  expect(readFileSync('docs/operations.md', 'utf8')).toContain(JSON.stringify(JSON.stringify(policy)).slice(1, -1));
  await snsClient.send(new SubscribeCommand({
    TopicArn: topicArn, Protocol: 'sqs', Endpoint: q.arn, Attributes: { FilterPolicy: JSON.stringify(policy), RawMessageDelivery: 'true' },
  }));
  const team = { owner: 'team-payments', channel: '#team-payments' };
  await notify(notifyInput('fixed', team), { topicArn, sns: snsClient }); // fixed: not wanted
  await notify(notifyInput('failed', team), { topicArn, sns: snsClient }); // the one
  await notify(notifyInput('failed'), { topicArn, sns: snsClient }); // owner payments: another team's
  const { owner: _o, ...unowned } = notifyInput('failed', { channel: '#security-alerts' });
  await notify(unowned, { topicArn, sns: snsClient }); // no owner attribute at all
  const bodies = await receive(moto.url, q.url, 4, 3);
  expect(bodies.map((b) => JSON.parse(b) as { owner?: string; outcome: string }).map((m) => [m.owner, m.outcome])).toEqual([['team-payments', 'failed']]);
  expect(await receive(moto.url, queueUrl, 4)).toHaveLength(4);
});

test("Slack's rate limit past the wait budget: Warden.Throttled before SNS is published (the retry sends each once)", async () => {
  const slack = await startFakeSlack();
  try {
    slack.rateLimit(1, 30);
    const deps = { topicArn, sns: snsClient, slackBotToken: async () => 'xoxb-local', slackApi: { apiUrl: slack.apiUrl }, fallbackChannel: '#security-alerts' };
    await expect(notify(notifyInput('fixed'), deps)).rejects.toMatchObject({ name: 'Warden.Throttled' });
    expect(await receive(moto.url, queueUrl, 1, 1)).toEqual([]);
    // The state machine's retry: Slack answers now, and each channel gets the message once.
    expect(await notify(notifyInput('fixed'), deps)).toEqual([
      { channel: 'slack', delivered: true, via: 'api', to: '#payments-alerts' }, { channel: 'sns', delivered: true },
    ]);
    expect(await receive(moto.url, queueUrl, 2, 1)).toHaveLength(1);
    expect([...slack.messages.values()].map((m) => m.channel)).toEqual([expect.stringMatching(/^C/)]);
  } finally {
    await slack.close();
  }
});

test('Slack and SNS: the webhook gets a JSON POST with blocks and text', async () => {
  const input = notifyInput('notified');
  const out = await notify(input, { slackWebhookUrl: async () => sink.url, topicArn, sns: snsClient });
  expect(out).toEqual([{ channel: 'slack', delivered: true }, { channel: 'sns', delivered: true }]);
  expect(sink.requests).toHaveLength(1);
  const req = sink.requests[0]!;
  expect(req.method).toBe('POST');
  expect(req.path).toBe('/services/T000/B000/SECRETPATH');
  expect(req.headers['content-type']).toBe('application/json');
  const body = JSON.parse(req.body) as SlackMessage;
  expect(body.text.startsWith('Action needed: revoke world-open ingress on sg-0123456789abcdef0')).toBe(true);
  expect(body.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Action needed: revoke world-open ingress on sg-0123456789abcdef0' } });
  expect(req.body).toContain('• revoke sgr-0aaa tcp/22 from 0.0.0.0/0 on sg-0123456789abcdef0');
  expect(req.body).not.toContain('SECRETPATH');
  expect(await receive(moto.url, queueUrl, 1)).toHaveLength(1);
});

test('Slack answering 500: delivered false without the URL; SNS still delivered', async () => {
  sink.status = 500;
  const out = await notify(notifyInput('fixed'), { slackWebhookUrl: async () => sink.url, topicArn, sns: snsClient });
  expect(out).toEqual([
    { channel: 'slack', delivered: false, error: 'Slack webhook answered HTTP 500: no_service' },
    { channel: 'sns', delivered: true },
  ]);
  expect(await receive(moto.url, queueUrl, 1)).toHaveLength(1);
});

test('Slack not answering: times out, SNS still delivered', async () => {
  sink.hang = true;
  const out = await notify(notifyInput('fixed'), { slackWebhookUrl: async () => sink.url, topicArn, sns: snsClient, timeoutMs: 300 });
  expect(out).toEqual([
    { channel: 'slack', delivered: false, error: 'Slack webhook timed out after 300 ms' },
    { channel: 'sns', delivered: true },
  ]);
});

test('Slack unreachable (nothing listening): delivered false, error without the URL', async () => {
  const url = `http://127.0.0.1:${await freePort()}/services/T000/B000/SECRETPATH`;
  const [d] = await notify(notifyInput('fixed'), { slackWebhookUrl: async () => url });
  expect(d).toMatchObject({ channel: 'slack', delivered: false });
  expect(d!.error).toMatch(/fetch failed|ECONNREFUSED/);
  expect(d!.error).not.toContain('SECRETPATH');
});

test('SNS failing (topic does not exist): delivered false with the error; Slack still delivered', async () => {
  const missing = topicArn.replace(/warden-notify$/, 'no-such-topic');
  const out = await notify(notifyInput('fixed'), { slackWebhookUrl: async () => sink.url, topicArn: missing, sns: snsClient });
  expect(out[0]).toEqual({ channel: 'slack', delivered: true });
  expect(out[1]).toMatchObject({ channel: 'sns', delivered: false });
  expect(out[1]!.error).toMatch(/NotFound/);
});

test('webhook URL read from Secrets Manager (JSON and bare forms), cached per container', async () => {
  const json = await secrets.send(new CreateSecretCommand({ Name: 'warden/slack-json', SecretString: JSON.stringify({ url: sink.url }) }));
  const bare = await secrets.send(new CreateSecretCommand({ Name: 'warden/slack-bare', SecretString: sink.url }));
  for (const arn of [json.ARN!, bare.ARN!]) {
    const out = await notify(notifyInput('dry-run'), { slackWebhookUrl: webhookUrlProvider(arn, { client: secrets }) });
    expect(out).toEqual([{ channel: 'slack', delivered: true }]);
  }
  expect(sink.requests).toHaveLength(2);
  // Cached: deleting the secret does not affect this container until the TTL expires.
  await secrets.send(new DeleteSecretCommand({ SecretId: json.ARN!, ForceDeleteWithoutRecovery: true }));
  expect(await webhookUrlProvider(json.ARN!, { client: secrets })()).toBe(sink.url);
  clearWebhookCache();
  const out = await notify(notifyInput('dry-run'), { slackWebhookUrl: webhookUrlProvider(json.ARN!, { client: secrets }) });
  expect(out).toMatchObject([{ channel: 'slack', delivered: false }]);
  expect(out[0]!.error).toMatch(/^Slack webhook URL unavailable: ResourceNotFoundException/);
});

test('no secret ARN: Slack not configured; a non-https secret is refused without leaking it', async () => {
  expect(await notify(notifyInput('fixed'), { slackWebhookUrl: webhookUrlProvider('', { client: secrets }) })).toEqual([]);
  const bad = await secrets.send(new CreateSecretCommand({ Name: 'warden/slack-http', SecretString: 'http://hooks.example.com/services/T/B/SECRETVALUE' }));
  const out = await notify(notifyInput('fixed'), { slackWebhookUrl: webhookUrlProvider(bad.ARN!, { client: secrets }) });
  expect(out).toEqual([{ channel: 'slack', delivered: false, error: 'Slack webhook URL unavailable: Slack webhook URL must be https (got http:)' }]);
});
