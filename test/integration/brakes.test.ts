// The brakes table against moto server: the breaker's spend under concurrent callers, once per run, per window; trips,
// the held list, release and reset; and the gate that Apply and a runbook's Brake step run. The clock is a value given
// to each call. moto's threaded server does not make DynamoDB transactions atomic by itself (racing transactions undo
// each other's writes): local/moto.ts serializes its DynamoDB operations, as DynamoDB itself guarantees, so the race
// below tests Warden's conditions, not moto's luck.
import { CreateTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand } from '@aws-sdk/client-eventbridge';
import { brakesTable, KEYS, type BrakesTable } from '../../functions/aws/brakes-table';
import { clients } from '../../functions/aws/clients';
import { checkBeforeChange, holdAtModeStep, type GateDeps } from '../../functions/brakes/gate';
import { limitHold, limitsFor, windowAt } from '../../functions/domain/brakes';
import { recordRemediation } from '../../functions/handlers/record-audit';
import { defaultPolicy, type PolicyInput } from '../../functions/domain/policy';
import type { RemediationState } from '../../functions/domain/state';
import type { MetricPoint } from '../../functions/runtime/metric-catalog';
import { useMoto } from '../support/emulator';

useMoto();
const TABLE = 'brakes';
const T0 = new Date('2031-01-01T10:01:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

let table: BrakesTable;
beforeEach(async () => {
  await clients.dynamodb().send(new CreateTableCommand({
    TableName: TABLE, BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  }));
  table = brakesTable({ dynamodb: clients.dynamodb, tableName: TABLE });
});

const count = async (id: string) => Number((await clients.dynamodb().send(new GetItemCommand({ TableName: TABLE, Key: { id: { S: id } }, ConsistentRead: true }))).Item?.n?.N ?? 0);
const finding = (control = 'sg-world-open-ingress', account = '111122223333') => ({ control, resource: { type: 'AWS::EC2::SecurityGroup' as const, id: 'sg-1', account, region: 'us-east-1' } });
const limits = (policy: PolicyInput = {}, f = finding()) => limitsFor(defaultPolicy(policy), 'fix', f);

describe('spend', () => {
  test('20 concurrent spends against a control limit of 5: exactly 5 succeed, and every count stops at 5', async () => {
    const w = windowAt(T0, 15);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => table.spend(`run-${i}`, limits(), w, T0)));
    expect(results.filter((r) => r.spent)).toHaveLength(5);
    const refused = results.filter((r) => !r.spent);
    expect(refused).toHaveLength(15);
    expect(new Set(refused.map((r) => JSON.stringify(r)))).toEqual(new Set([JSON.stringify({ spent: false, scope: 'control:sg-world-open-ingress', count: 5, limit: 5 })]));
    // All or none: the account and total counts moved only with the control's.
    expect(await count(KEYS.counter('control:sg-world-open-ingress', w))).toBe(5);
    expect(await count(KEYS.counter('account:111122223333', w))).toBe(5);
    expect(await count(KEYS.counter('total', w))).toBe(5);
  });

  test('per account and in total: the first full count holds, whichever it is', async () => {
    const w = windowAt(T0, 15);
    const policy = { limits: { perAccount: 2, perControl: 10, total: 3 } };
    const a = ['x', 'y', 'z'].map((c) => limits(policy, finding(c, '111122223333')));
    expect((await table.spend('a1', a[0]!, w, T0)).spent).toBe(true);
    expect((await table.spend('a2', a[1]!, w, T0)).spent).toBe(true);
    expect(await table.spend('a3', a[2]!, w, T0)).toEqual({ spent: false, scope: 'account:111122223333', count: 2, limit: 2 });
    expect((await table.spend('b1', limits(policy, finding('x', '444455556666')), w, T0)).spent).toBe(true);
    expect(await table.spend('b2', limits(policy, finding('y', '444455556666')), w, T0)).toEqual({ spent: false, scope: 'total', count: 3, limit: 3 });
  });

  test('once per run: a retried spend (same run id) goes on without spending again, even when the count is full', async () => {
    const w = windowAt(T0, 15);
    const one = limits({ limits: { perControl: 1 } });
    expect(await table.spend('run-1', one, w, T0)).toEqual({ spent: true, again: false });
    expect(await table.spend('run-1', one, w, T0)).toEqual({ spent: true, again: true });
    expect(await count(KEYS.counter('control:sg-world-open-ingress', w))).toBe(1);
    expect((await table.spend('run-2', one, w, T0)).spent).toBe(false);
  });

  test('a fixed window: the next window counts from zero', async () => {
    const one = limits({ limits: { perControl: 1 } });
    expect((await table.spend('run-1', one, windowAt(T0, 15), T0)).spent).toBe(true);
    expect((await table.spend('run-2', one, windowAt(at(13), 15), at(13))).spent).toBe(false); // 10:14, same window
    expect((await table.spend('run-3', one, windowAt(at(14), 15), at(14))).spent).toBe(true); // 10:15, the next one
  });

  test('a limit of 0 holds every automatic change', async () => {
    expect(await table.spend('run-1', limits({ limits: { total: 0 } }), windowAt(T0, 15), T0)).toEqual({ spent: false, scope: 'total', count: 0, limit: 0 });
  });
});

