// Integration: the approvals store against a real moto server (DynamoDB). The conditional write is the guarantee
// that an approval id is used once: two concurrent decide() calls must give exactly one ok.
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { createApproval, decide, getApproval, setMessageTs, type StoreDeps } from '../../functions/approvals/store';
import { startMoto, type Moto } from '../../local/moto';
import { NOW_MS, NOW_S, pendingRecord, TOKEN } from '../unit/approvals/interactions-fixture';

let moto: Moto;
let deps: StoreDeps;
const tableName = 'warden-approvals';

beforeAll(async () => {
  moto = await startMoto();
  // Explicit endpoint and dummy credentials: this client can only reach the local moto server.
  const dynamodb = new DynamoDBClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  await dynamodb.send(new CreateTableCommand({
    TableName: tableName, BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  }));
  deps = { dynamodb, tableName, now: () => NOW_MS };
});

afterAll(async () => {
  await moto?.stop();
});

const by = (who: string, status: 'approved' | 'denied' | 'expired' = 'approved') => ({ status, decidedBy: who, decidedAt: '2030-01-01T00:00:00.000Z' });

test('create → get round-trips every field; the item has plain typed attributes and expiresAt as N', async () => {
  const rec = pendingRecord();
  await createApproval(rec, deps);
  expect(await getApproval(rec.id, deps)).toEqual(rec);
  const item = (await deps.dynamodb.send(new GetItemCommand({ TableName: tableName, Key: { id: { S: rec.id } } }))).Item!;
  expect(item.expiresAt).toEqual({ N: String(rec.expiresAt) });
  expect(item.steps).toEqual({ L: [{ S: rec.steps[0] }] });
  expect(item.status).toEqual({ S: 'pending' });
});

test('create refuses an id that is taken', async () => {
  const rec = pendingRecord();
  await createApproval(rec, deps);
  await expect(createApproval({ ...rec, channel: 'C0OTHER' }, deps)).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
  expect((await getApproval(rec.id, deps))?.channel).toBe(rec.channel);
});

test('get of an unknown id is undefined', async () => {
  expect(await getApproval('NOSUCHAPPROVAL01', deps)).toBeUndefined();
});

test('setMessageTs on an existing approval; refused on an unknown id', async () => {
  const rec = pendingRecord();
  await createApproval(rec, deps);
  await setMessageTs(rec.id, '1893456000.000100', deps);
  expect((await getApproval(rec.id, deps))?.messageTs).toBe('1893456000.000100');
  await expect(setMessageTs('NOSUCHAPPROVAL02', '1.2', deps)).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
  expect(await getApproval('NOSUCHAPPROVAL02', deps)).toBeUndefined();
});

test('decide: pending → approved once; a second decision is already-decided and changes nothing', async () => {
  const rec = pendingRecord();
  await createApproval(rec, deps);
  const first = await decide(rec.id, { ...by('U0ALICE'), reason: 'ok by me' }, deps);
  expect(first).toEqual({ ok: true, record: { ...rec, status: 'approved', decidedBy: 'U0ALICE', decidedAt: '2030-01-01T00:00:00.000Z', reason: 'ok by me' } });
  expect(first.ok && first.record.taskToken).toBe(TOKEN);

  const second = await decide(rec.id, by('U0BOB', 'denied'), deps);
  expect(second).toMatchObject({ ok: false, why: 'already-decided', record: { status: 'approved', decidedBy: 'U0ALICE' } });
  expect(await getApproval(rec.id, deps)).toMatchObject({ status: 'approved', decidedBy: 'U0ALICE', reason: 'ok by me' });
});

test('decide on an unknown id: unknown, and no item is created', async () => {
  expect(await decide('NOSUCHAPPROVAL03', by('U0ALICE'), deps)).toEqual({ ok: false, why: 'unknown' });
  expect(await getApproval('NOSUCHAPPROVAL03', deps)).toBeUndefined();
});

test('approve after the deadline: expired, record left pending', async () => {
  const rec = pendingRecord({ expiresAt: NOW_S - 1 });
  await createApproval(rec, deps);
  expect(await decide(rec.id, by('U0ALICE'), deps)).toMatchObject({ ok: false, why: 'expired', record: { status: 'pending' } });
  expect(await getApproval(rec.id, deps)).toEqual(rec);
  // The deadline itself is already too late (expiresAt > now is required).
  const edge = pendingRecord({ expiresAt: NOW_S });
  await createApproval(edge, deps);
  expect(await decide(edge.id, by('U0ALICE'), deps)).toMatchObject({ ok: false, why: 'expired' });
});

test('marking expired works after the deadline, once; a later click then reads expired', async () => {
  const rec = pendingRecord({ expiresAt: NOW_S - 60 });
  await createApproval(rec, deps);
  expect(await decide(rec.id, by('warden:timeout', 'expired'), deps)).toMatchObject({ ok: true, record: { status: 'expired' } });
  expect(await decide(rec.id, by('warden:timeout', 'expired'), deps)).toMatchObject({ ok: false, why: 'expired' });
  expect(await decide(rec.id, by('U0ALICE'), deps)).toMatchObject({ ok: false, why: 'expired' });
});

test('a decision before the deadline wins over a later expiry', async () => {
  const rec = pendingRecord();
  await createApproval(rec, deps);
  expect((await decide(rec.id, by('U0ALICE', 'denied'), deps)).ok).toBe(true);
  expect(await decide(rec.id, by('warden:timeout', 'expired'), deps)).toMatchObject({ ok: false, why: 'already-decided' });
  expect((await getApproval(rec.id, deps))?.status).toBe('denied');
});

test('three decisions at once: exactly one ok (the conditional write)', async () => {
  // moto's server handles requests on several threads without making a conditional write atomic across them, so two
  // racing UpdateItems can both pass its check: a flaky test of moto, not of Warden. On DynamoDB the condition is
  // atomic. Here the three decisions start together, as three clicks would, and reach moto one at a time (in any
  // order Node schedules them); that each is refused once another won is what the conditional write guarantees.
  let queue: Promise<unknown> = Promise.resolve();
  const oneAtATime = {
    send: (command: never, options?: never) => {
      const sent = queue.then(() => deps.dynamodb.send(command, options));
      queue = sent.catch(() => undefined);
      return sent;
    },
  } as unknown as DynamoDBClient;
  const racing = { ...deps, dynamodb: oneAtATime };
  for (let round = 0; round < 5; round++) {
    const rec = pendingRecord();
    await createApproval(rec, deps);
    const results = await Promise.all([
      decide(rec.id, by('U0ALICE', 'approved'), racing),
      decide(rec.id, by('U0BOB', 'denied'), racing),
      decide(rec.id, by('U0CAROL', 'approved'), racing),
    ]);
    const winners = results.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.why === 'already-decided')).toBe(true);
    const stored = await getApproval(rec.id, deps);
    expect(winners[0]!.ok && winners[0]!.record.decidedBy).toBe(stored?.decidedBy);
  }
});
