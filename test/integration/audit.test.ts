// Integration: recordAudit()/getAuditRecord() against a real moto server (DynamoDB, EventBridge, SQS). No mocks,
// except one stubbed EventBridge client (last test): moto cannot make a well-formed PutEvents entry fail
// (it checks no size or quota limits), so FailedEntryCount > 0 is produced by a stub. Nothing here can reach
// real AWS: the endpoint is a moto server on 127.0.0.1 started by this file, with dummy credentials.
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { getAuditRecord } from '../../functions/audit/get';
import { saveProgress } from '../../functions/audit/progress';
import { recordAudit } from '../../functions/audit/record';
import type { RemediationRecord } from '../../functions/domain/remediation';
import { record } from '../unit/notify/fixture';

import { startMoto as startSharedMoto, useEmulator } from '../../local/moto';
import { createQueue, receive } from '../support/sqs';

/** moto server from ./.venv on a free loopback port (local/moto.ts). */
async function startMoto(): Promise<{ url: string; stop: () => Promise<void> }> {
  const m = await startSharedMoto();
  return { url: m.endpoint, stop: m.stop };
}

let moto: Awaited<ReturnType<typeof startMoto>>;
let dynamodb: DynamoDBClient;
let events: EventBridgeClient;
let queueUrl: string;
const tableName = 'warden-audit';
const busName = 'warden';
const saved = { ...process.env };
const deps = () => ({ dynamodb, events, tableName, busName });

beforeAll(async () => {
  moto = await startMoto();
  useEmulator(moto.url);
  // Explicit endpoint as well as the env var: these clients can only ever talk to the local moto server.
  dynamodb = new DynamoDBClient({ endpoint: moto.url });
  events = new EventBridgeClient({ endpoint: moto.url });
  await dynamodb.send(new CreateTableCommand({
    TableName: tableName,
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  }));
  await events.send(new CreateEventBusCommand({ Name: busName }));
  await events.send(new PutRuleCommand({ Name: 'warden-all', EventBusName: busName, EventPattern: JSON.stringify({ source: ['warden'] }) }));
  const q = await createQueue(moto.url, 'warden-events');
  queueUrl = q.url;
  await events.send(new PutTargetsCommand({ Rule: 'warden-all', EventBusName: busName, Targets: [{ Id: 'sqs', Arn: q.arn }] }));
});

afterAll(async () => {
  await moto?.stop();
  process.env = saved;
});

beforeEach(async () => {
  await receive(moto.url, queueUrl, 100, 0.2); // drain leftovers from the previous test
});

interface WardenEvent {
  source: string;
  'detail-type': string;
  resources: string[];
  time: string;
  detail: RemediationRecord;
}

const rawItem = async (id: string) =>
  (await dynamodb.send(new GetItemCommand({ TableName: tableName, Key: { id: { S: id } }, ConsistentRead: true }))).Item;

test('completed: stored once with query attributes, event delivered to the rule\'s SQS target', async () => {
  const rec = record('fixed', { id: 'run-fixed-1' });
  const out = await recordAudit(rec, deps());
  expect(out).toEqual({ stored: true, duplicate: false, eventId: expect.any(String) });

  const item = await rawItem(rec.id);
  expect(item).toMatchObject({
    id: { S: 'run-fixed-1' }, outcome: { S: 'fixed' }, mode: { S: 'auto' }, control: { S: 'sg-world-open-ingress' },
    resourceId: { S: 'sg-0123456789abcdef0' }, resourceType: { S: 'AWS::EC2::SecurityGroup' }, account: { S: '111122223333' },
    region: { S: 'us-east-1' }, eventId: { S: rec.eventId }, source: { S: 'cloudtrail' }, requestedAt: { S: rec.requestedAt },
    finishedAt: { S: rec.finishedAt }, durationMs: { N: '7000' }, publishedEventId: { S: out.eventId },
  });
  expect(JSON.parse(item!.record!.S!)).toEqual(rec);

  const bodies = await receive(moto.url, queueUrl, 1);
  expect(bodies).toHaveLength(1);
  const ev = JSON.parse(bodies[0]!) as WardenEvent & { id: string };
  expect(ev.id).toBe(out.eventId);
  expect(ev.source).toBe('warden');
  expect(ev['detail-type']).toBe('Warden Remediation Completed');
  expect(ev.resources).toEqual([rec.finding.resource.arn]);
  expect(ev.time).toBe(rec.finishedAt);
  // moto 5.2.5 delivers version/id/detail-type/source/time/region/resources/detail to SQS but no `account`.
  expect(ev.detail).toEqual(rec);
});

test('retried Record step: duplicate, no error, item unchanged, no second event', async () => {
  const rec = record('dry-run', { id: 'run-dup-1' });
  const first = await recordAudit(rec, deps());
  expect(await receive(moto.url, queueUrl, 1)).toHaveLength(1);
  const before = await rawItem(rec.id);

  const second = await recordAudit({ ...rec, outcome: 'failed', finishedAt: '2026-11-20T11:00:00Z' }, deps());
  expect(second).toEqual({ stored: false, duplicate: true, eventId: first.eventId });
  expect(await rawItem(rec.id)).toEqual(before);
  expect(await receive(moto.url, queueUrl, 1, 2)).toEqual([]);
});

