// `warden scan` without AWS: the domain's decision of scanned resources (the events' path: controls, exemptions,
// modes), the summary and order, the reports (SARIF against the official schema, HTML escaping), the exit codes, usage
// errors, and the paging of the security-group reads (aws-sdk-client-mock: moto does not paginate these two calls).
import { DescribeSecurityGroupRulesCommand, DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { allGroups } from '../../functions/aws/security-groups';
import { ecrRepositoryRef, eksClusterRef } from '../../functions/domain/events/refs';
import type { Finding, LiveState } from '../../functions/domain/model';
import { defaultPolicy } from '../../functions/domain/policy';
import { byPriority, decideScanned, summarize, type ScannedResource, type ScanResult } from '../../functions/domain/scan';
import { scanExitCode } from '../../cli/scan';
import { scanHtml, scanJson, scanSarif } from '../../cli/scan-report';
import { main } from '../../cli/warden';
import { sarifErrors } from '../support/sarif';

const NOW = new Date('2026-12-03T00:00:00Z');
const where = { account: '111122223333', region: 'eu-west-1' };

const repository = (tags: Record<string, string> = {}): ScannedResource => ({
  ref: ecrRepositoryRef(where, 'payments/web'),
  facts: { kind: 'ecr-repository', repository: { repositoryName: 'payments/web', scanOnPush: false, tagMutability: 'IMMUTABLE' } },
  tags,
});

const group = (rules: { port: number; cidr: string }[], tags: Record<string, string> = {}): ScannedResource => ({
  ref: { type: 'AWS::EC2::SecurityGroup', id: 'sg-1', account: where.account, region: where.region },
  group: {
    groupId: 'sg-1', groupName: 'web', tags,
    rules: rules.map((r, i) => ({ ruleId: `sgr-${i}`, groupId: 'sg-1', isEgress: false, protocol: 'tcp', fromPort: r.port, toPort: r.port, cidrIpv4: r.cidr })),
  },
});

describe('decideScanned: the events\' decision path', () => {
  const policy = defaultPolicy();

  test('a repository without scan-on-push: the finding, mode from policy, tags known (no "may tighten")', async () => {
    const d = await decideScanned(repository({ Owner: 'payments' }), { policy, now: NOW });
    expect(d.status).toBe('violation');
    const [f] = d.status === 'violation' ? d.findings : [];
    expect(f).toMatchObject({ control: 'ecr-scan-on-push', remediation: { action: 'enable-ecr-scan-on-push', mode: 'auto' }, resource: { tags: { Owner: 'payments' } } });
    expect(f!.modeMayTighten).toBeUndefined();
    expect(d.status === 'violation' && d.observation).toMatchObject({ source: 'scan', eventName: 'Scan', time: NOW.toISOString() });
  });

  test('an exemption in force makes the mode notify and says so; an expired one does not', async () => {
    const active = await decideScanned(repository({ 'warden:exempt-until': '2027-01-31', 'warden:exempt-reason': 'PCI-1234' }), { policy, now: NOW });
    expect(active.status === 'violation' && active.findings[0]).toMatchObject({ remediation: { mode: 'notify' }, exemption: { status: 'active', reason: 'PCI-1234' } });
    const expired = await decideScanned(repository({ 'warden:exempt-until': '2026-11-30' }), { policy, now: NOW });
    expect(expired.status === 'violation' && expired.findings[0]).toMatchObject({ remediation: { mode: 'auto' }, exemption: { status: 'expired' } });
  });

  test('`only` keeps the other controls out; a disabled control stays disabled', async () => {
    const eks: ScannedResource = {
      ref: eksClusterRef(where, 'prod'), tags: {},
      facts: { kind: 'eks-cluster', cluster: { name: 'prod', endpointPublicAccess: true, publicAccessCidrs: ['0.0.0.0/0'], enabledLogTypes: [], secretsEncrypted: false } },
    };
    const controlsOf = async (options: Parameters<typeof decideScanned>[1]) => {
      const d = await decideScanned(eks, options);
      return d.status === 'violation' ? d.findings.map((f) => f.control).sort() : [];
    };
    expect(await controlsOf({ policy, now: NOW })).toEqual(['eks-control-plane-logging', 'eks-endpoint-public', 'eks-secrets-encryption']);
    expect(await controlsOf({ policy, now: NOW, only: ['eks-endpoint-public'] })).toEqual(['eks-endpoint-public']);
    const off = defaultPolicy({ controls: { 'eks-endpoint-public': { enabled: false } } });
    expect(await controlsOf({ policy: off, now: NOW, only: ['eks-endpoint-public'] })).toEqual([]);
  });

  test('a group: 443 open to the world is decided by the front-end lookup, never guessed without it', async () => {
    const open = group([{ port: 443, cidr: '0.0.0.0/0' }]);
    const unknown = await decideScanned(open, { policy, now: NOW });
    expect(unknown).toMatchObject({ status: 'ignored', reason: expect.stringMatching(/^needs live state: .*public front end/) });
    const notFrontEnd = await decideScanned(open, { policy, now: NOW, live: { publicFrontEnd: async () => null } });
    expect(notFrontEnd.status === 'violation' && notFrontEnd.findings[0]!.remediation.mode).toBe('approval');
    const frontEnd: Pick<LiveState, 'publicFrontEnd'> = { publicFrontEnd: async () => 'security group of internet-facing load balancer app/web/1' };
    expect((await decideScanned(open, { policy, now: NOW, live: frontEnd })).status).toBe('compliant');
  });
});

const finding = (control: string, severity: Finding['severity'], id: string, evidence = 'why'): Finding => ({
  control, title: `${control} title`, severity, evidence,
  resource: { type: 'AWS::EC2::SecurityGroup', id, account: where.account, region: where.region },
  remediation: { action: 'revoke-sg-ingress', mode: 'auto', targets: [`sgr-${id}`] },
});

const result = (findings: Finding[], gaps: ScanResult['gaps'] = []): ScanResult => ({
  startedAt: NOW.toISOString(), regions: ['eu-west-1'], findings: [...findings].sort(byPriority), gaps,
  counts: [{ region: 'eu-west-1', what: 'security groups', count: 3 }],
});

test('the summary: by control and severity, most severe first, distinct resources counted', () => {
  const rows = summarize([finding('b', 'HIGH', 'sg-1'), finding('a', 'MEDIUM', 'sg-1'), finding('b', 'HIGH', 'sg-2'), finding('b', 'HIGH', 'sg-2'), finding('c', 'CRITICAL', 'sg-3')]);
  expect(rows).toEqual([
    { control: 'c', severity: 'CRITICAL', findings: 1, resources: 1 },
    { control: 'b', severity: 'HIGH', findings: 3, resources: 2 },
    { control: 'a', severity: 'MEDIUM', findings: 1, resources: 1 },
  ]);
});

test('exit codes: 0 nothing found, 1 findings, 3 gaps (even with findings)', () => {
  const gap = { region: 'eu-west-1', service: 'ecs', what: 'ECS clusters', error: 'AccessDeniedException: no' };
  expect(scanExitCode(result([]))).toBe(0);
  expect(scanExitCode(result([finding('a', 'LOW', 'sg-1')]))).toBe(1);
  expect(scanExitCode(result([finding('a', 'LOW', 'sg-1')], [gap]))).toBe(3);
  expect(scanExitCode(result([], [gap]))).toBe(3);
});

test('SARIF: valid against the SARIF 2.1.0 schema, gaps as tool execution notifications', () => {
  const gap = { region: 'eu-west-1', service: 'ecs', what: 'ECS clusters', error: 'AccessDeniedException: no' };
  const log = scanSarif(result([finding('sg-world-open-ingress', 'CRITICAL', 'sg-1'), finding('not-a-control', 'LOW', 'sg-2')], [gap])) as {
    runs: { results: { ruleId: string; ruleIndex?: number; level: string }[]; invocations: { executionSuccessful: boolean }[] }[];
  };
  expect(sarifErrors(log)).toEqual([]);
  expect(log.runs[0]!.results.map((r) => [r.ruleId, r.level, r.ruleIndex !== undefined])).toEqual([['sg-world-open-ingress', 'error', true], ['not-a-control', 'note', false]]);
  expect(log.runs[0]!.invocations[0]!.executionSuccessful).toBe(false);
  // The check can fail: a result without its message is refused.
  const broken = structuredClone(log) as { runs: { results: Record<string, unknown>[] }[] };
  delete broken.runs[0]!.results[0]!.message;
  expect(sarifErrors(broken)).not.toEqual([]);
});

test('HTML: every value is escaped; the page loads nothing and runs nothing', () => {
  const page = scanHtml(result([finding('sg-world-open-ingress', 'HIGH', 'sg-"&<x>', '<script>alert(1)</script> & \'quoted\'')],
    [{ region: 'eu-west-1', service: 'ecs', what: '<b>clusters</b>', error: 'denied' }]));
  expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#39;quoted&#39;');
  expect(page).toContain('sg-&quot;&amp;&lt;x&gt;');
  expect(page).toContain('&lt;b&gt;clusters&lt;/b&gt;');
  expect(page).not.toMatch(/<script|<b>|src=|href=/);
  expect(page).toContain('<h2>Summary by control and severity</h2>');
});

test('--json: the findings in evaluate\'s shape plus where and why, and the gaps as their own field', () => {
  const json = JSON.parse(scanJson(result([finding('sg-world-open-ingress', 'HIGH', 'sg-1')]))) as Record<string, unknown>;
  expect(Object.keys(json).sort()).toEqual(['counts', 'findings', 'gaps', 'regions', 'startedAt', 'summary']);
  expect(json.findings).toEqual([{
    control: 'sg-world-open-ingress', severity: 'HIGH', resourceType: 'AWS::EC2::SecurityGroup', resourceId: 'sg-1',
    remediation: { action: 'revoke-sg-ingress', mode: 'auto', targets: ['sgr-sg-1'] },
    title: 'sg-world-open-ingress title', region: 'eu-west-1', account: where.account, evidence: 'why',
  }]);
  expect(json.gaps).toEqual([]);
});

describe('usage errors exit 2 before anything is read', () => {
  const run = async (...args: string[]) => {
    let err = '';
    const code = await main(['scan', ...args], { write: () => true } as never, { write: (s: string) => ((err += s), true) } as never);
    return { code, err };
  };
  test.each([
    [['--region', 'nowhere'], '--region nowhere: not a Region name'],
    [['--region', 'all', '--region', 'eu-west-1'], '--region all reads every enabled Region'],
    [['--controls', 'ecr-scan-on-push,sg-wrld-open-ingress'], 'no control "sg-wrld-open-ingress"; did you mean "sg-world-open-ingress"?'],
    [['--now', 'soon'], '--now soon: not a date-time'],
    [['--bogus'], "unknown option '--bogus'"],
  ])('%j', async (args, message) => {
    const { code, err } = await run(...args);
    expect(code).toBe(2);
    expect(err).toContain(message);
    expect(err).toContain('Usage: warden scan [options]');
  });
});

test('the security-group reads follow every page (moto does not paginate them: mocked)', async () => {
  const ec2 = new EC2Client({ region: 'eu-west-1' });
  const mock = mockClient(ec2);
  mock.on(DescribeSecurityGroupsCommand, { MaxResults: 1000, NextToken: undefined }).resolves({ SecurityGroups: [{ GroupId: 'sg-1', GroupName: 'a', OwnerId: '111122223333' }], NextToken: 'p2' });
  mock.on(DescribeSecurityGroupsCommand, { NextToken: 'p2' }).resolves({ SecurityGroups: [{ GroupId: 'sg-2', GroupName: 'default', OwnerId: '111122223333', Tags: [{ Key: 'Owner', Value: 'x' }] }] });
  const rule = (id: string, group: string) => ({ SecurityGroupRuleId: id, GroupId: group, IsEgress: false, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0' });
  mock.on(DescribeSecurityGroupRulesCommand, { MaxResults: 1000, NextToken: undefined }).resolves({ SecurityGroupRules: [rule('sgr-1', 'sg-1')], NextToken: 'r2' });
  mock.on(DescribeSecurityGroupRulesCommand, { NextToken: 'r2' }).resolves({ SecurityGroupRules: [rule('sgr-2', 'sg-2'), rule('sgr-3', 'sg-1')] });
  const groups = await allGroups(ec2);
  expect(groups.map(({ account, group }) => [account, group.groupId, group.groupName, group.tags, group.rules.map((r) => r.ruleId)])).toEqual([
    ['111122223333', 'sg-1', 'a', {}, ['sgr-1', 'sgr-3']],
    ['111122223333', 'sg-2', 'default', { Owner: 'x' }, ['sgr-2']],
  ]);
  expect(mock.calls()).toHaveLength(4);
});
