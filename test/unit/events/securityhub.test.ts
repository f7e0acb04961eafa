import { normalize } from '../../../functions/domain/events';
import { sample, SG } from './fixtures';

/** Samples are edited in place below: loosely typed on purpose. */
type Json = Record<string, any>;

const finding = (edit: (f: Json) => void = () => {}): Json => {
  const ev = sample('securityhub/finding-ec2-13-failed.json') as Json;
  edit(ev.detail.findings[0]);
  return ev;
};

describe('Security Hub Findings - Imported', () => {
  test('a FAILED mapped control flags the group, with the resource tags', () => {
    expect(normalize(finding())).toMatchObject({
      kind: 'observation',
      observation: {
        source: 'securityhub',
        eventName: 'Security Hub Findings - Imported',
        resource: {
          type: 'AWS::EC2::SecurityGroup',
          id: SG,
          arn: `arn:aws:ec2:us-east-1:111122223333:security-group/${SG}`,
          tags: { Name: 'bastion-ssh', Environment: 'dev', Owner: 'platform' },
        },
        facts: { kind: 'sg-flagged', groupId: SG, flaggedBy: 'Security Hub EC2.13' },
        // Its identifiers, for the write-back when the run ends (BatchUpdateFindings).
        securityHubFinding: {
          id: 'arn:aws:securityhub:us-east-1:111122223333:security-control/EC2.13/finding/365b26a2-85f1-41d6-a09a-aff4982d0647',
          productArn: 'arn:aws:securityhub:us-east-1::product/aws/securityhub',
        },
      },
    });
  });

  test('a finding without Id or ProductArn is still decided, with nothing to write back to', () => {
    const n = normalize(finding((f) => delete f.ProductArn));
    expect(n.kind).toBe('observation');
    expect(n.kind === 'observation' && n.observation.securityHubFinding).toBeUndefined();
  });

  test.each(['EC2.13', 'EC2.14', 'EC2.18', 'EC2.19', 'EC2.53', 'EC2.54'])('%s is mapped', (control) => {
    const n = normalize(finding((f) => (f.Compliance.SecurityControlId = control)));
    expect(n.kind).toBe('observation');
  });

  test('without SecurityControlId: ProductFields.ControlId, then the GeneratorId suffix', () => {
    const legacy = normalize(finding((f) => {
      delete f.Compliance.SecurityControlId;
      f.ProductFields.ControlId = 'EC2.19';
    }));
    expect(legacy).toMatchObject({ kind: 'observation', observation: { facts: { flaggedBy: 'Security Hub EC2.19' } } });
    const generator = normalize(finding((f) => {
      delete f.Compliance.SecurityControlId;
      f.GeneratorId = 'aws-foundational-security-best-practices/v/1.0.0/EC2.18';
    }));
    expect(generator).toMatchObject({ kind: 'observation', observation: { facts: { flaggedBy: 'Security Hub EC2.18' } } });
  });

  test.each(['PASSED', 'WARNING', 'NOT_AVAILABLE'])('Compliance.Status %s is ignored', (status) => {
    expect(normalize(finding((f) => (f.Compliance.Status = status)))).toEqual({
      kind: 'ignored',
      reason: `Security Hub EC2.13 reports ${status}: nothing to fix`,
    });
  });

  test('an ARCHIVED finding is ignored', () => {
    expect(normalize(finding((f) => (f.RecordState = 'ARCHIVED')))).toMatchObject({ kind: 'ignored', reason: expect.stringContaining('ARCHIVED') });
  });

  test.each(['SUPPRESSED', 'RESOLVED'])('workflow %s is ignored', (status) => {
    expect(normalize(finding((f) => (f.Workflow.Status = status)))).toMatchObject({ kind: 'ignored', reason: expect.stringContaining(status) });
  });

  test('an unmapped control is ignored', () => {
    expect(normalize(finding((f) => (f.Compliance.SecurityControlId = 'EC2.22')))).toMatchObject({
      kind: 'ignored',
      reason: 'Security Hub EC2.22 is not mapped to a Warden control',
    });
  });

  test('a finding without a security group resource is ignored', () => {
    const n = normalize(finding((f) => (f.Resources = [{ Type: 'AwsAccount', Id: 'AWS::::Account:111122223333' }])));
    expect(n).toMatchObject({ kind: 'ignored', reason: expect.stringContaining('AwsEc2SecurityGroup') });
  });

  test('the group id falls back to Details.AwsEc2SecurityGroup.GroupId', () => {
    const n = normalize(finding((f) => (f.Resources[0].Id = 'bastion-ssh')));
    expect(n).toMatchObject({ kind: 'observation', observation: { resource: { id: SG } } });
  });

  test('a finding without Resources names the path', () => {
    expect(normalize(finding((f) => delete f.Resources))).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('detail.findings.0.Resources'),
    });
  });
});
