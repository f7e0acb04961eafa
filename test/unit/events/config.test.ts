import { evaluate } from '../../../functions/domain/evaluate';
import { normalize } from '../../../functions/domain/events';
import { defaultPolicy } from '../../../functions/domain/policy';
import { sample, SG } from './fixtures';

const policy = defaultPolicy();
/** Samples are edited in place below: loosely typed on purpose. */
type Json = Record<string, any>;

const compliance = (rule: string, verdict: string, resourceType = 'AWS::EC2::SecurityGroup'): Json => {
  const ev = sample('config/compliance-restricted-ssh-noncompliant.json') as Json;
  ev.detail.configRuleName = rule;
  ev.detail.resourceType = resourceType;
  ev.detail.newEvaluationResult.complianceType = verdict;
  return ev;
};

describe('Config Rules Compliance Change', () => {
  test.each(['restricted-ssh', 'restricted-common-ports', 'vpc-sg-open-only-to-authorized-ports', 'securityhub-restricted-ssh-6fa3b2c1', 'securityhub-restricted-rdp-c585f8c6'])(
    'NON_COMPLIANT %s flags the group',
    (rule) => {
      expect(normalize(compliance(rule, 'NON_COMPLIANT'))).toMatchObject({
        kind: 'observation',
        observation: { source: 'config', eventName: 'Config Rules Compliance Change', facts: { kind: 'sg-flagged', groupId: SG, flaggedBy: `Config rule ${rule}` } },
      });
    },
  );

  test.each(['COMPLIANT', 'NOT_APPLICABLE', 'INSUFFICIENT_DATA'])('%s is ignored', (verdict) => {
    expect(normalize(compliance('restricted-ssh', verdict))).toEqual({ kind: 'ignored', reason: `Config rule restricted-ssh reports ${verdict}: nothing to fix` });
  });

  test('an unmapped rule is ignored, with the observation', () => {
    const n = normalize(compliance('ec2-security-group-attached-to-eni-periodic', 'NON_COMPLIANT'));
    expect(n).toMatchObject({ kind: 'ignored', reason: expect.stringContaining('not mapped'), observation: { resource: { id: SG } } });
  });

  test('another resource type is ignored', () => {
    expect(normalize(compliance('restricted-ssh', 'NON_COMPLIANT', 'AWS::EC2::Instance'))).toMatchObject({ kind: 'ignored' });
  });

  test('the resource ARN is built from region, account and group id', () => {
    const n = normalize(compliance('restricted-ssh', 'NON_COMPLIANT'));
    if (n.kind !== 'observation') throw new Error(n.kind);
    expect(n.observation.resource).toEqual({
      type: 'AWS::EC2::SecurityGroup',
      id: SG,
      arn: `arn:aws:ec2:us-east-1:111122223333:security-group/${SG}`,
      account: '111122223333',
      region: 'us-east-1',
    });
  });
});

describe('Config Configuration Item Change', () => {
  test('an open group: the whole rule set, complete, with tags; egress rules kept as egress', () => {
    const n = normalize(sample('config/item-ssh-world.json'));
    if (n.kind !== 'observation') throw new Error(n.kind);
    expect(n.observation.resource.tags).toEqual({ Name: 'bastion-ssh', Environment: 'dev', Owner: 'platform' });
    expect(n.observation.facts).toEqual({
      kind: 'sg-rules',
      groupId: SG,
      groupName: 'bastion-ssh',
      complete: true,
      rules: [
        { groupId: SG, isEgress: false, protocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' },
        { groupId: SG, isEgress: false, protocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: '10.0.0.0/16' },
        { groupId: SG, isEgress: true, protocol: '-1', fromPort: -1, toPort: -1, cidrIpv4: '0.0.0.0/0' },
      ],
    });
  });

  test('ipRanges (legacy) and ipv4Ranges are merged without duplicates', () => {
    const ev = sample('config/item-ssh-world.json') as Json;
    ev.detail.configurationItem.configuration.ipPermissions = [
      { ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipv4Ranges: [{ cidrIp: '10.0.0.0/8' }], ipRanges: ['10.0.0.0/8', '0.0.0.0/0'] },
    ];
    const n = normalize(ev);
    if (n.kind !== 'observation' || n.observation.facts.kind !== 'sg-rules') throw new Error(n.kind);
    expect(n.observation.facts.rules.filter((r) => !r.isEgress).map((r) => r.cidrIpv4)).toEqual(['10.0.0.0/8', '0.0.0.0/0']);
  });

  test('a group tagged warden:public=true with only tcp/443 from the world is compliant', async () => {
    const d = await evaluate(sample('config/item-public-web-tagged.json'), { policy });
    expect(d.status).toBe('compliant');
  });

  test('the same group without the tag is never revoked on a guess: offline it needs live state', async () => {
    const ev = sample('config/item-public-web-tagged.json') as Json;
    delete ev.detail.configurationItem.tags['warden:public'];
    const d = await evaluate(ev, { policy });
    expect(d.status).toBe('ignored');
    expect(d.status === 'ignored' && d.reason).toMatch(/^needs live state: .*public front end/);
  });

  test.each([
    ['ResourceDeleted', 'DELETE'],
    ['ResourceDeletedNotRecorded', 'DELETE'],
    ['OK', 'DELETE'],
  ])('a deleted group (%s, %s) is ignored', (status, changeType) => {
    const ev = sample('config/item-deleted.json') as Json;
    ev.detail.configurationItem.configurationItemStatus = status;
    ev.detail.configurationItemDiff.changeType = changeType;
    expect(normalize(ev)).toMatchObject({ kind: 'ignored', reason: expect.stringContaining('was deleted') });
  });

  test('an oversized item flags the group for a live read', () => {
    expect(normalize(sample('config/item-oversized.json'))).toMatchObject({
      kind: 'observation',
      observation: { facts: { kind: 'sg-flagged', groupId: SG, flaggedBy: 'oversized Config item' } },
    });
  });

  test('an item for another resource type is ignored', () => {
    const ev = sample('config/item-ssh-world.json') as Json;
    ev.detail.configurationItem.resourceType = 'AWS::EC2::Instance';
    expect(normalize(ev)).toMatchObject({ kind: 'ignored', reason: expect.stringContaining('AWS::EC2::Instance') });
  });

  test('a broken item names the path', () => {
    const ev = sample('config/item-ssh-world.json') as Json;
    ev.detail.configurationItem.configuration.ipPermissions[0].ipv4Ranges = [{ cidrIp: 22 }];
    expect(normalize(ev)).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('detail.configurationItem.configuration.ipPermissions.0.ipv4Ranges.0.cidrIp'),
    });
  });
});
