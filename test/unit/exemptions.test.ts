// Exemptions that expire (functions/domain/policy/exemption.ts): what the tags claim, the verdict at a fixed time,
// the cap from the first sighting, the words a finding carries, and evaluate() applying it. No clock is read.
import { readFileSync } from 'node:fs';
import { evaluate } from '../../functions/domain/evaluate';
import type { Finding, Tags } from '../../functions/domain/model';
import { defaultPolicy, parsePolicy } from '../../functions/domain/policy';
import {
  exemptionOf, judgeExemption, needsSighting, readExemption, sightingKey, untilEnds, type Exemption, type ExemptionSightings,
} from '../../functions/domain/policy/exemption';
import { toRecord } from '../../functions/domain/state';

const policy = defaultPolicy();
const NOW = new Date('2026-06-01T12:00:00Z');
const DAY = 86_400_000;
const daysFromNow = (n: number) => new Date(NOW.getTime() + n * DAY).toISOString();
const verdict = (tags: Tags, firstSeen?: string, p = policy): Exemption | undefined => {
  const claim = readExemption(p, tags);
  return claim && judgeExemption(p, claim, { now: NOW, ...(firstSeen ? { firstSeen } : {}) });
};

describe('the rules, one case a row', () => {
  const FIRST = '2026-05-01T09:30:00.000Z'; // 31 days before NOW
  test.each<[string, Tags, string | undefined, Partial<Exemption> | undefined]>([
    ['no exemption tags', { Owner: 'pay' }, undefined, undefined],
    ['a date in the future: in force through that day, UTC', { 'warden:exempt-until': '2026-06-30', 'warden:exempt-reason': 'PCI-1234', 'warden:exempt-by': 'alice' }, FIRST,
      { status: 'active', until: '2026-06-30', expiresAt: '2026-07-01T00:00:00Z', reason: 'PCI-1234', by: 'alice', firstSeen: '2026-05-01T09:30:00Z', why: 'exempt until 2026-06-30 (PCI-1234, granted by alice)' }],
    ['today is still in force (the whole day)', { 'warden:exempt-until': '2026-06-01' }, FIRST, { status: 'active', expiresAt: '2026-06-02T00:00:00Z' }],
    ['a date-time with a zone', { 'warden:exempt-until': '2026-06-01T13:00+01:00' }, FIRST, { status: 'expired', expiresAt: '2026-06-01T12:00:00Z' }],
    ['a date-time a second later', { 'warden:exempt-until': '2026-06-01T12:00:01Z' }, FIRST, { status: 'active', expiresAt: '2026-06-01T12:00:01Z' }],
    ['expired', { 'warden:exempt-until': '2026-05-31', 'warden:exempt-reason': 'PCI-1' }, undefined,
      { status: 'expired', why: 'exemption expired on 2026-05-31 (PCI-1)', expiresAt: '2026-06-01T00:00:00Z' }],
    ['unparsable', { 'warden:exempt-until': 'soon' }, undefined, { status: 'invalid', why: expect.stringMatching(/^exemption date 'soon' is not a date: warden:exempt-until takes a date/) as unknown as string }],
    ['not a real day', { 'warden:exempt-until': '2027-02-30' }, undefined, { status: 'invalid' }],
    ['a date-time without a zone', { 'warden:exempt-until': '2027-01-31T18:00:00' }, undefined, { status: 'invalid' }],
    ['empty', { 'warden:exempt-until': '' }, undefined, { status: 'invalid', why: expect.stringContaining("exemption date '' is not a date") as unknown as string }],
    ['legacy, within the cap from its first sighting', { 'warden:exempt': 'CHG-7' }, FIRST,
      { status: 'active', legacy: 'CHG-7', capped: true, firstSeen: '2026-05-01T09:30:00Z', expiresAt: '2026-07-30T09:30:00Z',
        why: 'exempt until 2026-07-30T09:30:00Z: warden:exempt=CHG-7 has no expiry set, so the 90-day cap from first seen 2026-05-01T09:30:00Z applies' }],
    ['legacy, past the cap', { 'warden:exempt': '' }, '2026-02-01T00:00:00Z',
      { status: 'expired', legacy: '', capped: true, expiresAt: '2026-05-02T00:00:00Z', why: expect.stringMatching(/^exemption expired on 2026-05-02T00:00:00Z: warden:exempt= has no expiry set/) as unknown as string }],
    ['over the cap: it ends at the cap, counted from its first sighting', { 'warden:exempt-until': '2027-12-31', 'warden:exempt-by': 'bob' }, FIRST,
      { status: 'active', until: '2027-12-31', capped: true, expiresAt: '2026-07-30T09:30:00Z', why: expect.stringContaining('warden:exempt-until=2027-12-31 is beyond the 90-day cap from first seen 2026-05-01T09:30:00Z') as unknown as string }],
    ['over the cap and past it', { 'warden:exempt-until': '2027-12-31' }, '2026-01-01T00:00:00Z', { status: 'expired', capped: true, expiresAt: '2026-04-01T00:00:00Z' }],
    ['a date and the legacy tag: the date rules', { 'warden:exempt': 'CHG-1', 'warden:exempt-until': '2026-05-01' }, FIRST, { status: 'expired', legacy: 'CHG-1' }],
    ['bad characters in the reason (";" is not a tag character on ECS, EKS or ECR)', { 'warden:exempt-until': '2026-06-30', 'warden:exempt-reason': 'PCI;1234' }, FIRST,
      { status: 'invalid', why: 'exemption reason "PCI;1234" has characters tags on ECS, EKS and ECR cannot hold (";"): use letters, digits, spaces and + - = . _ : / @' }],
    ['bad characters in who granted it', { 'warden:exempt-until': '2026-06-30', 'warden:exempt-by': '<!channel>' }, FIRST, { status: 'invalid', why: expect.stringContaining('exemption grantor "<!channel>"') as unknown as string }],
    ['every allowed character, and letters of any script', { 'warden:exempt-until': '2026-06-30', 'warden:exempt-reason': 'PCI-1 a+b=c.d_e:f/g@h Ünïcode 工单' }, FIRST, { status: 'active' }],
    ['a reason without an expiry exempts nothing, and says so', { 'warden:exempt-reason': 'PCI-1' }, undefined,
      { status: 'invalid', why: 'warden:exempt-reason set without warden:exempt-until: nothing is exempt until an expiry is set' }],
  ])('%s', (_, tags, firstSeen, expected) => {
    const v = verdict(tags, firstSeen);
    if (expected === undefined) expect(v).toBeUndefined();
    else expect(v).toMatchObject(expected);
  });

  test('the cap is policy: exemptions.maxDays', () => {
    const p = parsePolicy('exemptions: { maxDays: 30 }');
    expect(p.exemptions).toEqual({ tag: 'warden:exempt', maxDays: 30 });
    expect(verdict({ 'warden:exempt': 'x' }, '2026-05-01T12:00:00Z', p)).toMatchObject({ status: 'expired', expiresAt: '2026-05-31T12:00:00Z' });
    expect(() => parsePolicy('exemptions: { maxDays: 0 }')).toThrow();
    expect(defaultPolicy().exemptions.maxDays).toBe(90);
  });

  test('the tag names follow exemptions.tag', () => {
    const p = defaultPolicy({ exemptions: { tag: 'acme:exempt' } });
    expect(verdict({ 'acme:exempt-until': '2026-06-30' }, undefined, p)).toMatchObject({ status: 'active' });
    expect(verdict({ 'warden:exempt-until': '2026-06-30' }, undefined, p)).toBeUndefined();
  });

  test('an unknown first sighting (offline) counts from now, and says so', () => {
    expect(verdict({ 'warden:exempt': 'x' })).toMatchObject({ status: 'active', expiresAt: '2026-08-30T12:00:00Z', why: expect.stringContaining('first seen now (no earlier sighting known here)') });
  });

  test('dates: leap days, offsets, nonsense', () => {
    expect(untilEnds('2028-02-29')).toBe(Date.parse('2028-03-01T00:00:00Z'));
    expect(untilEnds('2027-02-29')).toBeUndefined();
    expect(untilEnds('2027-01-31T18:00:00-05:30')).toBe(Date.parse('2027-01-31T23:30:00Z'));
    for (const bad of ['2027-1-31', '31/01/2027', '2027-01-31T24:00Z', '2027-01-31T18:00+15:00', 'tomorrow', ' 2027-01-31']) expect(untilEnds(bad)).toBeUndefined();
  });

  test('only a claim still to judge needs its first sighting; the key names the resource and the grant', () => {
    const sg = { type: 'AWS::EC2::SecurityGroup', id: 'sg-1', account: '123456789012', region: 'eu-west-1' };
    const claim = (tags: Tags) => readExemption(policy, tags)!;
    expect(needsSighting(claim({ 'warden:exempt': 'x' }), NOW)).toBe(true);
    expect(needsSighting(claim({ 'warden:exempt-until': '2026-07-01' }), NOW)).toBe(true);
    expect(needsSighting(claim({ 'warden:exempt-until': '2026-05-01' }), NOW)).toBe(false);
    expect(needsSighting(claim({ 'warden:exempt-until': 'soon' }), NOW)).toBe(false);
    expect(sightingKey(sg, claim({ 'warden:exempt-until': '2026-07-01', 'warden:exempt-reason': 'A' }))).toBe('exemption#123456789012/eu-west-1/AWS::EC2::SecurityGroup/sg-1#until=2026-07-01');
    // A new reason is the same grant; a new expiry is a new one.
    expect(sightingKey(sg, claim({ 'warden:exempt-until': '2026-07-01', 'warden:exempt-reason': 'B' }))).toBe(sightingKey(sg, claim({ 'warden:exempt-until': '2026-07-01' })));
    expect(sightingKey(sg, claim({ 'warden:exempt': 'CHG-1' }))).toBe('exemption#123456789012/eu-west-1/AWS::EC2::SecurityGroup/sg-1#legacy=CHG-1');
  });
});

