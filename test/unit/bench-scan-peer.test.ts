// The bench's pull-mode Custodian comparison beside `warden scan`: its policies, its driver's line, the ids it
// matched and the check-by-check comparison. No timings.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { custodianIds, parseScanDriverLine } from '../../bench/peers/custodian-scan';
import { compareChecks, explainDisagreement, groupDisagreements, type Seen } from '../../bench/peers/scan-compare';
import { scanLines, type ScanFigures } from '../../bench/scan';
import { controlById } from '../../functions/domain/controls';

describe('scan-policies.yml', () => {
  const policies = (parse(readFileSync('bench/peers/custodian/scan-policies.yml', 'utf8')) as { policies: Record<string, unknown>[] }).policies;

  test('each policy is named after the Warden control it mirrors, reads a resource whose id is known, and only reports', () => {
    expect(policies.length).toBeGreaterThan(0);
    for (const p of policies) {
      expect(controlById(p.name as string)?.id).toBe(p.name);
      expect(() => custodianIds(p.resource as string, [])).not.toThrow();
      expect(p.actions).toBeUndefined();
      expect(p.mode).toBeUndefined(); // pull mode
    }
  });
});

describe('parseScanDriverLine', () => {
  test('reads the report', () => {
    expect(parseScanDriverLine('{"importMs": 300.5, "runMs": 900, "exit": 0, "calls": {"ec2.DescribeSecurityGroups": 1}, "callMs": {"ec2.DescribeSecurityGroups": 70.2}}'))
      .toEqual({ importMs: 300.5, runMs: 900, exit: 0, calls: { 'ec2.DescribeSecurityGroups': 1 }, callMs: { 'ec2.DescribeSecurityGroups': 70.2 } });
  });

  test.each([
    ['not JSON', 'Traceback (most recent call last):', /not JSON/],
    ['no exit code', '{"importMs": 1, "runMs": 1, "calls": {}, "callMs": {}}', /unexpected line/],
    ['a count that is not a number', '{"importMs": 1, "runMs": 1, "exit": 0, "calls": {"ecr.X": "2"}, "callMs": {}}', /unexpected line/],
    ['a negative time', '{"importMs": -1, "runMs": 1, "exit": 0, "calls": {}, "callMs": {}}', /unexpected line/],
  ])('rejects %s', (_what, line, error) => {
    expect(() => parseScanDriverLine(line)).toThrow(error);
  });
});

describe('custodianIds', () => {
  test('names resources as Warden does: group id, task definition ARN, repository ARN', () => {
    expect(custodianIds('security-group', [{ GroupId: 'sg-1', GroupName: 'a' }])).toEqual(['sg-1']);
    expect(custodianIds('aws.ecs-task-definition', [{ taskDefinitionArn: 'arn:td/a:1' }])).toEqual(['arn:td/a:1']);
    expect(custodianIds('ecr', [{ repositoryName: 'r', repositoryArn: 'arn:repo/r' }])).toEqual(['arn:repo/r']);
  });

  test('refuses a resource type it cannot name, a resource without its id, and output that is not a list', () => {
    expect(() => custodianIds('ecs-service', [])).toThrow(/no id field/);
    expect(() => custodianIds('ecr', [{ repositoryName: 'r' }])).toThrow(/resource 0 has no repositoryArn/);
    expect(() => custodianIds('ecr', {})).toThrow(/not a list/);
  });
});