test('failed outcome: "Warden Remediation Failed"; no resource ARN: no Resources', async () => {
  const base = record('failed', { id: 'run-failed-1' });
  const rec: RemediationRecord = { ...base, finding: { ...base.finding, resource: { ...base.finding.resource, arn: undefined } } };
  expect(await recordAudit(rec, deps())).toMatchObject({ stored: true, duplicate: false });
  const [body] = await receive(moto.url, queueUrl, 1);
  const ev = JSON.parse(body!) as WardenEvent;
  expect(ev['detail-type']).toBe('Warden Remediation Failed');
  expect(ev.resources).toEqual([]);
  expect(ev.detail.error).toEqual(rec.error);
});

test('getAuditRecord round-trips; unknown id is undefined', async () => {
  const rec = record('approval-required', { id: 'run-get-1' });
  await recordAudit(rec, deps());
  expect(await getAuditRecord(rec.id, { dynamodb, tableName })).toEqual(rec);
  expect(await getAuditRecord('no-such-run', { dynamodb, tableName })).toBeUndefined();
});

test('a runbook progress item is replaced by the next progress and by the final record, never the other way', async () => {
  const timeline = [{ at: '2026-11-20T10:00:00Z', step: 'start', result: 'done' as const, detail: 'started by hand' }];
  const runbook = { name: 'contain-ecs-task', target: 't', dryRun: false, startedBy: 'ana', timeline };
  const rec = record('fixed', { id: 'run-progress-1', runbook });
  expect(await saveProgress(rec, { dynamodb, tableName })).toBe(true);
  expect(await getAuditRecord(rec.id, { dynamodb, tableName })).toMatchObject({ outcome: 'in-progress' });
  const more = { ...runbook, timeline: [...timeline, { at: '2026-11-20T10:00:01Z', step: 'plan', result: 'done' as const, detail: 'planned' }] };
  expect(await saveProgress({ ...rec, runbook: more }, { dynamodb, tableName })).toBe(true);
  expect((await getAuditRecord(rec.id, { dynamodb, tableName }))?.runbook?.timeline).toHaveLength(2);

  expect(await recordAudit({ ...rec, runbook: more }, deps())).toMatchObject({ stored: true, duplicate: false });
  expect(await receive(moto.url, queueUrl, 1)).toHaveLength(1);
  // A late progress write (a retried step) cannot turn the final record back into "in-progress".
  expect(await saveProgress(rec, { dynamodb, tableName })).toBe(false);
  expect(await getAuditRecord(rec.id, { dynamodb, tableName })).toMatchObject({ outcome: 'fixed', runbook: more });
});

test('PutEvents failing after the item was stored: the retry publishes (and only once)', async () => {
  const rec = record('notified', { id: 'run-retry-1' });
  await expect(recordAudit(rec, { ...deps(), busName: 'no-such-bus' })).rejects.toThrow(/no-such-bus/);
  expect((await rawItem(rec.id))?.publishedEventId).toBeUndefined();
  expect(await receive(moto.url, queueUrl, 1, 1)).toEqual([]);

  const retry = await recordAudit(rec, deps());
  expect(retry).toEqual({ stored: false, duplicate: true, eventId: expect.any(String) });
  const [body] = await receive(moto.url, queueUrl, 1);
  expect((JSON.parse(body!) as WardenEvent).detail.id).toBe(rec.id);

  expect(await recordAudit(rec, deps())).toEqual(retry);
  expect(await receive(moto.url, queueUrl, 1, 1)).toEqual([]);
});

test('a plan too big for one event: the event carries truncated details, the item keeps them', async () => {
  const rec = record('fixed', { id: 'run-big-1' });
  rec.plan = { ...rec.plan!, details: { blob: 'x'.repeat(300 * 1024) } };
  await recordAudit(rec, deps());
  const [body] = await receive(moto.url, queueUrl, 1);
  const ev = JSON.parse(body!) as WardenEvent;
  expect(ev.detail.plan?.details).toEqual({ truncated: true, originalBytes: JSON.stringify(rec.plan.details).length });
  expect(ev.detail.plan?.steps).toEqual(rec.plan.steps);
  expect(await getAuditRecord(rec.id, { dynamodb, tableName })).toEqual(rec);
});

test('a failed PutEvents entry (FailedEntryCount) is a clear error (stubbed EventBridge, see top)', async () => {
  const failing = {
    send: async () => ({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] }),
  } as unknown as EventBridgeClient;
  const rec = record('fixed', { id: 'run-failed-entry-1' });
  await expect(recordAudit(rec, { ...deps(), events: failing })).rejects.toThrow(
    'PutEvents to warden failed for audit record run-failed-entry-1: InternalFailure: try again',
  );
});
