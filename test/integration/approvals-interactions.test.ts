// Integration: the Slack interactions handler end to end with a FIXED CLOCK and signed requests. Real pieces: the
// handler's own ports (approvals table and secrets on moto server, the response_url on a local sink, user-group
// lookups on a local stand-in for the Slack Web API). Only the Step Functions callback is a recording fake (the
// port the local runner replaces), plus one check of the real SFN port against moto.
// Every forged, stale, replayed, unknown, reused or unauthorized click must be refused AND change nothing.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { ApprovalStorePort, TaskCallbacks } from '../../functions/approvals/decide';
import type { DecideInput, DecideResult } from '../../functions/approvals/store';
import { APPROVAL_DENIED, type ApprovalDecision, type ApprovalRecord } from '../../functions/approvals/model';
import { sfnTaskCallbacks } from '../../functions/approvals/ports';
import { clearSecretCache } from '../../functions/approvals/secret';
import { createApproval, getApproval } from '../../functions/approvals/store';
import { resetClients } from '../../functions/aws/client-cache';
import { createApprovalInteractions } from '../../functions/handlers/approval-interactions';
import { startMoto, useEmulator, type Moto } from '../../local/moto';
import { startSink, type Sink } from '../../local/sink';
import { fakeContext } from '../../local/state-machine';
import { lambda } from '../../functions/runtime/lambda';
import { logger } from '../../functions/runtime/logger';
import { captureOutput } from '../support/capture';
import {
  BOT_TOKEN, clickPayload, formBody, NOW_MS, NOW_S, pendingRecord, SIGNING_SECRET, signedEvent, TOKEN,
} from '../unit/approvals/interactions-fixture';

let moto: Moto;
let sink: Sink;
let slackApi: { url: string; requests: { path: string; auth?: string; body: string }[]; close: () => Promise<void> };
let dynamodb: DynamoDBClient;
const tableName = 'warden-approvals';
const saved = { ...process.env };

/** A stand-in for the Slack Web API's usergroups.users.list: S0SRE has one member, S0BROKEN fails. */
async function startSlackApi(): Promise<typeof slackApi> {
  const requests: typeof slackApi.requests = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', ...(req.headers.authorization ? { auth: req.headers.authorization } : {}), body });
      const group = new URLSearchParams(body).get('usergroup');
      const ok = req.url === '/api/usergroups.users.list' && req.headers.authorization === `Bearer ${BOT_TOKEN}`;
      if (!ok || group === 'S0BROKEN') return void res.writeHead(500, { 'content-type': 'application/json' }).end('{"ok":false,"error":"fatal_error"}');
      const users = group === 'S0SRE' ? ['U0SREMEMBER'] : [];
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, users }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api`,
    requests,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

beforeAll(async () => {
  moto = await startMoto();
  useEmulator(moto.endpoint);
  resetClients();
  sink = await startSink();
  slackApi = await startSlackApi();
  dynamodb = new DynamoDBClient({ endpoint: moto.endpoint });
  await dynamodb.send(new CreateTableCommand({
    TableName: tableName, BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  }));
  const { SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const sm = new SecretsManagerClient({ endpoint: moto.endpoint });
  const signing = await sm.send(new CreateSecretCommand({ Name: 'warden/slack-signing-secret', SecretString: SIGNING_SECRET }));
  const bot = await sm.send(new CreateSecretCommand({ Name: 'warden/slack-bot-token', SecretString: JSON.stringify({ token: BOT_TOKEN }) }));
  Object.assign(process.env, {
    APPROVALS_TABLE: tableName,
    SLACK_SIGNING_SECRET_ARN: signing.ARN,
    SLACK_BOT_TOKEN_SECRET_ARN: bot.ARN,
    SLACK_API_URL: slackApi.url,
    // The sink stands in for Slack's response_url host; every other origin is refused (tested below).
    SLACK_RESPONSE_URL_ORIGINS: `https://hooks.slack.com,${new URL(sink.url).origin}`,
  });
  delete process.env.SLACK_TEAM_ID;
  clearSecretCache();
  logger.setLogLevel('CRITICAL'); // refusals log warnings by design; the logger test turns logging back on
});