test('trip: the first run to trip a scope in a window is told so (and its retries), later runs not; the waiting count is a set', async () => {
  const w = windowAt(T0, 15);
  const full = { scope: 'total', count: 5, limit: 5 };
  const first = await Promise.all(['run-6', 'run-7', 'run-8'].map((r) => table.trip(r, full, w, T0)));
  expect(first.filter(Boolean)).toHaveLength(1);
  const winner = ['run-6', 'run-7', 'run-8'][first.indexOf(true)]!;
  expect(await table.trip(winner, full, w, T0)).toBe(true);
  expect(await table.trip('run-9', full, windowAt(at(15), 15), at(15))).toBe(true); // a new window trips again
  expect(await table.waiting('run-6', w)).toBe(1);
  expect(await table.waiting('run-7', w)).toBe(2);
  expect(await table.waiting('run-6', w)).toBe(2);
  expect((await table.current(T0)).trips).toEqual([expect.objectContaining({ scope: 'total', firstRun: winner, count: 5, limit: 5 })]);
});

test('the held list: a held run is listed; a release marks it once (a retry of the same release is fine), and it is never listed again', async () => {
  const entry = { runId: 'run-1', reason: 'limit' as const, why: 'breaker: total 5/5', heldAt: T0.toISOString(), workflow: 'remediate', control: 'c', resource: 'r', account: '1' };
  await table.putHeld(entry);
  expect(await table.heldRuns()).toEqual([{ ...entry, status: 'held' }]);
  expect(await table.release('run-1', { by: 'alice', as: 'release-1', at: at(1).toISOString() })).toBe('released');
  expect(await table.release('run-1', { by: 'alice', as: 'release-1', at: at(1).toISOString() })).toBe('released');
  expect(await table.release('run-1', { by: 'bob', as: 'release-2', at: at(2).toISOString() })).toBe('taken');
  expect(await table.release('run-0', { by: 'bob', as: 'release-3', at: at(2).toISOString() })).toBe('unknown');
  await table.putHeld(entry); // a late retry of the held run's Record
  expect(await table.heldRuns()).toEqual([{ ...entry, status: 'released', releasedBy: 'alice', releasedAs: 'release-1', releasedAt: at(1).toISOString() }]);
});

test('reset clears the current window (counts, trips, waiting), and nothing of another window', async () => {
  const before = windowAt(at(-15), 15);
  const now = windowAt(T0, 15);
  await table.spend('old', limits(), before, at(-15));
  for (const r of ['a', 'b']) await table.spend(r, limits(), now, T0);
  await table.trip('b', { scope: 'total', count: 2, limit: 2 }, now, T0);
  await table.waiting('c', now);
  const cleared = await table.reset(T0);
  expect(cleared.counters.map((c) => `${c.scope} ${c.count}/${c.limit}`)).toEqual(['account:111122223333 2/10', 'control:sg-world-open-ingress 2/5', 'total 2/50']);
  expect(cleared.trips.map((t) => t.scope)).toEqual(['total']);
  expect(await table.current(T0)).toEqual({ counters: [], trips: [] });
  expect(await table.waiting('d', now)).toBe(1);
  expect(await count(KEYS.counter('total', before))).toBe(1);
  expect((await table.spend('e', limits(), now, T0)).spent).toBe(true);
});

