import { hasPublicTag, needsFrontEndLookup, publicPorts, withFrontEnd } from '../../functions/domain/front-end';
import type { Observation, SgRule } from '../../functions/domain/model';
import { defaultPolicy } from '../../functions/domain/policy';

const policy = defaultPolicy();
const G = 'sg-0a11c0ffee0000002';
const rule = (from: number, cidr: string, to = from, protocol = 'tcp'): SgRule =>
  ({ groupId: G, isEgress: false, protocol, fromPort: from, toPort: to, ...(cidr.includes(':') ? { cidrIpv6: cidr } : { cidrIpv4: cidr }) });
const observation = (rules: SgRule[], tags?: Record<string, string>): Observation => ({
  source: 'cloudtrail', eventId: 'e', eventName: 'AuthorizeSecurityGroupIngress', time: '2025-05-14T09:12:33Z',
  account: '111122223333', region: 'us-east-1',
  resource: { type: 'AWS::EC2::SecurityGroup', id: G, account: '111122223333', region: 'us-east-1', ...(tags ? { tags } : {}) },
  facts: { kind: 'sg-rules', groupId: G, rules, complete: false },
});

describe('needsFrontEndLookup', () => {
  test('world-open public ports on a group without the public tag (tags unknown count as untagged)', () => {
    for (const r of [rule(443, '0.0.0.0/0'), rule(80, '::/0'), rule(80, '0.0.0.0/0', 80, '6')]) {
      expect(needsFrontEndLookup([r], {}, policy)).toBe(true);
      expect(needsFrontEndLookup([r], undefined, policy)).toBe(true);
    }
  });

  test('not when the answer cannot change the decision', () => {
    const cases: [SgRule[], Record<string, string> | undefined][] = [
      [[rule(443, '0.0.0.0/0')], { 'warden:public': 'true' }], // the tag already allows it
      [[rule(22, '0.0.0.0/0')], {}], // not a public port
      [[rule(80, '0.0.0.0/0', 443)], {}], // a range wider than the public ports
      [[rule(-1, '0.0.0.0/0', -1, '-1')], {}], // all traffic
      [[rule(443, '0.0.0.0/0', 443, 'udp')], {}], // public ports are tcp
      [[rule(443, '10.0.0.0/8')], {}], // not world-open
      [[], {}],
    ];
    for (const [rules, tags] of cases) expect({ rules, need: needsFrontEndLookup(rules, tags, policy) }).toEqual({ rules, need: false });
  });

  test('policy ports and tag are honoured', () => {
    const custom = defaultPolicy({ controls: { 'sg-world-open-ingress': { publicPorts: [8443], publicTag: { key: 'edge', value: 'yes' } } } });
    expect(publicPorts(custom)).toEqual([8443]);
    expect(needsFrontEndLookup([rule(8443, '0.0.0.0/0')], {}, custom)).toBe(true);
    expect(needsFrontEndLookup([rule(443, '0.0.0.0/0')], {}, custom)).toBe(false);
    expect(hasPublicTag({ edge: 'yes' }, custom)).toBe(true);
    expect(hasPublicTag({ 'warden:public': 'true' }, custom)).toBe(false);
  });
});

describe('withFrontEnd', () => {
  test('sets the answer (a reason or null) only when it matters, and looks up only then', async () => {
    const asked: string[] = [];
    const live = (answer: string | null) => ({ publicFrontEnd: async (id: string) => { asked.push(id); return answer; } });
    const https = observation([rule(443, '0.0.0.0/0')], {});
    expect((await withFrontEnd(https, live('security group of internet-facing load balancer app/web/1'), policy)).facts)
      .toMatchObject({ frontEnd: 'security group of internet-facing load balancer app/web/1' });
    expect((await withFrontEnd(https, live(null), policy)).facts).toMatchObject({ frontEnd: null });
    expect(asked).toEqual([G, G]);

    const ssh = observation([rule(22, '0.0.0.0/0')], {});
    expect(await withFrontEnd(ssh, live('x'), policy)).toBe(ssh);
    const tagged = observation([rule(443, '0.0.0.0/0')], { 'warden:public': 'true' });
    expect(await withFrontEnd(tagged, live('x'), policy)).toBe(tagged);
    expect(asked).toHaveLength(2);
  });

  test('offline (no lookup) and other facts are left alone', async () => {
    const https = observation([rule(443, '0.0.0.0/0')], {});
    expect(await withFrontEnd(https, {}, policy)).toBe(https);
    const flagged: Observation = { ...https, facts: { kind: 'sg-flagged', groupId: G, flaggedBy: 'Config restricted-common-ports' } };
    expect(await withFrontEnd(flagged, { publicFrontEnd: async () => 'x' }, policy)).toBe(flagged);
  });
});
