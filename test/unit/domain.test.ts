import { controls } from '../../functions/domain/controls';
import { sgWorldOpenIngress } from '../../functions/domain/controls/sg-world-open-ingress';
import { isOwnChange, roleName } from '../../functions/domain/loop-guard';
import type { Observation, SgRule } from '../../functions/domain/model';
import { executionName } from '../../functions/domain/naming';
import { coversPort, isPrivateCidr, isWorldOpen, onlyPorts } from '../../functions/domain/net';
import { decideMode, defaultPolicy, ownerChannel, parsePolicy, PolicyError } from '../../functions/domain/policy';
import { failClosedPolicy, policyFromText } from '../../functions/runtime/config';
import { exempted } from '../support/exemptions';

const rule = (over: Partial<SgRule>): SgRule => ({ groupId: 'sg-1', isEgress: false, protocol: 'tcp', fromPort: 22, toPort: 22, ...over });

describe('net', () => {
  test.each(['10.0.0.0/8', '10.1.2.0/24', '172.16.0.0/12', '172.31.255.0/24', '192.168.1.1/32', '100.64.0.0/10', 'fc00::/7', 'fd12:3456::/48', 'FD00::/8'])(
    '%s is private', (c) => expect(isPrivateCidr(c)).toBe(true));
  test.each(['0.0.0.0/0', '0.0.0.0/1', '128.0.0.0/1', '::/0', '::/1', '8.8.8.0/24', '172.32.0.0/16', '10.0.0.0/7', '192.168.0.0/15', '100.128.0.0/10',
    'fe80::/10', '2001:db8::/32', 'fc00::/6', '10.0.0.0', '', undefined, '10.0.0.0/33', '300.1.1.1/32'])(
    '%s can reach the internet (or is not a CIDR)', (c) => expect(isPrivateCidr(c)).toBe(false));
  test.each(['0.0.0.0/0', '::/0', '::0/0', '10.1.2.3/0', ' 0.0.0.0/00 ', '0.0.0.0/1', '::/1', '2000::/3', '::ffff:0:0/96'])(
    'a rule from %s alone reaches the world', (c) => expect(isWorldOpen(rule(c.includes(':') ? { cidrIpv6: c } : { cidrIpv4: c }))).toBe(true));
  test.each(['203.0.113.7/32', '10.0.0.0/8', 'fc00::/7', '0.0.0.0', '1.0.0.0/9'])('a rule from %s does not', (c) => expect(isWorldOpen(rule({ cidrIpv4: c }))).toBe(false));
  test('prefix lists, group references and egress are never world-open', () => {
    expect(isWorldOpen(rule({ prefixListId: 'pl-1', cidrIpv4: undefined }))).toBe(false);
    expect(isWorldOpen(rule({ referencedGroupId: 'sg-2' }))).toBe(false);
    expect(isWorldOpen(rule({ cidrIpv4: '0.0.0.0/0', isEgress: true }))).toBe(false);
    expect(isWorldOpen(rule({ cidrIpv6: '::/0' }))).toBe(true);
  });
  test('onlyPorts: a range is allowed only if every port in it is', () => {
    expect(onlyPorts(rule({ fromPort: 443, toPort: 443 }), [80, 443])).toBe(true);
    expect(onlyPorts(rule({ fromPort: 80, toPort: 443 }), [80, 443])).toBe(false);
    expect(onlyPorts(rule({ protocol: '-1', fromPort: -1, toPort: -1 }), [80, 443])).toBe(false);
    expect(onlyPorts(rule({ protocol: 'udp', fromPort: 443, toPort: 443 }), [443])).toBe(false);
    expect(onlyPorts(rule({ fromPort: 0, toPort: 65535 }), [80, 443])).toBe(false);
  });
  test('coversPort', () => {
    expect(coversPort(rule({ fromPort: 20, toPort: 30 }), 22)).toBe(true);
    expect(coversPort(rule({ protocol: '-1', fromPort: -1, toPort: -1 }), 3389)).toBe(true);
    expect(coversPort(rule({ protocol: 'icmp', fromPort: -1, toPort: -1 }), 22)).toBe(true);
    expect(coversPort(rule({ protocol: 'icmp', fromPort: 8, toPort: 0 }), 22)).toBe(false);
  });
});

