// The bench's Cloud Custodian comparison: its driver protocol, the policy it deploys and the report. No timings.
import { readFileSync } from 'node:fs';
import { lambdaConfig, parseDriverLine } from '../../bench/peers/custodian';
import { peerLines, peerReport, type SideSamples } from '../../bench/peers/summary';

describe('parseDriverLine', () => {
  test('reads the ready line, a run and an error', () => {
    expect(parseDriverLine('{"ready": true, "importMs": 212.5, "version": "0.9.53"}')).toEqual({ kind: 'ready', importMs: 212.5, version: '0.9.53' });
    const run = '{"ms": 30.1, "revokeMs": 29.4, "awsMs": 12.0, "awsBeforeRevokeMs": 11.2, "calls": {"ec2.DescribeSecurityGroups": 1, "ec2.RevokeSecurityGroupIngress": 1}, "callMs": {"ec2.DescribeSecurityGroups": 5.5, "ec2.RevokeSecurityGroupIngress": 6.5}}';
    expect(parseDriverLine(run)).toEqual({
      kind: 'run', ms: 30.1, revokeMs: 29.4, awsMs: 12, awsBeforeRevokeMs: 11.2,
      calls: { 'ec2.DescribeSecurityGroups': 1, 'ec2.RevokeSecurityGroupIngress': 1 },
      callMs: { 'ec2.DescribeSecurityGroups': 5.5, 'ec2.RevokeSecurityGroupIngress': 6.5 },
    });
    expect(parseDriverLine('{"ms": 5, "revokeMs": null, "awsMs": 4, "awsBeforeRevokeMs": null, "calls": {}, "callMs": {}}')).toMatchObject({ kind: 'run', revokeMs: null });
    expect(parseDriverLine('{"error": "ClientError: boom"}')).toEqual({ kind: 'error', error: 'ClientError: boom' });
  });

  test.each([
    ['not JSON', 'Traceback (most recent call last):', /not JSON/],
    ['an array', '[1, 2]', /custodian driver wrote/],
    ['a negative time', '{"ms": -1, "revokeMs": 1, "awsMs": 1, "awsBeforeRevokeMs": 1, "calls": {}, "callMs": {}}', /unexpected line/],
    ['a call count that is not a number', '{"ms": 1, "revokeMs": 1, "awsMs": 1, "awsBeforeRevokeMs": 1, "calls": {"ec2.X": "1"}, "callMs": {}}', /unexpected line/],
    ['no time in AWS calls', '{"ms": 1, "revokeMs": 1, "calls": {}, "callMs": {}}', /unexpected line/],
    ['no time per operation', '{"ms": 1, "revokeMs": 1, "awsMs": 1, "awsBeforeRevokeMs": 1, "calls": {}}', /unexpected line/],
    ['a ready line without a version', '{"ready": true, "importMs": 3}', /unexpected line/],
  ])('rejects %s', (_what, line, error) => {
    expect(() => parseDriverLine(line)).toThrow(error);
  });
});

describe('the Custodian policy', () => {
  const yaml = readFileSync('bench/peers/custodian/policy.yml', 'utf8');

  test('is sg-world-open-ingress as a cloudtrail-mode policy: world-open ingress on the named group, revoked', () => {
    const config = lambdaConfig(yaml);
    expect(config['execution-options']).toEqual({});
    expect(config.policies).toEqual([{
      name: 'sg-world-open-ingress', resource: 'security-group',
      mode: { type: 'cloudtrail', events: [{ source: 'ec2.amazonaws.com', event: 'AuthorizeSecurityGroupIngress', ids: 'requestParameters.groupId' }] },
      filters: [{ or: [{ type: 'ingress', Cidr: { value: '0.0.0.0/0' } }, { type: 'ingress', CidrV6: { value: '::/0' } }] }],
      actions: [{ type: 'remove-permissions', ingress: 'matched' }],
    }]);
  });

  test('a file without policies is refused', () => {
    expect(() => lambdaConfig('policies: []\n')).toThrow(/no policies/);
    expect(() => lambdaConfig('')).toThrow(/no policies/);
  });
});

describe('peerReport and peerLines', () => {
  const targets = { peerE2eRatio: 1, peerRevokeRatio: 0.4 };
  const samples = (ms: number, revokeMs: number, calls: Record<string, number>): SideSamples => ({
    ms: [ms, ms, ms], revokeMs: [revokeMs, revokeMs, revokeMs], awsMs: [ms / 2, ms / 2, ms / 2],
    awsBeforeRevokeMs: [revokeMs / 2, revokeMs / 2, revokeMs / 2], calls, callMs: { 'ec2.RevokeSecurityGroupIngress': [3, 4, 5] }, cold: [{ importMs: 100, firstEventMs: 50 }],
  });
  const warden = samples(20, 8, { 'ec2.RevokeSecurityGroupIngress': 1, 'sns.Publish': 1, 'dynamodb.PutItem': 1 });

  test('ratios are Warden over Custodian; the targets are judged on them', () => {
    const r = peerReport(warden, { ...samples(40, 40, { 'ec2.DescribeSecurityGroups': 1, 'ec2.RevokeSecurityGroupIngress': 1 }), version: '0.9.53' }, targets);
    if (!('ratios' in r)) throw new Error('expected a comparison');
    expect(r.ratios).toEqual({ e2eMedian: 0.5, e2eP95: 0.5, revokeMedian: 0.2, revokeP95: 0.2, apiCalls: 1.5, cold: 1 });
    expect(r.met).toEqual({ e2eMedian: true, revokeMedian: true });
    expect(r.warden.split).toEqual({ awsMs: 10, ownMs: 10, untilRevoke: { awsMs: 4, ownMs: 4 } });
    expect(r.warden.callMedianMs).toEqual({ 'ec2.RevokeSecurityGroupIngress': 4 });
    const lines = peerLines(r, targets);
    expect(lines.find((l) => l.startsWith('peer e2e'))).toMatch(/^peer e2e {5}ok .* 0\.5× at the median/);
    expect(lines.find((l) => l.startsWith('peer revoke'))).toMatch(/^peer revoke {2}ok .* 0\.2×/);
  });

  test('a slower Warden is reported as a miss', () => {
    const r = peerReport(warden, { ...samples(10, 10, {}), version: '0.9.53' }, targets);
    expect('met' in r && r.met).toEqual({ e2eMedian: false, revokeMedian: false });
    expect(peerLines(r, targets).filter((l) => l.includes('MISS'))).toHaveLength(2);
  });

  test('an absent Custodian is said, with its reason, and Warden is still reported', () => {
    const r = peerReport(warden, { absent: 'scripts/setup-venv.sh custodian failed: pip install failed' }, targets);
    expect(r.custodian).toEqual({ absent: 'scripts/setup-venv.sh custodian failed: pip install failed' });
    const lines = peerLines(r, targets);
    expect(lines[0]).toBe('peers        ABSENT Cloud Custodian not compared: scripts/setup-venv.sh custodian failed: pip install failed');
    expect(lines[1]).toMatch(/e2e median 20 ms/);
  });
});