/** An in-memory sightings store: the first recorded time for a key stands. */
function memorySightings(): ExemptionSightings & { seen: Map<string, string>; calls: number } {
  const seen = new Map<string, string>();
  const store = {
    seen, calls: 0,
    async firstSeen(key: string, now: Date, record: boolean) {
      store.calls++;
      if (!seen.has(key) && record) seen.set(key, now.toISOString());
      return seen.get(key);
    },
  };
  return store;
}

describe('exemptionOf: the first sighting', () => {
  const sg = { type: 'AWS::EC2::SecurityGroup', id: 'sg-1', account: '123456789012', region: 'us-east-1' };
  test('upgrading does not turn a legacy exemption off: first seen now, in force for the cap, then expired', async () => {
    const sightings = memorySightings();
    const at = (now: Date) => exemptionOf(policy, { ...sg, tags: { 'warden:exempt': 'CHG-1' } }, { now, sightings, record: true });
    expect(await at(NOW)).toMatchObject({ status: 'active', firstSeen: '2026-06-01T12:00:00Z', expiresAt: '2026-08-30T12:00:00Z' });
    expect(await at(new Date(daysFromNow(89)))).toMatchObject({ status: 'active', firstSeen: '2026-06-01T12:00:00Z' });
    expect(await at(new Date(daysFromNow(90)))).toMatchObject({ status: 'expired', why: expect.stringMatching(/^exemption expired on 2026-08-30T12:00:00Z/) });
  });
  test('a read-only caller records nothing, and counts a first sighting from now', async () => {
    const sightings = memorySightings();
    expect(await exemptionOf(policy, { ...sg, tags: { 'warden:exempt': 'x' } }, { now: NOW, sightings })).toMatchObject({ status: 'active', firstSeen: '2026-06-01T12:00:00Z' });
    expect(sightings.seen.size).toBe(0);
  });
  test('expired and invalid exemptions need no store', async () => {
    const sightings = memorySightings();
    await exemptionOf(policy, { ...sg, tags: { 'warden:exempt-until': '2026-01-01' } }, { now: NOW, sightings, record: true });
    await exemptionOf(policy, { ...sg, tags: { 'warden:exempt-until': 'soon' } }, { now: NOW, sightings, record: true });
    expect(sightings.calls).toBe(0);
  });
});