describe('policy', () => {
  const p = defaultPolicy({
    defaults: { mode: 'auto' },
    environments: { tag: 'Environment', modes: { prod: 'approval' } },
    controls: { c: { mode: 'notify' } },
    owners: { tag: 'Owner', channels: { pay: '#pay' }, fallback: '#sec' },
  });
  test('the mode is the most cautious of global, control and environment', () => {
    expect(decideMode(p, 'x', 'auto', {})).toBe('auto');
    expect(decideMode(p, 'x', 'auto', { Environment: 'prod' })).toBe('approval');
    expect(decideMode(p, 'c', 'auto', { Environment: 'prod' })).toBe('notify');
    expect(decideMode(defaultPolicy({ defaults: { mode: 'dry-run' } }), 'c', 'auto', {})).toBe('dry-run');
    expect(decideMode(p, 'x', 'approval', {})).toBe('approval');
  });
  test('an exemption tag never acts, but still notifies (applied once judged: it needs the time)', () => {
    expect(decideMode(p, 'x', 'auto', { 'warden:exempt': 'ticket-42' })).toBe('auto');
    expect(exempted(decideMode(p, 'x', 'auto', { 'warden:exempt': 'ticket-42' }), { 'warden:exempt': 'ticket-42' }, p)).toBe('notify');
  });
  test('owner channel from the tag, with the fallback', () => {
    expect(ownerChannel(p, { Owner: 'pay' })).toEqual({ owner: 'pay', channel: '#pay' });
    expect(ownerChannel(p, { Owner: 'other' })).toEqual({ owner: 'other', channel: '#sec' });
    expect(ownerChannel(p, undefined)).toEqual({ channel: '#sec' });
  });
  test('invalid policies fail with every problem named', () => {
    expect(() => parsePolicy('defaults: { mode: yolo }\nextra: 1')).toThrow(PolicyError);
    expect(() => parsePolicy('defaults: { mode: yolo }')).toThrow(/defaults\.mode/);
    expect(() => parsePolicy(': : :')).toThrow(/not valid YAML/);
  });
  test('runtime policy: env mode is a floor, env roles replace the default glob', () => {
    const env = { WARDEN_DEFAULT_MODE: 'dry-run', WARDEN_OWN_ROLES: 'arn:aws:iam::1:role/stack-Apply-X' };
    const policy = policyFromText('{"ownRoles":["ops-*"]}', env);
    expect(policy.defaults.mode).toBe('dry-run');
    expect(policy.ownRoles.sort()).toEqual(['arn:aws:iam::1:role/stack-Apply-X', 'ops-*']);
    expect(policyFromText('', {}).ownRoles).toEqual(['warden-*']);
    expect(() => policyFromText('{not json', {})).toThrow(/not valid JSON/);
    expect(() => policyFromText('{}', { WARDEN_DEFAULT_MODE: 'yolo' })).toThrow(/WARDEN_DEFAULT_MODE "yolo" is not a mode/);
  });
  test('failing closed: every default, every mode dry-run, the loop guard still the deployment\'s roles', () => {
    const policy = failClosedPolicy({ WARDEN_DEFAULT_MODE: 'auto', WARDEN_OWN_ROLES: 'arn:aws:iam::1:role/stack-Apply-X' });
    expect(policy.defaults.mode).toBe('dry-run');
    expect(policy.ownRoles).toEqual(['arn:aws:iam::1:role/stack-Apply-X']);
    expect(failClosedPolicy({}).ownRoles).toEqual(['warden-*']);
  });
});