describe('the gate', () => {
  const state = (over: Partial<RemediationState> = {}, id = 'run-1'): RemediationState => ({
    context: {
      id, eventId: 'e', source: 'cloudtrail', eventName: 'AuthorizeSecurityGroupIngress', eventTime: 't', requestedAt: T0.toISOString(),
      finding: { ...finding(), title: 't', severity: 'HIGH', evidence: 'e', remediation: { action: 'revoke-sg-ingress', mode: 'auto', targets: [] } },
    },
    policy: defaultPolicy(),
    ...over,
  });
  const gate = (policy: PolicyInput = {}, now = T0): GateDeps => ({ deployed: async () => defaultPolicy(policy), table: async () => table, now: () => now });

  test('an automatic fix spends; past the limit it is held with the full count, and the first held run trips', async () => {
    const g = gate({ limits: { perControl: 1 } });
    expect(await checkBeforeChange(state({}, 'r1'), 'fix', g)).toEqual({ why: 'one token spent (account:111122223333 of 10, control:sg-world-open-ingress of 1, total of 50 in 15 min from 10:00Z)' });
    const held = await checkBeforeChange(state({}, 'r2'), 'fix', g);
    expect(held.held).toMatchObject({
      reason: 'limit', stage: 'change', scope: 'control:sg-world-open-ingress', count: 1, limit: 1, firstOfTrip: true, waiting: 1,
      why: 'breaker: control:sg-world-open-ingress 1/1 in 15 min from 10:00Z', window: { start: '2031-01-01T10:00:00.000Z', minutes: 15 },
    });
    expect((await checkBeforeChange(state({}, 'r3'), 'fix', g)).held).toMatchObject({ firstOfTrip: false, waiting: 2 });
  });

  test('a person decided: approved, released or started by hand spend nothing', async () => {
    const g = gate({ limits: { total: 0 } });
    const approval = { decision: 'approved' as const, approvalId: 'A', decidedBy: 'U0LEAD', decidedAt: T0.toISOString(), via: 'slack' as const };
    expect(await checkBeforeChange(state({ approval }), 'fix', g)).toEqual({ why: 'not counted: approved by U0LEAD' });
    const released = state();
    released.context.release = { of: 'held-1', by: 'alice', at: T0.toISOString() };
    expect(await checkBeforeChange(released, 'fix', g)).toEqual({ why: 'not counted: released by alice' });
    const manual = state();
    manual.context = { ...manual.context, source: 'manual', actor: { arn: 'arn:aws:iam::1:user/bob' } };
    expect(await checkBeforeChange(manual, 'containment', g)).toEqual({ why: 'not counted: started by hand by arn:aws:iam::1:user/bob' });
    expect(await table.current(T0)).toEqual({ counters: [], trips: [] });
  });

  test('paused holds every change, decided by a person or not, and spends nothing; the mode step holds only what would change', async () => {
    const g = gate({ paused: true });
    const approval = { decision: 'approved' as const, approvalId: 'A', decidedBy: 'U0LEAD', decidedAt: T0.toISOString(), via: 'slack' as const };
    for (const s of [state(), state({ approval })]) {
      expect((await checkBeforeChange(s, 'fix', g)).held).toEqual({ reason: 'paused', stage: 'change', at: T0.toISOString(), firstOfTrip: false, why: 'Warden is paused (policy paused: true): nothing is changed until warden resume' });
    }
    expect(await table.current(T0)).toEqual({ counters: [], trips: [] });
    expect(await holdAtModeStep('auto', g)).toMatchObject({ reason: 'paused', stage: 'mode' });
    expect(await holdAtModeStep('approval', g)).toMatchObject({ reason: 'paused', stage: 'mode' });
    expect(await holdAtModeStep('notify', g)).toBeUndefined();
    expect(await holdAtModeStep('dry-run', g)).toBeUndefined();
    expect(await holdAtModeStep('auto', gate())).toBeUndefined();
  });

  test('no valid policy (the loader failed closed): the brakes hold every change too, so an unreadable document never lifts a pause', async () => {
    const g: GateDeps = { deployed: async () => ({ ...defaultPolicy(), failedClosed: 'cannot read /warden/w/policy' }), table: async () => table, now: () => T0 };
    expect((await checkBeforeChange(state(), 'fix', g)).held).toMatchObject({ reason: 'paused', why: 'no valid policy (cannot read /warden/w/policy): failing closed, nothing is changed' });
    expect(await holdAtModeStep('auto', g)).toMatchObject({ reason: 'paused', stage: 'mode' });
    expect(await table.current(T0)).toEqual({ counters: [], trips: [] });
  });

  test('containment counts on its own limit', async () => {
    const g = gate({ limits: { containment: 1, total: 0 } });
    expect((await checkBeforeChange(state({}, 'c1'), 'containment', g)).held).toBeUndefined();
    expect((await checkBeforeChange(state({}, 'c2'), 'containment', g)).held).toMatchObject({ scope: 'containment', count: 1, limit: 1 });
  });
});