describe('evaluate(): each finding carries its exemption, and one in force makes it notify', () => {
  const sample = (file: string) => JSON.parse(readFileSync(`events/${file}`, 'utf8')) as { detail: { configurationItem: { tags?: Tags } } };
  // A Config item carries the group's tags: the event alone decides.
  const withTags = (tags: Tags) => {
    const e = sample('config/item-ssh-world.json');
    e.detail.configurationItem.tags = tags;
    return e;
  };
  const findings = async (tags: Tags, sightings?: ExemptionSightings) => {
    const d = await evaluate(withTags(tags), { policy, now: NOW, ...(sightings ? { sightings } : {}) });
    expect(d.status).toBe('violation');
    return (d as { findings: Finding[] }).findings;
  };

  test('in force: notify, with the verdict on the finding', async () => {
    const [f] = await findings({ 'warden:exempt-until': '2026-06-30', 'warden:exempt-reason': 'PCI-1234', 'warden:exempt-by': 'alice' });
    expect(f!.remediation.mode).toBe('notify');
    expect(f!.exemption).toMatchObject({ status: 'active', until: '2026-06-30', reason: 'PCI-1234', by: 'alice', why: 'exempt until 2026-06-30 (PCI-1234, granted by alice)' });
  });
  test('expired or unparsable: the control acts as without it, and the finding says why', async () => {
    const [expired] = await findings({ 'warden:exempt-until': '2026-05-30' });
    expect(expired!.remediation.mode).toBe('auto');
    expect(expired!.exemption).toEqual({ status: 'expired', why: 'exemption expired on 2026-05-30', until: '2026-05-30', expiresAt: '2026-05-31T00:00:00Z' });
    const [bad] = await findings({ 'warden:exempt-until': 'soon' });
    expect(bad!.remediation.mode).toBe('auto');
    expect(bad!.exemption?.why).toMatch(/^exemption date 'soon' is not a date/);
  });
  test('triage records the first sighting of a legacy exemption; a sighting 91 days old has expired', async () => {
    const sightings = memorySightings();
    const [f] = await findings({ 'warden:exempt': 'CHG-1' }, sightings);
    expect(f!.remediation.mode).toBe('notify');
    expect([...sightings.seen.values()]).toEqual([NOW.toISOString()]);
    const [key] = sightings.seen.keys();
    sightings.seen.set(key!, new Date(NOW.getTime() - 91 * DAY).toISOString());
    const [later] = await findings({ 'warden:exempt': 'CHG-1' }, sightings);
    expect(later!.remediation.mode).toBe('auto');
    expect(later!.exemption).toMatchObject({ status: 'expired', legacy: 'CHG-1', capped: true });
  });
  test('no clock, exemption tags: a clear error, never a guess', async () => {
    await expect(evaluate(withTags({ 'warden:exempt': 'x' }), { policy })).rejects.toThrow('judging an exemption needs the time');
  });
  test('no exemption tags: no verdict, and no clock needed', async () => {
    const d = await evaluate(withTags({ Owner: 'pay' }), { policy });
    expect((d as { findings: Finding[] }).findings.every((f) => f.exemption === undefined)).toBe(true);
  });
});