describe('loop guard', () => {
  test('role names from role and assumed-role ARNs', () => {
    expect(roleName('arn:aws:iam::1:role/path/warden-apply')).toBe('warden-apply');
    expect(roleName('arn:aws:sts::1:assumed-role/warden-apply/session')).toBe('warden-apply');
    expect(roleName('arn:aws:iam::1:user/alice')).toBeUndefined();
  });
  test('matches exact ARNs and globs, never other roles', () => {
    const apply = { roleArn: 'arn:aws:iam::1:role/stack-ApplyRole-ABC', arn: 'arn:aws:sts::1:assumed-role/stack-ApplyRole-ABC/s' };
    expect(isOwnChange(apply, ['arn:aws:iam::1:role/stack-ApplyRole-ABC'])).toBe(true);
    expect(isOwnChange(apply, ['stack-*'])).toBe(true);
    expect(isOwnChange(apply, ['arn:aws:iam::1:role/stack-ApplyRole'])).toBe(false);
    expect(isOwnChange({ arn: 'arn:aws:iam::1:user/warden-admin' }, ['warden-*'])).toBe(false);
    expect(isOwnChange(undefined, ['*'])).toBe(false);
    expect(isOwnChange(apply, [])).toBe(false);
  });
});

describe('sg-world-open-ingress', () => {
  const obs = (rules: SgRule[], tags?: Record<string, string>): Observation => ({
    source: 'cloudtrail', eventId: 'e', eventName: 'AuthorizeSecurityGroupIngress', time: 't', account: '1', region: 'us-east-1',
    resource: { type: 'AWS::EC2::SecurityGroup', id: 'sg-1', account: '1', region: 'us-east-1', ...(tags ? { tags } : {}) },
    facts: { kind: 'sg-rules', groupId: 'sg-1', rules, complete: false },
  });
  const policy = defaultPolicy();
  test('names exactly the open rules; padding cannot hide one', () => {
    const padding = Array.from({ length: 500 }, (_, i) => rule({ ruleId: `sgr-pad${i}`, cidrIpv4: `198.51.100.${i % 250}/32` }));
    const rules = [...padding.slice(0, 250), rule({ ruleId: 'sgr-open', cidrIpv4: '0.0.0.0/0' }), ...padding.slice(250)];
    const { findings } = sgWorldOpenIngress.evaluate(obs(rules), policy);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.remediation.targets).toEqual(['sgr-open']);
    expect(findings[0]!.severity).toBe('CRITICAL');
  });
  test('443 world-open: allowed on a front end (tag or live), approval on a group live state says is none, undecided offline', () => {
    const https = rule({ ruleId: 'sgr-443', fromPort: 443, toPort: 443, cidrIpv4: '0.0.0.0/0' });
    const withFrontEnd = (frontEnd: string | null, tags?: Record<string, string>): Observation => {
      const o = obs([https], tags);
      return { ...o, facts: { ...(o.facts as Extract<Observation['facts'], { kind: 'sg-rules' }>), frontEnd } };
    };
    expect(sgWorldOpenIngress.evaluate(obs([https], { 'warden:public': 'true' }), policy).findings).toEqual([]);
    expect(sgWorldOpenIngress.evaluate(withFrontEnd('security group of internet-facing load balancer app/web/1'), policy).findings).toEqual([]);
    const notFrontEnd = sgWorldOpenIngress.evaluate(withFrontEnd(null, { 'warden:public': 'false' }), policy).findings;
    expect(notFrontEnd.map((f) => [f.severity, f.remediation.mode, f.remediation.targets])).toEqual([['HIGH', 'approval', ['sgr-443']]]);
    for (const tags of [undefined, { 'warden:public': 'false' }]) {
      const offline = sgWorldOpenIngress.evaluate(obs([https], tags), policy);
      expect(offline.findings).toEqual([]);
      expect(offline.note).toMatch(/^needs live state: .*public front end/);
    }
    const custom = defaultPolicy({ controls: { 'sg-world-open-ingress': { publicPorts: [8443], publicTag: { key: 'tier', value: 'edge' } } } });
    expect(sgWorldOpenIngress.evaluate(obs([https], { tier: 'edge' }), custom).findings.map((f) => f.remediation.mode)).toEqual(['auto']);
    expect(sgWorldOpenIngress.evaluate(obs([rule({ fromPort: 8443, toPort: 8443, cidrIpv4: '0.0.0.0/0' })], { tier: 'edge' }), custom).findings).toEqual([]);
  });
  test('a disabled control reads nothing', () => {
    expect(controls.map((c) => c.id)).toContain('sg-world-open-ingress');
  });
});