afterAll(async () => {
  await sink?.close();
  await slackApi?.close();
  await moto?.stop();
  process.env = saved;
  resetClients();
  logger.setLogLevel('WARN');
});

// ---- ports and helpers --------------------------------------------------------------------------------------

type Call = { kind: 'success'; token: string; output: ApprovalDecision } | { kind: 'failure'; token: string; error: string; cause: string };
let calls: Call[] = [];
const fakeCallbacks: TaskCallbacks = {
  async success(token, output) {
    calls.push({ kind: 'success', token, output });
  },
  async failure(token, error, cause) {
    calls.push({ kind: 'failure', token, error, cause });
  },
};

/** A fresh handler (a new Lambda container: empty replay memory) on the fixed clock. */
const newHandler = (callbacks: TaskCallbacks = fakeCallbacks) => createApprovalInteractions({ now: () => NOW_MS, callbacks });

const responseUrl = () => `${sink.url}/actions/T0WARDEN/1234/RESPONSEURLSECRETPART`;

async function pending(over: Partial<ApprovalRecord> = {}): Promise<ApprovalRecord> {
  const rec = pendingRecord(over);
  await createApproval(rec, { dynamodb, tableName });
  return rec;
}

const stored = (id: string) => getApproval(id, { dynamodb, tableName });

/** Refused and nothing changed: the record as it was, no callback, no message update. */
async function expectNoChange(rec: ApprovalRecord, callsBefore = 0, messagesBefore = 0) {
  expect(await stored(rec.id)).toEqual(rec);
  expect(calls).toHaveLength(callsBefore);
  expect(sink.received).toHaveLength(messagesBefore);
}

const click = (rec: ApprovalRecord, over: Partial<Parameters<typeof clickPayload>[0]> = {}) =>
  formBody(clickPayload({ approvalId: rec.id, responseUrl: responseUrl(), ...over }));

beforeEach(() => {
  calls = [];
  sink.clear();
  slackApi.requests.length = 0;
});

// ---- the happy paths ----------------------------------------------------------------------------------------

test('a valid Approve: 200, one SendTaskSuccess with the decision, record approved, message updated', async () => {
  const rec = await pending();
  const res = await newHandler()(signedEvent(click(rec)));
  expect(res.statusCode).toBe(200);

  expect(calls).toEqual([{
    kind: 'success', token: TOKEN,
    output: { decision: 'approved', approvalId: rec.id, decidedBy: 'U0ALICE', decidedAt: '2030-01-01T00:00:00.000Z', via: 'slack' },
  }]);
  expect(await stored(rec.id)).toEqual({ ...rec, status: 'approved', decidedBy: 'U0ALICE', decidedAt: '2030-01-01T00:00:00.000Z' });
  expect(sink.received).toHaveLength(1);
  const msg = sink.received[0]!;
  expect(msg.path).toBe('/actions/T0WARDEN/1234/RESPONSEURLSECRETPART');
  expect(msg.json).toMatchObject({ replace_original: true });
  expect(JSON.stringify(msg.json)).toContain('Approved');
  expect(JSON.stringify(msg.json)).toContain('<@U0ALICE>');
  expect(JSON.stringify(msg.json)).not.toContain('warden_approve'); // no buttons left
});

test('a valid Deny: SendTaskFailure with APPROVAL_DENIED and who/when, record denied, message updated', async () => {
  const rec = await pending();
  const res = await newHandler()(signedEvent(click(rec, { action: 'warden_deny' })));
  expect(res.statusCode).toBe(200);
  expect(calls).toHaveLength(1);
  const call = calls[0]!;
  expect(call.kind).toBe('failure');
  if (call.kind !== 'failure') throw new Error('unreachable');
  expect(call.token).toBe(TOKEN);
  expect(call.error).toBe(APPROVAL_DENIED);
  expect(JSON.parse(call.cause)).toEqual({ approvalId: rec.id, decidedBy: 'U0ALICE', decidedAt: '2030-01-01T00:00:00.000Z', via: 'slack' });
  expect((await stored(rec.id))?.status).toBe('denied');
  expect(sink.received).toHaveLength(1);
  expect(JSON.stringify(sink.received[0]!.json)).toContain('Denied');
});

