// sg-world-open-ingress: how each world-open rule is handled (revoke, approval, notify), and the event/live-read split.
import { sgWorldOpenIngress } from '../../../functions/domain/controls/sg-world-open-ingress';
import { evaluate } from '../../../functions/domain/evaluate';
import type { LiveSecurityGroup, LiveState, Observation, SgRule } from '../../../functions/domain/model';
import { defaultPolicy } from '../../../functions/domain/policy';
import { sample } from '../events/fixtures';
import { exempted } from '../../support/exemptions';

const rule = (ruleId: string, over: Partial<SgRule>): SgRule => ({ ruleId, groupId: 'sg-1', isEgress: false, protocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0', ...over });
const obs = (rules: SgRule[], extra: { tags?: Record<string, string>; frontEnd?: string | null; eventRuleIds?: string[] } = {}): Observation => ({
  source: 'cloudtrail', eventId: 'e', eventName: 'AuthorizeSecurityGroupIngress', time: 't', account: '1', region: 'us-east-1',
  resource: { type: 'AWS::EC2::SecurityGroup', id: 'sg-1', account: '1', region: 'us-east-1', ...(extra.tags ? { tags: extra.tags } : {}) },
  facts: {
    kind: 'sg-rules', groupId: 'sg-1', rules, complete: false,
    ...(extra.frontEnd !== undefined ? { frontEnd: extra.frontEnd } : {}), ...(extra.eventRuleIds ? { eventRuleIds: extra.eventRuleIds } : {}),
  },
});
const policy = defaultPolicy();
const summary = (o: Observation, p = policy) =>
  sgWorldOpenIngress.evaluate(o, p).findings.map((f) => ({ targets: f.remediation.targets, mode: f.remediation.mode, runKey: f.remediation.runKey, origin: f.origin }));

describe('ICMP by policy', () => {
  test.each([
    ['echo request', { protocol: 'icmp', fromPort: 8, toPort: 0 }],
    ['echo request, any code', { protocol: 'icmp', fromPort: 8, toPort: -1 }],
    ['path MTU (fragmentation needed)', { protocol: '1', fromPort: 3, toPort: 4 }],
    ['IPv6 echo', { protocol: 'icmpv6', fromPort: 128, toPort: -1, cidrIpv4: undefined, cidrIpv6: '::/0' }],
    ['IPv6 packet too big', { protocol: '58', fromPort: 2, toPort: 0, cidrIpv4: undefined, cidrIpv6: '::/0' }],
  ])('%s from anywhere is notified, never revoked', (_, over) => {
    expect(summary(obs([rule('sgr-i', over as Partial<SgRule>)], { tags: {} }))).toEqual([{ targets: ['sgr-i'], mode: 'notify', runKey: 'notify-icmp', origin: undefined }]);
  });
  test.each([
    ['all ICMP', { protocol: 'icmp', fromPort: -1, toPort: -1 }],
    ['all destination-unreachable codes', { protocol: 'icmp', fromPort: 3, toPort: -1 }],
    ['timestamp', { protocol: 'icmp', fromPort: 13, toPort: 0 }],
  ])('%s follows the control mode', (_, over) => {
    expect(summary(obs([rule('sgr-i', over as Partial<SgRule>)], { tags: {} }))).toEqual([{ targets: ['sgr-i'], mode: 'auto', runKey: undefined, origin: undefined }]);
  });
  test('the list is policy', () => {
    const p = defaultPolicy({ network: { icmpNotify: { icmp: [], icmpv6: [] } } });
    expect(summary(obs([rule('sgr-i', { protocol: 'icmp', fromPort: 8, toPort: 0 })], { tags: {} }), p)[0]?.mode).toBe('auto');
  });
});

describe('runs kept apart', () => {
  const ssh = rule('sgr-ssh', {});
  const https = rule('sgr-443', { fromPort: 443, toPort: 443 });
  const rdp = rule('sgr-rdp', { fromPort: 3389, toPort: 3389 });
  test('on a group that is not a front end, 22 is revoked now and 443 waits for an approval, in separate runs', () => {
    expect(summary(obs([ssh, https], { tags: {}, frontEnd: null }))).toEqual([
      { targets: ['sgr-ssh'], mode: 'auto', runKey: undefined, origin: undefined },
      { targets: ['sgr-443'], mode: 'approval', runKey: 'approve-public-port', origin: undefined },
    ]);
  });
  test('on a front end found live, only 22 goes', () => {
    expect(summary(obs([ssh, https], { tags: {}, frontEnd: 'security group of internet-facing load balancer app/web/1' }))).toEqual([
      { targets: ['sgr-ssh'], mode: 'auto', runKey: undefined, origin: undefined },
    ]);
  });
  test('a rule the event did not name is found on the live read, in its own run', () => {
    const found = sgWorldOpenIngress.evaluate(obs([ssh, rdp], { tags: {}, eventRuleIds: ['sgr-ssh'] }), policy).findings;
    expect(found.map((f) => [f.remediation.targets, f.remediation.runKey, f.origin])).toEqual([[['sgr-ssh'], undefined, undefined], [['sgr-rdp'], 'live-read', 'live-read']]);
    expect(found[1]!.evidence).toMatch(/found on the live read/);
  });
  test('an exemption or a stricter environment still wins over every floor', () => {
    const p = defaultPolicy({ environments: { modes: { prod: 'dry-run' } } });
    expect(summary(obs([ssh, https], { tags: { Environment: 'prod' }, frontEnd: null }), p).map((f) => f.mode)).toEqual(['dry-run', 'dry-run']);
    // The exemption is applied by evaluate() once judged (it needs the time): over the auto and approval floors alike.
    const tags = { 'warden:exempt': 'x' };
    expect(summary(obs([ssh, https], { tags, frontEnd: null })).map((f) => [f.mode, exempted(f.mode, tags)])).toEqual([['auto', 'notify'], ['approval', 'notify']]);
  });
});

/** A LiveState over one in-memory group; counts the front-end lookups. */
function liveGroup(group: LiveSecurityGroup, frontEnd: string | null) {
  const calls = { frontEnd: 0 };
  const live: LiveState = {
    securityGroup: async (id) => (id === group.groupId ? group : undefined),
    publicFrontEnd: async () => { calls.frontEnd++; return frontEnd; },
  };
  return { live, calls };
}

describe('triage with live state', () => {
  const event = sample('cloudtrail/authorize-ssh-world.json');
  const groupId = 'sg-0a11c0ffee0000001';
  const own = rule('sgr-0a11c0ffee00000a1', { groupId });
  const oldRdp = rule('sgr-old-rdp', { groupId, fromPort: 3389, toPort: 3389 });
  const https = rule('sgr-https', { groupId, fromPort: 443, toPort: 443 });

  test('22 opened on a group that already had 3389 open: both found, the old one in its own run, as found on the live read', async () => {
    const { live } = liveGroup({ groupId, tags: {}, rules: [own, oldRdp] }, null);
    const d = await evaluate(event, { policy, live });
    if (d.status !== 'violation') throw new Error(d.status);
    expect(d.findings.map((f) => [f.remediation.targets, f.origin ?? 'event'])).toEqual([[['sgr-0a11c0ffee00000a1'], 'event'], [['sgr-old-rdp'], 'live-read']]);
  });

  test('the front-end lookup is made only when public ports are open to the world on an untagged group', async () => {
    const tagged = liveGroup({ groupId, tags: { 'warden:public': 'true' }, rules: [own, https] }, null);
    await evaluate(event, { policy, live: tagged.live });
    expect(tagged.calls.frontEnd).toBe(0);
    const plain = liveGroup({ groupId, tags: {}, rules: [own] }, null);
    await evaluate(event, { policy, live: plain.live });
    expect(plain.calls.frontEnd).toBe(0);
    const untagged = liveGroup({ groupId, tags: {}, rules: [own, https] }, 'security group of internet-facing load balancer app/web/1');
    const d = await evaluate(event, { policy, live: untagged.live });
    expect(untagged.calls.frontEnd).toBe(1);
    if (d.status !== 'violation') throw new Error(d.status);
    expect(d.findings.flatMap((f) => f.remediation.targets)).toEqual(['sgr-0a11c0ffee00000a1']);
  });

  test('a group deleted since the event: ignored, nothing started', async () => {
    const { live } = liveGroup({ groupId: 'sg-other', tags: {}, rules: [] }, null);
    const d = await evaluate(event, { policy, live });
    expect(d.status).toBe('ignored');
  });

  test('with live state no mode caveat: tags are known', async () => {
    const { live } = liveGroup({ groupId, tags: {}, rules: [own] }, null);
    const d = await evaluate(event, { policy, live });
    if (d.status !== 'violation') throw new Error(d.status);
    expect(d.findings[0]!.modeMayTighten).toBeUndefined();
  });
});
