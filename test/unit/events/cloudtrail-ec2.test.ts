import { evaluate } from '../../../functions/domain/evaluate';
import { normalize } from '../../../functions/domain/events';
import type { LiveState, Normalized, SgRule } from '../../../functions/domain/model';
import { isWorldOpen } from '../../../functions/domain/net';
import { defaultPolicy } from '../../../functions/domain/policy';
import { ACCOUNT, authorize, authorizeRequest, cloudTrail, observed, permission, responseRule, sample, SG } from './fixtures';

const policy = defaultPolicy();

const rulesOf = (n: Normalized): SgRule[] => {
  const f = observed(n).facts;
  if (f.kind !== 'sg-rules') throw new Error(`expected sg-rules, got ${f.kind}`);
  return f.rules;
};
const base = { groupId: SG, isEgress: false };

describe('CloudTrail item lists', () => {
  const open22 = { ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: { items: { cidrIp: '0.0.0.0/0' } } };

  test('items as an array', () => {
    expect(rulesOf(normalize(authorizeRequest([open22])))).toEqual([{ ...base, protocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' }]);
  });

  test('items as a single object (at every level)', () => {
    expect(rulesOf(normalize(authorizeRequest(open22)))).toEqual([{ ...base, protocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' }]);
  });

  test('empty containers {} and absent lists yield no sources: a record without any rule is read live', () => {
    // A successful Authorize call always adds a rule, so "no rule" in the record means "unknown", never "compliant".
    const p = { ipProtocol: 'tcp', fromPort: 22, toPort: 22, groups: {}, ipRanges: {}, ipv6Ranges: {}, prefixListIds: {} };
    const flagged = { kind: 'sg-flagged', groupId: SG, flaggedBy: 'CloudTrail AuthorizeSecurityGroupIngress (no readable rule in the record)' };
    expect(observed(normalize(authorizeRequest([p]))).facts).toEqual(flagged);
    const ev = cloudTrail('AuthorizeSecurityGroupIngress', { groupId: SG, ipPermissions: {} }, { securityGroupRuleSet: {} });
    expect(observed(normalize(ev)).facts).toEqual(flagged);
  });

  test('a permission with several sources is split: one rule per CIDR, prefix list and group', () => {
    const p = permission({ from: 443, v4: ['10.0.0.0/8', '0.0.0.0/0'], v6: ['::/0'], pl: ['pl-0123456789abcdef0'], groups: ['sg-0fedcba9876543210'] });
    const rules = rulesOf(normalize(authorizeRequest([p])));
    expect(rules.map((r) => r.cidrIpv4 ?? r.cidrIpv6 ?? r.prefixListId ?? r.referencedGroupId)).toEqual([
      '10.0.0.0/8', '0.0.0.0/0', '::/0', 'pl-0123456789abcdef0', 'sg-0fedcba9876543210',
    ]);
    expect(rules.every((r) => r.protocol === 'tcp' && r.fromPort === 443 && r.toPort === 443 && !r.ruleId)).toBe(true);
  });
});

describe('rule sources and ports', () => {
  test('the response rule set is the source of rules (it has the sgr- ids)', () => {
    const ev = authorize([permission({ from: 22, v4: ['0.0.0.0/0'] })], [responseRule('sgr-0123456789abcdef0', { from: 22, v4: '0.0.0.0/0' })]);
    expect(rulesOf(normalize(ev))).toEqual([{ ...base, ruleId: 'sgr-0123456789abcdef0', protocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' }]);
  });

  test('IPv6 ::/0 is world-open', () => {
    const [rule] = rulesOf(normalize(authorizeRequest([permission({ from: 22, v6: ['::/0'] })])));
    expect(rule).toMatchObject({ cidrIpv6: '::/0' });
    expect(isWorldOpen(rule!)).toBe(true);
  });

  test('all traffic: protocol "-1" and ports -1 when absent', () => {
    const [rule] = rulesOf(normalize(authorizeRequest([permission({ proto: '-1', v4: ['0.0.0.0/0'] })])));
    expect(rule).toMatchObject({ protocol: '-1', fromPort: -1, toPort: -1 });
  });

  test('protocol numbers are named, ports may be numeric strings', () => {
    const p = { ipProtocol: '6', fromPort: '8080', toPort: '8081', ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } };
    expect(rulesOf(normalize(authorizeRequest([p])))[0]).toMatchObject({ protocol: 'tcp', fromPort: 8080, toPort: 8081 });
  });

  test('prefix list and group references are not world-open; a /32 is not either', async () => {
    for (const p of [permission({ from: 22, pl: ['pl-0123456789abcdef0'] }), permission({ from: 22, groups: ['sg-0fedcba9876543210'] }), permission({ from: 22, v4: ['203.0.113.10/32'] })]) {
      const n = normalize(authorizeRequest([p]));
      expect(rulesOf(n).some(isWorldOpen)).toBe(false);
      expect((await evaluate(authorizeRequest([p]), { policy })).status).toBe('compliant');
    }
  });

  test('response rules keep prefix list and referenced group', () => {
    const ev = authorize([], [responseRule('sgr-1', { from: 443, pl: 'pl-0123456789abcdef0' }), responseRule('sgr-2', { from: 5432, ref: 'sg-0fedcba9876543210' })]);
    expect(rulesOf(normalize(ev)).map((r) => [r.ruleId, r.prefixListId ?? r.referencedGroupId])).toEqual([
      ['sgr-1', 'pl-0123456789abcdef0'],
      ['sgr-2', 'sg-0fedcba9876543210'],
    ]);
  });
});

describe('every documented AuthorizeSecurityGroupIngress request form', () => {
  const factsOf = (n: Normalized) => {
    const f = observed(n).facts;
    if (f.kind !== 'sg-rules') throw new Error(`expected sg-rules, got ${f.kind}`);
    return f;
  };
  const G4 = 'sg-0a11c0ffee0000004';
  const flat = (extra: Record<string, unknown>) => ({ groupId: SG, ipPermissions: {}, ...extra });
  const ssh = { ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIp: '0.0.0.0/0' };

  test('legacy flat form (sample): the response matches the request, so its rules are trusted as they are', () => {
    const f = factsOf(normalize(sample('cloudtrail/authorize-flat-ssh-world.json')));
    expect(f.rules).toEqual([{ ...base, ruleId: 'sgr-0a11c0ffee00000aa', protocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' }]);
    expect(f.readLive).toBeUndefined();
  });

  test('legacy flat form without a response: its one rule, world-open, revoked once live state names it', async () => {
    for (const request of [flat(ssh), { groupId: SG, ...ssh }]) {
      const ev = cloudTrail('AuthorizeSecurityGroupIngress', request, null);
      expect(rulesOf(normalize(ev))).toEqual([{ ...base, protocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' }]);
      const d = await evaluate(ev, { policy });
      expect(d).toMatchObject({ status: 'violation', reason: expect.stringContaining('resolved from live state') });
    }
  });

  test('legacy flat form with a group source (sample): the three rules AWS created, trusted', () => {
    const f = factsOf(normalize(sample('cloudtrail/authorize-flat-group-source.json')));
    const ref = { groupId: G4, isEgress: false, referencedGroupId: 'sg-0a11c0ffee0000002' };
    expect(f.rules).toEqual([
      { ...ref, ruleId: 'sgr-0a11c0ffee00000d3', protocol: 'tcp', fromPort: 0, toPort: 65535 },
      { ...ref, ruleId: 'sgr-0a11c0ffee00000d4', protocol: 'udp', fromPort: 0, toPort: 65535 },
      { ...ref, ruleId: 'sgr-0a11c0ffee00000d5', protocol: 'icmp', fromPort: -1, toPort: -1 },
    ]);
    expect(f.readLive).toBeUndefined();
  });

  test('a flat group source without a response grants full TCP, UDP and ICMP from the named group; with a protocol, only that', async () => {
    const named = flat({ sourceSecurityGroupName: 'payments-app', sourceSecurityGroupOwnerId: ACCOUNT });
    const ev = cloudTrail('AuthorizeSecurityGroupIngress', named, null);
    const ref = { ...base, referencedGroupId: 'payments-app' };
    expect(rulesOf(normalize(ev))).toEqual([
      { ...ref, protocol: 'tcp', fromPort: 0, toPort: 65535 },
      { ...ref, protocol: 'udp', fromPort: 0, toPort: 65535 },
      { ...ref, protocol: 'icmp', fromPort: -1, toPort: -1 },
    ]);
    expect((await evaluate(ev, { policy })).status).toBe('compliant');
    const one = cloudTrail('AuthorizeSecurityGroupIngress', { ...named, ipProtocol: 'tcp', fromPort: 5432, toPort: 5432 }, null);
    expect(rulesOf(normalize(one))).toEqual([{ ...ref, protocol: 'tcp', fromPort: 5432, toPort: 5432 }]);
  });

  test('a default-VPC group named in ipPermissions (groupName) is a reference like any other', () => {
    const p = { ipProtocol: 'tcp', fromPort: 5432, toPort: 5432, groups: { items: [{ groupName: 'payments-app', userId: ACCOUNT }] } };
    expect(rulesOf(normalize(authorizeRequest([p])))).toEqual([{ ...base, protocol: 'tcp', fromPort: 5432, toPort: 5432, referencedGroupId: 'payments-app' }]);
  });

  test('request missing, response present (sample): what AWS created, marked for a live read', () => {
    const f = factsOf(normalize(sample('cloudtrail/authorize-response-only.json')));
    expect(f.rules).toEqual([{ ...base, ruleId: 'sgr-0a11c0ffee00000ab', protocol: 'tcp', fromPort: 3389, toPort: 3389, cidrIpv4: '0.0.0.0/0' }]);
    expect(f.readLive).toBe(true);
  });

  test('request disagreeing with the response (sample): the created rules, the unaccounted request rule without id, live read', () => {
    const f = factsOf(normalize(sample('cloudtrail/authorize-request-disagrees.json')));
    expect(f.rules).toEqual([
      { ...base, ruleId: 'sgr-0a11c0ffee00000ac', protocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' },
      { ...base, protocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '10.0.0.0/16' },
    ]);
    expect(f.readLive).toBe(true);
  });

  test('more created rules than requested, or a malformed request beside a response: the response, marked for a live read', () => {
    const extra = authorize([permission({ from: 22, v4: ['0.0.0.0/0'] })], [
      responseRule('sgr-1', { from: 22, v4: '0.0.0.0/0' }), responseRule('sgr-2', { from: 443, v4: '0.0.0.0/0' }),
    ]);
    expect(factsOf(normalize(extra))).toMatchObject({ readLive: true, rules: [{ ruleId: 'sgr-1' }, { ruleId: 'sgr-2' }] });
    const broken = cloudTrail('AuthorizeSecurityGroupIngress', flat({ cidrIp: '0.0.0.0/0', fromPort: 'ssh' }), { securityGroupRuleSet: { items: [responseRule('sgr-1', { from: 22, v4: '0.0.0.0/0' })] } });
    expect(factsOf(normalize(broken))).toMatchObject({ readLive: true, rules: [{ ruleId: 'sgr-1' }] });
  });

  test('AWS canonicalizes CIDRs: a non-canonical request still agrees with its response', () => {
    const ev = authorize([permission({ from: 443, v4: ['100.68.0.18/18'], v6: ['2001:DB8::5/32'] })], [
      responseRule('sgr-1', { from: 443, v4: '100.68.0.0/18' }), responseRule('sgr-2', { from: 443, v6: '2001:db8::/32' }),
    ]);
    expect(factsOf(normalize(ev)).readLive).toBeUndefined();
  });

  test('a malformed flat form with no response is invalid, naming the problem', () => {
    const cases: [Record<string, unknown>, string][] = [
      [flat({ cidrIp: '0.0.0.0/0', fromPort: 22, toPort: 22 }), 'cidrIp without ipProtocol'],
      [flat({ ipProtocol: 'tcp', fromPort: 22, toPort: 22 }), 'ipProtocol without cidrIp or sourceSecurityGroupName'],
      [flat({ ...ssh, sourceSecurityGroupName: 'payments-app' }), 'both cidrIp and sourceSecurityGroupName'],
      [flat({ ...ssh, fromPort: 'ssh' }), 'detail.requestParameters.fromPort'],
    ];
    for (const [request, problem] of cases) {
      expect(normalize(cloudTrail('AuthorizeSecurityGroupIngress', request, null))).toMatchObject({ kind: 'invalid', reason: expect.stringContaining(problem) });
    }
  });

  test('a group named only by name, with no response to give its id, is invalid with that reason', () => {
    const ev = cloudTrail('AuthorizeSecurityGroupIngress', { groupName: 'launch-wizard-1', ipPermissions: {}, ...ssh }, null);
    expect(normalize(ev)).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('names its group by name only (launch-wizard-1') });
  });

  test('with live state, a record marked for a live read decides from the live rule; so does a trusted one (triage reads the whole group)', async () => {
    const calls: string[] = [];
    const live: LiveState = {
      async securityGroup(groupId) {
        calls.push('rules');
        return { groupId, tags: {}, rules: [{ ...base, ruleId: 'sgr-0a11c0ffee00000ab', protocol: 'tcp', fromPort: 3389, toPort: 3389, cidrIpv4: '10.0.0.0/8' }] };
      },
    };
    // The response said 0.0.0.0/0, live state says the rule is private now: compliant, from the live read.
    expect((await evaluate(sample('cloudtrail/authorize-response-only.json'), { policy, live })).status).toBe('compliant');
    expect(calls).toEqual(['rules']);
    calls.length = 0;
    // The flat-form record's own rule is gone from the live group: nothing to fix, however trusted the record.
    expect((await evaluate(sample('cloudtrail/authorize-flat-ssh-world.json'), { policy, live })).status).toBe('compliant');
    expect(calls).toEqual(['rules']);
  });
});

describe('padding never hides the open rule', () => {
  const N = 300;
  const OPEN = 211;
  const harmless = (i: number) => `198.51.${Math.floor(i / 250)}.${(i % 250) + 1}/32`;

  test(`${N} permissions, one open: found with its sgr- id`, async () => {
    const perms = [];
    const rules = [];
    for (let i = 0; i < N; i++) {
      const cidr = i === OPEN ? '0.0.0.0/0' : harmless(i);
      perms.push(permission({ from: 22, v4: [cidr] }));
      rules.push(responseRule(`sgr-${i.toString(16).padStart(17, '0')}`, { from: 22, v4: cidr }));
    }
    const decision = await evaluate(authorize(perms, rules), { policy });
    if (decision.status !== 'violation') throw new Error(decision.status);
    expect(decision.findings[0]!.remediation.targets).toEqual([`sgr-${OPEN.toString(16).padStart(17, '0')}`]);
  });

  test('one permission holding hundreds of ranges, the open one last', () => {
    const v4 = Array.from({ length: N }, (_, i) => harmless(i));
    v4.push('0.0.0.0/0');
    const rules = rulesOf(normalize(authorizeRequest([permission({ from: 22, v4 })])));
    expect(rules).toHaveLength(N + 1);
    expect(rules.filter(isWorldOpen).map((r) => r.cidrIpv4)).toEqual(['0.0.0.0/0']);
  });

  /** Timing-free linearity: every input item is read a fixed number of times, whatever the list length. */
  test('work is linear in the number of permissions', () => {
    const reads = (n: number, via: 'request' | 'response') => {
      let count = 0;
      const counted = (o: Record<string, unknown>) => {
        const copy: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(o)) {
          Object.defineProperty(copy, k, { enumerable: true, get: () => { count++; return v; } });
        }
        return copy;
      };
      const perms = Array.from({ length: n }, (_, i) => counted(permission({ from: 22, v4: [harmless(i)] })));
      const rules = Array.from({ length: n }, (_, i) => counted(responseRule(`sgr-${i}`, { from: 22, v4: harmless(i) })));
      const ev = via === 'request' ? authorizeRequest(perms) : authorize(perms, rules);
      expect(rulesOf(normalize(ev))).toHaveLength(n);
      return count;
    };
    for (const via of ['request', 'response'] as const) {
      const small = reads(100, via);
      expect(small).toBeGreaterThan(0);
      expect(reads(1000, via)).toBe(small * 10);
    }
  });
});

describe('ignored CloudTrail events', () => {
  test('AuthorizeSecurityGroupEgress is ignored, with its observation', () => {
    const ev = cloudTrail('AuthorizeSecurityGroupEgress', { groupId: SG, ipPermissions: { items: [permission({ proto: '-1', v4: ['0.0.0.0/0'] })] } });
    const n = normalize(ev);
    expect(n).toMatchObject({ kind: 'ignored', reason: expect.stringContaining('only egress rules') });
    if (n.kind === 'ignored') expect(n.observation?.facts).toMatchObject({ kind: 'sg-rules', rules: [{ isEgress: true }] });
  });

  test('an ingress event whose rules are all egress is ignored', () => {
    const ev = authorize([], [responseRule('sgr-1', { from: 443, v4: '0.0.0.0/0', egress: true })]);
    expect(normalize(ev)).toMatchObject({ kind: 'ignored', reason: expect.stringContaining('only egress rules') });
  });

  test('a failed call (errorCode) is ignored: nothing changed', () => {
    const ev = authorizeRequest([permission({ from: 22, v4: ['0.0.0.0/0'] })], { errorCode: 'Client.InvalidPermission.Duplicate', errorMessage: 'already exists' });
    const n = normalize(ev);
    expect(n).toMatchObject({ kind: 'ignored', reason: 'the API call failed (Client.InvalidPermission.Duplicate): nothing changed' });
    if (n.kind === 'ignored') expect(n.observation?.resource.id).toBe(SG);
  });

  test('a failed call is ignored even when its request is unusable', () => {
    const reason = 'the API call failed (Client.UnauthorizedOperation): nothing changed';
    const noRequest = cloudTrail('AuthorizeSecurityGroupIngress', null, null, { errorCode: 'Client.UnauthorizedOperation' });
    expect(normalize(noRequest)).toEqual({ kind: 'ignored', reason });
    const badPort = authorizeRequest([{ ipProtocol: 'tcp', fromPort: 'x' }], { errorCode: 'Client.UnauthorizedOperation' });
    expect(normalize(badPort)).toEqual({ kind: 'ignored', reason });
    const badModify = cloudTrail('ModifySecurityGroupRules', { ModifySecurityGroupRulesRequest: {} }, null, { errorCode: 'Client.UnauthorizedOperation' });
    expect(normalize(badModify)).toEqual({ kind: 'ignored', reason });
  });

  test("Warden's own role is ignored by the loop guard (defaultPolicy ownRoles: warden-*)", async () => {
    const warden = {
      type: 'AssumedRole',
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/warden-remediation-role/session`,
      sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${ACCOUNT}:role/warden-remediation-role` } },
    };
    const ev = authorizeRequest([permission({ from: 22, v4: ['0.0.0.0/0'] })], { userIdentity: warden });
    expect(observed(normalize(ev)).actor).toEqual({
      arn: warden.arn,
      roleArn: `arn:aws:iam::${ACCOUNT}:role/warden-remediation-role`,
      type: 'AssumedRole',
    });
    const d = await evaluate(ev, { policy });
    expect(d).toMatchObject({ status: 'ignored', reason: expect.stringContaining('loop guard') });
  });
});

describe('ModifySecurityGroupRules', () => {
  const modify = (SecurityGroupRule: unknown) =>
    cloudTrail(
      'ModifySecurityGroupRules',
      { ModifySecurityGroupRulesRequest: { GroupId: SG, SecurityGroupRule } },
      { ModifySecurityGroupRulesResponse: { return: true } },
    );
  const toWorld = { SecurityGroupRuleId: 'sgr-0aaaaaaaaaaaaaaa1', SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0' } };
  const internal = { SecurityGroupRuleId: 'sgr-0aaaaaaaaaaaaaaa2', SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIpv4: '10.0.0.0/16' } };

  test('one rule as a bare object', () => {
    expect(rulesOf(normalize(modify(toWorld)))).toEqual([{ ...base, ruleId: 'sgr-0aaaaaaaaaaaaaaa1', protocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' }]);
  });

  test('several rules as a list; only the world-open one is a target', async () => {
    expect(rulesOf(normalize(modify([internal, toWorld]))).map((r) => r.ruleId)).toEqual(['sgr-0aaaaaaaaaaaaaaa2', 'sgr-0aaaaaaaaaaaaaaa1']);
    const d = await evaluate(modify([internal, toWorld]), { policy });
    if (d.status !== 'violation') throw new Error(d.status);
    expect(d.findings[0]!.remediation.targets).toEqual(['sgr-0aaaaaaaaaaaaaaa1']);
  });
});

describe('invalid CloudTrail events', () => {
  test('an EC2 API Warden does not watch', () => {
    expect(normalize(cloudTrail('RunInstances', {}))).toEqual({
      kind: 'invalid',
      reason: 'not an event Warden knows: aws.ec2 / AWS API Call via CloudTrail / RunInstances',
    });
  });

  test('a broken detail names the path', () => {
    const ev = authorizeRequest([{ ipProtocol: 'tcp', fromPort: 'twenty-two', toPort: 22, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } }]);
    const n = normalize(ev);
    expect(n.kind).toBe('invalid');
    if (n.kind === 'invalid') expect(n.reason).toContain('detail.requestParameters.ipPermissions.items.0.fromPort');
  });

  test('a wrong eventSource names the path', () => {
    const ev = authorizeRequest([], { eventSource: 's3.amazonaws.com' });
    expect(normalize(ev)).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('detail.eventSource') });
  });
});