test('header names in any case (REST API / other proxies keep the original case)', async () => {
  const rec = await pending();
  expect((await newHandler()(signedEvent(click(rec), { headerCase: 'mixed' }))).statusCode).toBe(200);
  expect(calls).toHaveLength(1);
});

test('a base64-encoded body (isBase64Encoded) is verified on the decoded bytes', async () => {
  const rec = await pending();
  expect((await newHandler()(signedEvent(click(rec), { base64: true }))).statusCode).toBe(200);
  expect(calls).toHaveLength(1);
  expect((await stored(rec.id))?.status).toBe('approved');
});

test('a member of an approver user group may decide (usergroups.users.list with the bot token)', async () => {
  const rec = await pending({ approvers: ['S0SRE'] });
  expect((await newHandler()(signedEvent(click(rec, { userId: 'U0SREMEMBER' })))).statusCode).toBe(200);
  expect(calls).toHaveLength(1);
  expect((await stored(rec.id))?.decidedBy).toBe('U0SREMEMBER');
  expect(slackApi.requests).toEqual([{ path: '/api/usergroups.users.list', auth: `Bearer ${BOT_TOKEN}`, body: 'usergroup=S0SRE' }]);
});

test('through the middy wrapper (lambda()) as deployed', async () => {
  const rec = await pending();
  const wrapped = lambda(newHandler()) as unknown as (e: APIGatewayProxyEventV2, c: Context) => Promise<APIGatewayProxyStructuredResultV2>;
  const res = await wrapped(signedEvent(click(rec)), fakeContext('ApprovalInteractionsFunction'));
  expect(res).toMatchObject({ statusCode: 200, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  expect(calls).toHaveLength(1);
});

// ---- refused, and nothing changes ----------------------------------------------------------------------------

test('bad signature (another secret): 401, no change', async () => {
  const rec = await pending();
  const res = await newHandler()(signedEvent(click(rec), { secret: 'not-the-signing-secret' }));
  expect(res.statusCode).toBe(401);
  await expectNoChange(rec);
});

test('missing signature headers: 401, no change', async () => {
  const rec = await pending();
  const event = signedEvent(click(rec));
  event.headers = { 'content-type': 'application/x-www-form-urlencoded' };
  expect((await newHandler()(event)).statusCode).toBe(401);
  await expectNoChange(rec);
});

test('stale timestamp (> 5 minutes old, correctly signed): 401, no change; same for the future', async () => {
  const rec = await pending();
  expect((await newHandler()(signedEvent(click(rec), { ts: NOW_S - 301 }))).statusCode).toBe(401);
  expect((await newHandler()(signedEvent(click(rec), { ts: NOW_S + 301 }))).statusCode).toBe(401);
  await expectNoChange(rec);
  // The window's edge is still accepted (proves the refusal above is the clock, not the body).
  expect((await newHandler()(signedEvent(click(rec), { ts: NOW_S - 300 }))).statusCode).toBe(200);
});

test('tampered body (signature of another body): 401, no change', async () => {
  const rec = await pending();
  const original = click(rec, { userId: 'U0MALLORY' });
  // The attacker swaps in an approver's user id, keeping the signature of the original body.
  const tampered = click(rec, { userId: 'U0ALICE' });
  expect((await newHandler()(signedEvent(tampered, { signedBody: original }))).statusCode).toBe(401);
  // and with the signature of an empty body
  expect((await newHandler()(signedEvent(tampered, { signedBody: '' }))).statusCode).toBe(401);
  await expectNoChange(rec);
});

test('unknown approval id: 403, nothing written', async () => {
  const rec = pendingRecord(); // never stored
  const res = await newHandler()(signedEvent(click(rec)));
  expect(res.statusCode).toBe(403);
  expect(await stored(rec.id)).toBeUndefined();
  expect(calls).toHaveLength(0);
  expect(sink.received).toHaveLength(0);
});

test('unauthorized user: 403, record still pending, no callback, no message update', async () => {
  const rec = await pending();
  const res = await newHandler()(signedEvent(click(rec, { userId: 'U0MALLORY' })));
  expect(res.statusCode).toBe(403);
  expect(res.body).toMatch(/not an approver/);
  await expectNoChange(rec);
});

test('a user outside the approver group, or a failed group lookup: 403, no change', async () => {
  const rec = await pending({ approvers: ['S0SRE'] });
  expect((await newHandler()(signedEvent(click(rec, { userId: 'U0OUTSIDER' })))).statusCode).toBe(403);
  await expectNoChange(rec);
  const broken = await pending({ approvers: ['S0BROKEN'] });
  expect((await newHandler()(signedEvent(click(broken, { userId: 'U0SREMEMBER' })))).statusCode).toBe(403);
  await expectNoChange(broken);
});

test('replayed request (the same signed body after a successful decision): 403, no second callback', async () => {
  const rec = await pending();
  const event = signedEvent(click(rec));
  const handler = newHandler();
  expect((await handler(event)).statusCode).toBe(200);
  const after = await stored(rec.id);
  expect(calls).toHaveLength(1);
  expect(sink.received).toHaveLength(1);

  // Same container (replay memory) and a fresh one (only the conditional write stands in the way).
  expect((await handler(event)).statusCode).toBe(403);
  expect((await newHandler()(event)).statusCode).toBe(403);
  expect(await stored(rec.id)).toEqual(after);
  expect(calls).toHaveLength(1);
  expect(sink.received).toHaveLength(1);
});

test('reused approval id (a new click after the decision): 403, no callback, the first decision stands', async () => {
  const rec = await pending();
  expect((await newHandler()(signedEvent(click(rec)))).statusCode).toBe(200);
  const after = await stored(rec.id);
  const res = await newHandler()(signedEvent(click(rec, { action: 'warden_deny', userId: 'U0ALICE' })));
  expect(res.statusCode).toBe(403);
  expect(res.body).toMatch(/already decided/);
  expect(await stored(rec.id)).toEqual(after);
  expect(calls).toHaveLength(1);
  expect(sink.received).toHaveLength(1);
});

test('a signed payload that is not a Warden button: 400, no change', async () => {
  const rec = await pending();
  const body = formBody({ ...clickPayload({ approvalId: rec.id, responseUrl: responseUrl() }), type: 'view_submission' });
  expect((await newHandler()(signedEvent(body))).statusCode).toBe(400);
  const other = clickPayload({ approvalId: rec.id, responseUrl: responseUrl() });
  other.actions[0]!.action_id = 'something_else' as 'warden_approve';
  expect((await newHandler()(signedEvent(formBody(other)))).statusCode).toBe(400);
  await expectNoChange(rec);
});

test('a click from another workspace is refused when SLACK_TEAM_ID is set', async () => {
  const rec = await pending();
  process.env.SLACK_TEAM_ID = 'T0SOMEOTHER';
  try {
    expect((await newHandler()(signedEvent(click(rec)))).statusCode).toBe(403);
  } finally {
    delete process.env.SLACK_TEAM_ID;
  }
  await expectNoChange(rec);
});

test('a response_url on any origin but the allowed ones is refused before anything is decided', async () => {
  const rec = await pending();
  for (const url of ['https://hooks.slack.com.evil.example/actions/T0WARDEN/1/x', 'https://evil.example/actions/T0WARDEN/1/x', 'http://hooks.slack.com/actions/1']) {
    const res = await newHandler()(signedEvent(click(rec, { responseUrl: url })));
    expect([res.statusCode, res.body]).toEqual([400, 'response_url is not a Slack URL']);
  }
  await expectNoChange(rec);
});

test('without SLACK_RESPONSE_URL_ORIGINS only Slack\'s own origin is allowed', async () => {
  const rec = await pending();
  const saved = process.env.SLACK_RESPONSE_URL_ORIGINS;
  delete process.env.SLACK_RESPONSE_URL_ORIGINS;
  try {
    expect((await newHandler()(signedEvent(click(rec)))).statusCode).toBe(400); // the sink is not Slack
  } finally {
    process.env.SLACK_RESPONSE_URL_ORIGINS = saved;
  }
  await expectNoChange(rec);
});

test('a 6 MB body is refused with 413 before its signature is computed; nothing changes', async () => {
  const rec = await pending();
  const huge = `${click(rec)}&pad=${'x'.repeat(6 * 1024 * 1024)}`;
  let secretReads = 0;
  const handler = createApprovalInteractions({
    now: () => NOW_MS, callbacks: fakeCallbacks, signingSecret: async () => (secretReads++, SIGNING_SECRET),
  });
  for (const base64 of [false, true]) {
    const res = await handler(signedEvent(huge, { base64 }));
    expect([res.statusCode, res.body]).toEqual([413, 'request body too large']);
  }
  expect(secretReads).toBe(0);
  await expectNoChange(rec);
});

test('Approve and Deny clicked at the same time: exactly one decision, one callback, the other click refused', async () => {
  // DynamoDB makes the conditional write atomic; moto's threaded server does not guarantee it, so the two clicks
  // race here on an in-memory store with the same condition (pending and not expired), written in one step.
  const rec = pendingRecord({ approvers: ['U0LEAD', 'U0OTHER'] });
  const items = new Map([[rec.id, { ...rec }]]);
  const store: ApprovalStorePort = {
    get: async (id) => (items.has(id) ? { ...items.get(id)! } : undefined),
    decide: async (id: string, d: DecideInput): Promise<DecideResult> => {
      await new Promise((r) => setImmediate(r)); // both clicks are in flight before either writes
      const r = items.get(id)!;
      if (r.status !== 'pending') return { ok: false, record: { ...r }, why: 'already-decided' };
      Object.assign(r, d);
      return { ok: true, record: { ...r } };
    },
  };
  const handler = createApprovalInteractions({ now: () => NOW_MS, callbacks: fakeCallbacks, store });
  const [approve, deny] = await Promise.all([
    handler(signedEvent(formBody(clickPayload({ approvalId: rec.id, responseUrl: responseUrl(), userId: 'U0LEAD' })))),
    handler(signedEvent(formBody(clickPayload({ approvalId: rec.id, responseUrl: responseUrl(), userId: 'U0OTHER', action: 'warden_deny' })))),
  ]);
  expect([approve.statusCode, deny.statusCode].sort()).toEqual([200, 403]);
  expect(calls).toHaveLength(1);
  const winner = approve.statusCode === 200 ? 'approved' : 'denied';
  expect(items.get(rec.id)!.status).toBe(winner);
  expect(calls[0]!.kind).toBe(winner === 'approved' ? 'success' : 'failure');
  expect([approve, deny].find((r) => r.statusCode === 403)!.body).toBe('This approval was already decided.');
});

// ---- expiry and a workflow that has moved on -------------------------------------------------------------------

test('an expired approval: 200 with the message marked expired; no callback, record unchanged', async () => {
  const rec = await pending({ expiresAt: NOW_S - 10 });
  const res = await newHandler()(signedEvent(click(rec)));
  expect(res.statusCode).toBe(200);
  expect(calls).toHaveLength(0);
  expect(await stored(rec.id)).toEqual(rec);
  expect(sink.received).toHaveLength(1);
  expect(JSON.stringify(sink.received[0]!.json)).toContain('Expired');
});

test('the callback fails (task already timed out): the decision stands, the message says the workflow did not resume', async () => {
  const rec = await pending();
  const timedOut: TaskCallbacks = {
    success: async () => { throw Object.assign(new Error('Task Timed Out'), { name: 'TaskTimedOut' }); },
    failure: async () => undefined,
  };
  const res = await newHandler(timedOut)(signedEvent(click(rec)));
  expect(res.statusCode).toBe(200);
  expect((await stored(rec.id))?.status).toBe('approved');
  expect(JSON.stringify(sink.received[0]!.json)).toContain('could not be resumed');
});

test('the real SFN port: SendTaskSuccess / SendTaskFailure reach Step Functions (moto)', async () => {
  const callbacks = sfnTaskCallbacks(() => new SFNClient({ endpoint: moto.endpoint }));
  const decision: ApprovalDecision = { decision: 'approved', approvalId: 'X', decidedBy: 'U0ALICE', decidedAt: 'now', via: 'slack' };
  // moto accepts callbacks for tokens it does not know; this checks the wire shape and the timeout option.
  await expect(callbacks.success(TOKEN, decision, { timeoutMs: 2000 })).resolves.toBeUndefined();
  await expect(callbacks.failure(TOKEN, APPROVAL_DENIED, '{}', { timeoutMs: 2000 })).resolves.toBeUndefined();
});

test('the real SFN port: a failure comes back as the bare error name, never echoing the token', async () => {
  const leaky = { send: async () => { throw Object.assign(new Error(`Invalid Token: ${TOKEN}`), { name: 'InvalidToken' }); } } as unknown as SFNClient;
  const err = await sfnTaskCallbacks(() => leaky)
    .success(TOKEN, { decision: 'approved', approvalId: 'X', decidedBy: 'U0ALICE', decidedAt: 'now', via: 'slack' })
    .then(() => undefined, (e: unknown) => e as Error);
  expect(err).toBeInstanceOf(Error);
  expect(err!.name).toBe('InvalidToken');
  expect(err!.message).toBe('Step Functions callback failed: InvalidToken');
  expect(`${err!.message} ${err!.stack ?? ''}`).not.toContain(TOKEN.slice(0, 40));
});

// ---- secrets never leak --------------------------------------------------------------------------------------

test('logger output (stdout and stderr) and posted messages never contain the task token, signing secret, bot token or response_url', async () => {
  const ids: string[] = [];
  const logs = await captureOutput(async () => {
    const group = await pending({ approvers: ['S0SRE'] });
    const approve = await pending();
    const deny = await pending();
    const forbidden = await pending();
    ids.push(approve.id, deny.id, forbidden.id, group.id);
    const h = newHandler();
    expect((await h(signedEvent(click(approve)))).statusCode).toBe(200);
    expect((await h(signedEvent(click(deny, { action: 'warden_deny' })))).statusCode).toBe(200);
    expect((await h(signedEvent(click(forbidden, { userId: 'U0MALLORY' })))).statusCode).toBe(403);
    expect((await h(signedEvent(click(group, { userId: 'U0SREMEMBER' })))).statusCode).toBe(200);
    expect((await h(signedEvent(click(approve), { secret: 'wrong' }))).statusCode).toBe(401);
    // A failing store (DynamoDB error) goes to the catch-all: 500, logged by error name only.
    const failing = createApprovalInteractions({
      now: () => NOW_MS, callbacks: fakeCallbacks,
      store: { get: async () => { throw new Error(`boom ${TOKEN} ${SIGNING_SECRET}`); }, decide: async () => ({ ok: false, why: 'unknown' }) },
    });
    expect((await failing(signedEvent(click(forbidden)))).statusCode).toBe(500);
  });
  // The capture works: the decisions were logged, with their approval ids.
  expect(logs).toContain(ids[0]);
  expect(logs).toContain('approval approved');
  expect(logs).toContain('approval denied');
  expect(logs).toContain('not an approver');
  expect(logs).toContain('interaction failed');
  expect(calls.map((c) => c.token)).toEqual([TOKEN, TOKEN, TOKEN]); // the token did flow to the callback port
  const posted = sink.received.map((r) => r.body).join('\n');
  expect(sink.received.length).toBeGreaterThanOrEqual(3);
  for (const secret of [TOKEN, TOKEN.slice(0, 40), SIGNING_SECRET, BOT_TOKEN, 'RESPONSEURLSECRETPART']) {
    expect(logs).not.toContain(secret);
    expect(posted).not.toContain(secret);
  }
});
