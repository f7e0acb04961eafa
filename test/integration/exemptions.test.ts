// Exemption sightings against moto server (no mocks): the first sighting is one conditional put that concurrent
// callers agree on, and LoadLiveState judges a group's exemption with it, at fixed times (no clock, no sleeps).
import { CreateTableCommand, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { clients } from '../../functions/aws/clients';
import { dynamoExemptionSightings } from '../../functions/aws/exemption-sightings';
import type { Finding } from '../../functions/domain/model';
import { defaultPolicy } from '../../functions/domain/policy';
import { toRecord, type RemediationState } from '../../functions/domain/state';
import { loadLiveState } from '../../functions/handlers/load-live-state';
import { allow, createGroup, createVpc, tcp } from '../../local/sandbox';
import { useMoto } from '../support/emulator';

useMoto();

const TABLE = 'warden-audit';
const NOW = new Date('2026-06-01T12:00:00Z');
const DAY = 86_400_000;
const later = (days: number) => new Date(NOW.getTime() + days * DAY);
const sightings = () => dynamoExemptionSightings({ dynamodb: clients.dynamodb, tableName: TABLE });

beforeEach(async () => {
  await clients.dynamodb().send(new CreateTableCommand({
    TableName: TABLE, BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  }));
});

test('the first sighting is recorded once; later and concurrent callers get that time back', async () => {
  const s = sightings();
  const key = 'exemption#123456789012/us-east-1/AWS::EC2::SecurityGroup/sg-1#legacy=CHG-1';
  expect(await s.firstSeen(key, NOW, false)).toBeUndefined(); // read-only: nothing written
  expect((await clients.dynamodb().send(new ScanCommand({ TableName: TABLE }))).Items).toEqual([]);
  const racers = await Promise.all([NOW, later(1), later(2)].map((at) => s.firstSeen(key, at, true)));
  expect(new Set(racers).size).toBe(1); // one winner, whichever it was
  expect(await s.firstSeen(key, later(30), true)).toBe(racers[0]);
  const item = (await clients.dynamodb().send(new GetItemCommand({ TableName: TABLE, Key: { id: { S: key } } }))).Item;
  expect(item).toEqual({ id: { S: key }, kind: { S: 'exemption-sighting' }, firstSeen: { S: racers[0] } });
});

describe('LoadLiveState judges the live tags at its own time', () => {
  const policy = defaultPolicy();
  const stateFor = (groupId: string): RemediationState => {
    const finding: Finding = {
      control: 'sg-world-open-ingress', title: 'Security group allows ingress from the whole internet', severity: 'CRITICAL', evidence: 'world-open ssh',
      resource: { type: 'AWS::EC2::SecurityGroup', id: groupId, account: '123456789012', region: 'us-east-1' },
      remediation: { action: 'revoke-sg-ingress', mode: 'auto', targets: [] },
    };
    return { context: { id: `run-${groupId}`, eventId: 'e1', source: 'config', eventName: 'ConfigurationItemChangeNotification', eventTime: NOW.toISOString(), finding, requestedAt: NOW.toISOString() }, policy };
  };
  const openGroup = async (tags: Record<string, string>) => {
    const groupId = await createGroup(await createVpc(), 'exempted', tags);
    await allow(groupId, tcp(22, '0.0.0.0/0'));
    return groupId;
  };

  test('a legacy exemption: notify for 90 days from its first sighting, then Warden acts; the record says why each time', async () => {
    const groupId = await openGroup({ 'warden:exempt': 'CHG-1' });
    const at = (now: Date) => loadLiveState(stateFor(groupId), clients, { now: () => now, sightings: sightings() });
    const first = await at(NOW);
    expect(first).toMatchObject({ stillViolating: true, mode: 'notify', exemption: { status: 'active', legacy: 'CHG-1', firstSeen: '2026-06-01T12:00:00Z', expiresAt: '2026-08-30T12:00:00Z', capped: true } });
    expect(first.modeReasons).toEqual([`${first.exemption!.why} → notify`]);
    expect((await at(later(89))).mode).toBe('notify');
    const expired = await at(later(91));
    expect(expired).toMatchObject({ mode: 'auto', exemption: { status: 'expired', legacy: 'CHG-1', firstSeen: '2026-06-01T12:00:00Z' } });
    expect(expired.exemption!.why).toBe('exemption expired on 2026-08-30T12:00:00Z: warden:exempt=CHG-1 has no expiry set, so the 90-day cap from first seen 2026-06-01T12:00:00Z applies');
    const record = toRecord({ ...stateFor(groupId), live: { result: expired }, outcome: 'fixed' }, later(91));
    expect(record.exemption).toMatchObject({ status: 'expired', legacy: 'CHG-1', firstSeen: '2026-06-01T12:00:00Z' });
  });

  test('a dated exemption in force, one past its date, one that is not a date', async () => {
    const run = async (tags: Record<string, string>) =>
      loadLiveState(stateFor(await openGroup(tags)), clients, { now: () => NOW, sightings: sightings() });
    expect(await run({ 'warden:exempt-until': '2026-07-15', 'warden:exempt-reason': 'PCI-1234', 'warden:exempt-by': 'alice' })).toMatchObject({
      mode: 'notify', exemption: { status: 'active', until: '2026-07-15', reason: 'PCI-1234', by: 'alice', firstSeen: '2026-06-01T12:00:00Z' },
    });
    expect(await run({ 'warden:exempt-until': '2026-05-31' })).toMatchObject({ mode: 'auto', exemption: { status: 'expired', why: 'exemption expired on 2026-05-31' } });
    expect(await run({ 'warden:exempt-until': 'soon' })).toMatchObject({ mode: 'auto', exemption: { status: 'invalid' } });
    // Only the exemption in force needed a sighting.
    expect((await clients.dynamodb().send(new ScanCommand({ TableName: TABLE }))).Items).toHaveLength(1);
  });
});
