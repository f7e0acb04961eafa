// The sweep's stores and handlers against moto server: resource locks (conditional writes, joins, expiry, release, a
// race), decisions that stick, the Sweep function's plan and summary (written once), and a sweep item's gaps.
// aws-sdk-client-mock is used once, for fault injection: a sweep item's ECS client refuses every call (AccessDenied),
// which moto cannot do.
import { CreateTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand } from '@aws-sdk/client-eventbridge';
import { ECSClient } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { getSweepSummary, recordSweep } from '../../functions/audit/sweep';
import { clients } from '../../functions/aws/clients';
import { regionClients } from '../../functions/aws/region-clients';
import { dynamoResourceLocks } from '../../functions/aws/resource-locks';
import { dynamoDecisionMemory } from '../../functions/aws/sticky-decisions';
import type { StickyDecision } from '../../functions/domain/decisions';
import type { LockOrigin, LockRequest } from '../../functions/domain/locks';
import { defaultPolicy } from '../../functions/domain/policy';
import type { SweepItemResult, SweepPlan, SweepSummary } from '../../functions/domain/sweep';
import { createSweep } from '../../functions/handlers/sweep';
import { createSweepItem } from '../../functions/handlers/sweep-item';
import { allow, createGroup, createVpc, tcp } from '../../local/sandbox';
import { fakeContext } from '../../local/state-machine';
import { useMoto } from '../support/emulator';

useMoto({ resetEach: false });
const TABLE = 'sweep-findings';
const AUDIT = 'sweep-audit';
const BUS = 'sweep-bus';
const NOW = new Date('2026-12-03T12:00:00Z');
const later = (s: number) => new Date(NOW.getTime() + s * 1000);
const context = fakeContext('SweepItemFunction'); // account 123456789012, as moto's

beforeAll(async () => {
  for (const TableName of [TABLE, AUDIT]) {
    await clients.dynamodb().send(new CreateTableCommand({
      TableName, BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    }));
  }
  await clients.events().send(new CreateEventBusCommand({ Name: BUS }));
});

const raw = async (id: string) => (await clients.dynamodb().send(new GetItemCommand({ TableName: TABLE, Key: { id: { S: id } }, ConsistentRead: true }))).Item;

describe('resource locks', () => {
  const locks = dynamoResourceLocks({ dynamodb: clients.dynamodb, tableName: TABLE });
  const sweep = (id: string): LockOrigin => ({ kind: 'sweep', id });
  const event = (id: string): LockOrigin => ({ kind: 'event', id });
  const req = (key: string, origin: LockOrigin, run: string, over: Partial<LockRequest> = {}): LockRequest =>
    ({ key, origin, run, fixes: { action: 'revoke-sg-ingress', targets: ['sgr-1'] }, now: NOW, seconds: 600, ...over });

  test('a sweep takes it; another sweep and any event are refused with the holder; the same sweep joins', async () => {
    const key = 'lock#a/us-east-1/AWS::EC2::SecurityGroup/sg-1';
    expect(await locks.take(req(key, sweep('s-1'), 'run-1'))).toEqual({ taken: true });
    const refused = await locks.take(req(key, event('e-1'), 'run-e'));
    expect(refused).toEqual({
      taken: false,
      lock: { key, kind: 'sweep', holder: 's-1', runs: { 'run-1': { action: 'revoke-sg-ingress', targets: ['sgr-1'] } }, expiresAt: later(600).toISOString() },
    });
    expect((await locks.take(req(key, sweep('s-2'), 'run-2'))).taken).toBe(false);
    expect(await locks.take(req(key, sweep('s-1'), 'run-3', { fixes: { action: 'revoke-sg-ingress', targets: ['sgr-9'] } }))).toEqual({ taken: true });
    const item = await raw(key);
    expect(Object.keys(item!.runs!.M!).sort()).toEqual(['run-1', 'run-3']);
    expect(Number(item!.purgeAt!.N)).toBe(Number(item!.expiresAt!.N) + 86_400);

    // Released run by run; the last one out deletes it. A release twice, or of a run it never held, changes nothing.
    await locks.release(key, 'run-1');
    await locks.release(key, 'run-1');
    await locks.release(key, 'run-never');
    expect(Object.keys((await raw(key))!.runs!.M!)).toEqual(['run-3']);
    await locks.release(key, 'run-3');
    expect(await raw(key)).toBeUndefined();
  });

  test('events share a lock; an expired lock is taken over, and its old run\'s release leaves the new holder alone', async () => {
    const key = 'lock#a/us-east-1/AWS::EC2::SecurityGroup/sg-2';
    expect(await locks.take(req(key, event('e-1'), 'run-e1'))).toEqual({ taken: true });
    expect(await locks.take(req(key, event('e-2'), 'run-e2'))).toEqual({ taken: true });
    expect((await locks.take(req(key, sweep('s-1'), 'run-s'))).taken).toBe(false);
    // An hour later (the 600 s are over): the sweep takes it over.
    expect(await locks.take(req(key, sweep('s-1'), 'run-s', { now: later(3600) }))).toEqual({ taken: true });
    await locks.release(key, 'run-e1');
    expect(await raw(key)).toMatchObject({ kind: { S: 'sweep' }, holder: { S: 's-1' } });
    expect(Object.keys((await raw(key))!.runs!.M!)).toEqual(['run-s']);
  });

  test('a race for one resource: either the events (all of them) or one sweep; never both kinds', async () => {
    const key = 'lock#a/us-east-1/AWS::EC2::SecurityGroup/sg-race';
    const origins = [...[1, 2, 3, 4, 5].map((i) => event(`e-${i}`)), ...[1, 2, 3, 4, 5].map((i) => sweep(`s-${i}`))];
    const answers = await Promise.all(origins.map((o, i) => locks.take(req(key, o, `run-${i}`))));
    const winners = origins.filter((_, i) => answers[i]!.taken);
    const kinds = new Set(winners.map((w) => w.kind));
    expect(kinds.size).toBe(1);
    if (kinds.has('sweep')) expect(winners).toHaveLength(1);
    else expect(winners).toHaveLength(5);
    expect(Object.keys((await raw(key))!.runs!.M!)).toHaveLength(winners.length);
  });
});