test('Record: a held run is listed once its record is written, and its metrics are emitted once (a retried Record lists it again, the same)', async () => {
  await clients.dynamodb().send(new CreateTableCommand({
    TableName: 'audit', BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  }));
  await clients.events().send(new CreateEventBusCommand({ Name: 'bus' }));
  const emitted: MetricPoint[][] = [];
  const deps = { dynamodb: clients.dynamodb, events: clients.events, tableName: 'audit', busName: 'bus', listHeld: table.putHeld.bind(table), metrics: (p: MetricPoint[]) => void emitted.push(p) };
  const held = limitHold(T0, { scope: 'total', count: 1, limit: 1, window: windowAt(T0, 15), firstOfTrip: true, waiting: 1 });
  const state: RemediationState = {
    context: {
      id: 'held-run', eventId: 'e', source: 'cloudtrail', eventName: 'AuthorizeSecurityGroupIngress', eventTime: 't', requestedAt: T0.toISOString(),
      finding: { ...finding(), title: 't', severity: 'HIGH', evidence: 'e', remediation: { action: 'revoke-sg-ingress', mode: 'auto', targets: [] } },
    },
    policy: defaultPolicy(), outcome: 'held', applied: { result: { applied: [], alreadyGone: [], held } },
  };
  expect(await recordRemediation(state, deps)).toMatchObject({ outcome: 'held', stored: true });
  expect(await recordRemediation(state, deps)).toMatchObject({ outcome: 'held', stored: false, duplicate: true });
  expect(emitted).toEqual([[
    { name: 'Remediations', dimensions: { outcome: 'held', workflow: 'remediate' }, value: 1 },
    { name: 'RunsHeld', dimensions: {}, value: 1 }, { name: 'BreakerTripped', dimensions: {}, value: 1 },
  ]]);
  expect(await table.heldRuns()).toEqual([{
    runId: 'held-run', reason: 'limit', why: 'breaker: total 1/1 in 15 min from 10:00Z', heldAt: T0.toISOString(), workflow: 'remediate', control: 'sg-world-open-ingress',
    resource: 'AWS::EC2::SecurityGroup sg-1', account: '111122223333', scope: 'total', windowStart: '2031-01-01T10:00:00.000Z', status: 'held',
  }]);
  await recordRemediation({ ...state, context: { ...state.context, id: 'fixed-run' }, outcome: 'fixed', applied: { result: { applied: ['sgr-1'], alreadyGone: [] } } }, deps);
  expect((await table.heldRuns()).map((h) => h.runId)).toEqual(['held-run']);
  expect(emitted.map((points) => points.map((p) => p.name))).toEqual([['Remediations', 'RunsHeld', 'BreakerTripped'], ['Remediations', 'TimeToFix']]);
});