test('the audit record carries the exemption the run decided with', () => {
  const exemption: Exemption = { status: 'active', why: 'exempt until 2026-06-30 (PCI-1234, granted by alice)', until: '2026-06-30', reason: 'PCI-1234', by: 'alice', expiresAt: '2026-07-01T00:00:00Z', firstSeen: '2026-06-01T12:00:00Z' };
  const finding: Finding = {
    control: 'sg-world-open-ingress', title: 't', severity: 'HIGH', evidence: 'e', exemption,
    resource: { type: 'AWS::EC2::SecurityGroup', id: 'sg-1', account: '123456789012', region: 'us-east-1', tags: { 'warden:exempt-until': '2026-06-30' } },
    remediation: { action: 'revoke-sg-ingress', mode: 'notify', targets: ['sgr-1'] },
  };
  const context = { id: 'r1', eventId: 'e1', source: 'cloudtrail' as const, eventName: 'AuthorizeSecurityGroupIngress', eventTime: NOW.toISOString(), finding, requestedAt: NOW.toISOString() };
  const plan = { action: 'revoke-sg-ingress', resource: finding.resource, targets: ['sgr-1'], steps: [] };
  const record = toRecord({
    context, policy, outcome: 'notified',
    live: { result: { stillViolating: true, mode: 'notify', modeReasons: [`${exemption.why} → notify`], exemption, plan, channel: '#sec' } },
  }, NOW);
  expect(record.exemption).toEqual(exemption);
  expect(record.finding.exemption).toEqual(exemption);
  expect(record.modeReasons).toEqual(['exempt until 2026-06-30 (PCI-1234, granted by alice) → notify']);
  // No exemption: no key at all.
  const plain = toRecord({ context, policy, outcome: 'fixed', live: { result: { stillViolating: true, mode: 'auto', plan, channel: '#sec' } } }, NOW);
  expect('exemption' in plain).toBe(false);
});