test('decisions that stick: remembered with their end as the TTL, recalled by key', async () => {
  const memory = dynamoDecisionMemory({ dynamodb: clients.dynamodb, tableName: TABLE });
  const d: StickyDecision = {
    key: 'decision#sg-world-open-ingress##a/us-east-1/AWS::EC2::SecurityGroup/sg-1', decision: 'denied', control: 'sg-world-open-ingress',
    resource: { type: 'AWS::EC2::SecurityGroup', id: 'sg-1', account: 'a', region: 'us-east-1' }, targets: ['sgr-1'], severity: 'HIGH',
    until: '2027-01-02T00:00:00.000Z', runId: 'run-1', decidedAt: '2026-12-03T00:00:00.000Z', by: 'alice',
  };
  expect(await memory.recall(d.key)).toBeUndefined();
  await memory.remember(d);
  expect(await memory.recall(d.key)).toEqual(d);
  expect((await raw(d.key))!.purgeAt!.N).toBe(String(Date.parse(d.until) / 1000 + 86_400));
});

describe('the Sweep function', () => {
  const deps = { dynamodb: clients.dynamodb(), events: clients.events(), tableName: AUDIT, busName: BUS };
  const sweep = createSweep({ regions: () => 'us-east-1,eu-west-1', ownRegion: () => 'us-east-1', now: () => NOW, record: (s) => recordSweep(s, deps) });

  test('plan: its account (from its own ARN) × its Region × each type; the other Region a gap', async () => {
    const plan = (await sweep({ step: 'plan', sweepId: 'sw-1', startedAt: 't0' }, context)) as SweepPlan;
    expect(plan.items.map((i) => `${i.account} ${i.region} ${i.resourceType}`)).toEqual([
      '123456789012 us-east-1 AWS::EC2::SecurityGroup', '123456789012 us-east-1 AWS::ECS::*', '123456789012 us-east-1 AWS::EKS::Cluster', '123456789012 us-east-1 AWS::ECR::Repository',
    ]);
    expect(plan.gaps.map((g) => g.region)).toEqual(['eu-west-1']);
    await expect(sweep({ step: 'plan' }, context)).rejects.toMatchObject({ name: 'Warden.InvalidInput' });
  });

  test('summarize: written once, published once (a retried Summarize finds the event id)', async () => {
    const plan = (await sweep({ step: 'plan', sweepId: 'sw-2', startedAt: 't0' }, context)) as SweepPlan;
    const results: SweepItemResult[] = plan.items.map((item) => ({ item, resources: 2, findings: 1, runsStarted: 1, duplicates: 0, suppressed: 0, locked: 0, gaps: [], gapCount: 0 }));
    const input = { step: 'summarize', sweepId: 'sw-2', startedAt: 't0', state: { plan: { result: plan }, results } };
    const summary = (await sweep(input, context)) as SweepSummary;
    expect(summary).toMatchObject({ status: 'completed', items: 4, resources: 8, runsStarted: 4, gaps: 1 });
    const first = await getSweepSummary('sw-2', deps);
    expect(first).toEqual(summary);
    const again = await recordSweep(summary, deps);
    expect(again.stored).toBe(false);
    const item = (await clients.dynamodb().send(new GetItemCommand({ TableName: AUDIT, Key: { id: { S: 'sweep#sw-2' } } }))).Item!;
    expect(item.publishedEventId!.S).toBe(again.eventId);
    expect(item).toMatchObject({ kind: { S: 'sweep' }, outcome: { S: 'completed' }, runsStarted: { N: '4' } });
    // A failed sweep is recorded failed, with its error.
    const failed = (await sweep({ step: 'summarize', sweepId: 'sw-3', startedAt: 't0', state: { failure: { Error: 'States.ItemReaderFailed', Cause: 'x' } } }, context)) as SweepSummary;
    expect(failed).toMatchObject({ status: 'failed', error: { error: 'States.ItemReaderFailed' } });
  });
});