test('execution names are deterministic per event and finding, and valid for Step Functions', () => {
  const f = { control: 'sg-world-open-ingress', resource: { id: 'sg-1' }, remediation: { targets: ['b', 'a'] } } as never;
  const g = { control: 'sg-world-open-ingress', resource: { id: 'sg-1' }, remediation: { targets: ['a', 'b'] } } as never;
  expect(executionName('evt-1', f)).toBe(executionName('evt-1', g));
  expect(executionName('evt-1', f)).not.toBe(executionName('evt-2', f));
  expect(executionName('evt-1', f)).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
});

describe('grouping findings into fixes', () => {
  const finding = (control: string, action: string, id: string, severity: 'HIGH' | 'CRITICAL', mode: 'auto' | 'approval', targets: string[]) =>
    ({ control, title: control, severity, evidence: '', resource: { type: 'T', id, account: '1', region: 'r' }, remediation: { action, mode, targets } }) as const;
  test('one run per action and resource; the most severe leads; targets merge; the most cautious mode wins', async () => {
    const { groupFindings } = await import('../../functions/domain/grouping');
    const groups = groupFindings([
      finding('root', 'harden', 'td:1', 'HIGH', 'auto', ['web']),
      finding('privileged', 'harden', 'td:1', 'CRITICAL', 'approval', ['web', 'sidecar']),
      finding('secrets', 'move', 'td:1', 'HIGH', 'approval', ['web/DB_PASSWORD']),
    ]);
    expect(groups).toHaveLength(2);
    expect(groups[0]!.finding.control).toBe('privileged');
    expect(groups[0]!.finding.remediation).toEqual({ action: 'harden', mode: 'approval', targets: ['web', 'sidecar'] });
    expect(groups[0]!.relatedControls).toEqual(['root']);
    expect(groups[1]!.relatedControls).toEqual([]);
  });
  test('notify-owner advice stays per control: two controls on one resource are two runs', async () => {
    const { groupFindings } = await import('../../functions/domain/grouping');
    const groups = groupFindings([
      finding('ecs-task-dangerous-capabilities', 'notify-owner', 'td:1', 'HIGH', 'approval', ['vpn']),
      finding('ecs-task-host-network', 'notify-owner', 'td:1', 'HIGH', 'approval', ['vpn']),
      finding('ecs-task-host-network', 'notify-owner', 'td:2', 'HIGH', 'approval', ['vpn']),
    ]);
    expect(groups.map((g) => [g.finding.control, g.finding.resource.id, g.relatedControls])).toEqual([
      ['ecs-task-dangerous-capabilities', 'td:1', []],
      ['ecs-task-host-network', 'td:1', []],
      ['ecs-task-host-network', 'td:2', []],
    ]);
  });
});

describe('evaluate: a control that needs live state', () => {
  test('no finding plus a "needs live state" note is ignored with that reason, never compliant', async () => {
    const { evaluate, NEEDS_LIVE_STATE } = await import('../../functions/domain/evaluate');
    const { controls } = await import('../../functions/domain/controls');
    const original = [...controls];
    const probe = {
      ...sgWorldOpenIngress, id: 'probe', appliesTo: () => true,
      evaluate: () => ({ findings: [], note: `${NEEDS_LIVE_STATE}: the task definition is not in the event` }),
    };
    (controls as unknown as unknown[]).splice(0, controls.length, probe);
    try {
      const event = JSON.parse((await import('node:fs')).readFileSync('events/cloudtrail/authorize-admin-cidr.json', 'utf8'));
      const d = await evaluate(event, { policy: defaultPolicy() });
      expect(d).toMatchObject({ status: 'ignored', reason: 'needs live state: the task definition is not in the event' });
    } finally {
      (controls as unknown as unknown[]).splice(0, controls.length, ...original);
    }
  });
});