describe('compareChecks and groupDisagreements', () => {
  const findings = [
    { control: 'sg-world-open-ingress', resource: { id: 'sg-a' }, evidence: 'world-open ingress on sg-a: tcp/22 from 0.0.0.0/0' },
    { control: 'sg-world-open-ingress', resource: { id: 'sg-b' }, evidence: 'world-open ingress on sg-b: tcp/22 from 0.0.0.0/1; tcp/22 from 128.0.0.0/1' },
    { control: 'ecr-scan-on-push', resource: { id: 'arn:r1' }, evidence: 'scanOnPush false' },
    // A control no Custodian policy mirrors is not compared.
    { control: 'eks-endpoint-public', resource: { id: 'arn:eks' }, evidence: 'public' },
  ];
  const front = { GroupId: 'sg-c', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] };
  const custodian = [
    { name: 'sg-world-open-ingress', ids: ['sg-a', 'sg-c', 'sg-d'] },
    { name: 'ecr-scan-on-push', ids: ['arn:r1', 'arn:r2'] },
  ];
  const resources: Record<string, Record<string, unknown>> = {
    'sg-c': front,
    'sg-d': { GroupId: 'sg-d', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] },
    'arn:r2': { repositoryArn: 'arn:r2' },
  };
  const seen = (check: string, side: string, id: string): Seen => side === 'warden only'
    ? { evidence: findings.find((f) => f.control === check && f.resource.id === id)?.evidence }
    : { resource: resources[id] };

  test('counts each side per Custodian policy and lists the resources only one side found', () => {
    expect(compareChecks(findings, custodian)).toEqual([
      { check: 'sg-world-open-ingress', warden: 2, custodian: 3, both: 1, onlyWarden: ['sg-b'], onlyCustodian: ['sg-c', 'sg-d'] },
      { check: 'ecr-scan-on-push', warden: 1, custodian: 2, both: 1, onlyWarden: [], onlyCustodian: ['arn:r2'] },
    ]);
  });

  test('groups every disagreement by check, side and reason, and says when no reason fits', () => {
    const groups = groupDisagreements(compareChecks(findings, custodian), seen);
    expect(groups.map((g) => [g.check, g.side, g.reason.split(' ')[0], g.ids])).toEqual([
      ['sg-world-open-ingress', 'warden only', 'world-open', ['sg-b']],
      ['sg-world-open-ingress', 'custodian only', 'world-open', ['sg-c']],
      ['sg-world-open-ingress', 'custodian only', 'unexplained', ['sg-d']],
      ['ecr-scan-on-push', 'custodian only', 'no', ['arn:r2']],
    ]);
    expect(groups[1]!.reason).toMatch(/public ports/);
  });

  test('a Warden-only group whose evidence names 0.0.0.0/0 is not put down to the CIDR test', () => {
    expect(explainDisagreement('sg-world-open-ingress', 'warden only', { evidence: 'tcp/22 from 0.0.0.0/0' })).toBe('unexplained (warden only)');
    expect(explainDisagreement('sg-world-open-ingress', 'custodian only', {})).toBe('unexplained (custodian only)');
  });
});

describe('scanLines', () => {
  const base = { wallMs: 100, cliWallMs: 900, awsCalls: 10 } as ScanFigures;
  const check = { check: 'ecr-scan-on-push', warden: 1, custodian: 1, both: 1, onlyWarden: [], onlyCustodian: [] };
  const peer = {
    version: '0.9.53', wallMs: 1800, importMs: 300, runMs: 1000, policiesMs: 600, awsCalls: 12, calls: {}, callMs: {}, policies: [],
    ratios: { process: 2, inProcess: 10, policiesInProcess: 6, awsCalls: 1.2 }, checks: [check], disagreements: [],
  };

  test('says why Custodian is absent', () => {
    expect(scanLines({ ...base, custodian: { absent: 'setup-venv failed' } })).toEqual(['scan peer    ABSENT Cloud Custodian not compared: setup-venv failed']);
  });

  test('marks the checks ok when every disagreement is explained, MISS when one is not', () => {
    expect(scanLines({ ...base, custodian: peer })[1]).toMatch(/^scan checks {2}ok {2}1\/1 checks .* no disagreement$/);
    const unexplained = { check: 'ecr-scan-on-push', side: 'custodian only' as const, reason: 'unexplained (custodian only)', ids: ['arn:r2'] };
    expect(scanLines({ ...base, custodian: { ...peer, disagreements: [unexplained] } })[1]).toMatch(/^scan checks {2}MISS/);
  });
});