describe('a sweep item', () => {
  const policy = defaultPolicy({ controls: { 'sg-default-group-open': { enabled: false } } });
  const started: string[] = [];
  const item = (over: { starter?: Parameters<typeof createSweepItem>[0]['starter']; clientsFor?: (r: string) => ReturnType<typeof regionClients> } = {}) => createSweepItem({
    policy: () => ({ policy }), clientsFor: over.clientsFor ?? regionClients, now: () => NOW, ownRegion: () => 'us-east-1',
    starter: over.starter ?? { async start(name) { started.push(name); return { duplicate: false }; } },
  });
  const input = (resourceType: string, region = 'us-east-1', account = '123456789012') => ({ sweepId: 'sw-i', startedAt: 't0', item: { account, region, resourceType } });

  test('bad input is refused with a clear error; an item of another Region or account is a gap, read nothing', async () => {
    await expect(item()(input('AWS::S3::Bucket'), context)).rejects.toMatchObject({ name: 'Warden.InvalidInput', message: expect.stringContaining('item.resourceType') });
    let built = 0;
    const counting = item({ clientsFor: (r) => (built++, regionClients(r)) });
    const foreign = await counting(input('AWS::EC2::SecurityGroup', 'eu-west-1'), context);
    expect(foreign).toMatchObject({ resources: 0, gapCount: 1, gaps: [expect.objectContaining({ region: 'eu-west-1', error: expect.stringContaining('us-east-1 only') })] });
    expect((await counting(input('AWS::EC2::SecurityGroup', 'us-east-1', '999999999999'), context)).gapCount).toBe(1);
    expect(built).toBe(0);
  });

  test('a refused read is a gap, not an error; a run that cannot start is a gap, and the others start', async () => {
    const ecs = new ECSClient({});
    mockClient(ecs).onAnyCommand().rejects(Object.assign(new Error('not authorized to perform: ecs:ListClusters'), { name: 'AccessDeniedException' }));
    const refused = await item({ clientsFor: (r) => ({ ...regionClients(r), ecs: () => ecs }) })(input('AWS::ECS::*'), context);
    expect(refused).toMatchObject({ resources: 0, runsStarted: 0, gapCount: 1, gaps: [expect.objectContaining({ service: 'ecs', error: expect.stringContaining('AccessDeniedException') })] });

    const vpc = await createVpc();
    for (const name of ['a', 'b']) await allow(await createGroup(vpc, `open-${name}`), tcp(22, '0.0.0.0/0'));
    let calls = 0;
    const flaky = { async start(name: string) { if (++calls === 1) throw new Error('ExecutionLimitExceeded'); started.push(name); return { duplicate: false }; } };
    started.splice(0);
    const out = await item({ starter: flaky })(input('AWS::EC2::SecurityGroup'), context);
    expect(out).toMatchObject({ findings: 2, runsStarted: 1, gapCount: 1, gaps: [expect.objectContaining({ service: 'states', error: expect.stringContaining('ExecutionLimitExceeded') })] });
    expect(started).toHaveLength(1);
  });
});
