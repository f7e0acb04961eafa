// The Security Hub write-back and import, pure: which workflow status and note each outcome gives, the ASFF of
// Warden's own findings (the fields BatchImportFindings requires) and their stable Id.
import type { Finding, Observation } from '../../../functions/domain/model';
import { defaultPolicy } from '../../../functions/domain/policy';
import type { Outcome, RemediationContext, RemediationRecord } from '../../../functions/domain/remediation';
import {
  approvalWriteBack, asffOf, endWriteBack, importedFindingId, NOTE_MAX, noteText, ownProductArn, securityHubRefOf, type SecurityHubRef,
} from '../../../functions/domain/securityhub';

const finding = (targets = ['sgr-0a11c0ffee00000a1'], over: Partial<Finding> = {}): Finding => ({
  control: 'sg-world-open-ingress', title: 'Security group allows ingress from the whole internet', severity: 'CRITICAL',
  resource: { type: 'AWS::EC2::SecurityGroup', id: 'sg-0a11c0ffee0000001', arn: 'arn:aws:ec2:us-east-1:111122223333:security-group/sg-0a11c0ffee0000001', account: '111122223333', region: 'us-east-1' },
  evidence: 'sgr-0a11c0ffee00000a1 tcp/22 from 0.0.0.0/0', remediation: { action: 'revoke-sg-ingress', mode: 'auto', targets }, ...over,
});

const SH: SecurityHubRef = { id: 'arn:aws:securityhub:us-east-1:111122223333:security-control/EC2.13/finding/x', productArn: 'arn:aws:securityhub:us-east-1::product/aws/securityhub', origin: 'securityhub' };

const context = (securityHub: SecurityHubRef = SH): RemediationContext => ({
  id: 'sg-world-open-ingress-0123abcd', eventId: 'evt-1', source: 'securityhub', eventName: 'Security Hub Findings - Imported',
  eventTime: '2026-11-22T10:00:00Z', finding: finding(), requestedAt: '2026-11-22T10:00:01Z', securityHub,
});

const record = (outcome: Outcome, more: Partial<RemediationRecord> = {}): RemediationRecord => ({
  ...context(), mode: 'auto', outcome, channel: '#platform', finishedAt: '2026-11-22T10:00:09Z', durationMs: 8000,
  plan: { action: 'revoke-sg-ingress', resource: finding().resource, targets: ['sgr-0a11c0ffee00000a1'], steps: ['revoke sgr-0a11c0ffee00000a1 tcp/22 from 0.0.0.0/0 on sg-0a11c0ffee0000001'] },
  ...more,
});

describe('the end of a run', () => {
  test('fixed and verified: RESOLVED, the note names the run and what changed', () => {
    const wb = endWriteBack(record('fixed', { applied: ['sgr-0a11c0ffee00000a1'], verified: true }))!;
    expect(wb.workflow).toBe('RESOLVED');
    expect(wb.note).toContain('Warden run sg-world-open-ingress-0123abcd');
    expect(wb.note).toContain('changed: sgr-0a11c0ffee00000a1');
    expect(wb.note).toContain('revoke sgr-0a11c0ffee00000a1 tcp/22 from 0.0.0.0/0');
  });

  test('applied but not verified: never RESOLVED', () => {
    expect(endWriteBack(record('fixed', { applied: ['sgr-1'], verified: false }))!.workflow).toBeUndefined();
  });

  test.each<[Outcome, Partial<RemediationRecord>, RegExp]>([
    ['denied', { approval: { decision: 'denied', decidedBy: 'U0SECLEAD', reason: 'needed for the migration' } }, /denied by U0SECLEAD \(needed for the migration\).*stays open/],
    ['failed', { error: { error: 'Warden.VerificationFailed', cause: '…' } }, /failed \(Warden\.VerificationFailed\); the finding stays open/],
    ['expired', {}, /nobody decided.*stays open/],
    ['held', { held: { reason: 'limit', why: 'breaker: control:sg-world-open-ingress 5/5 in 15 min from 10:00Z', at: '2026-11-22T10:00:05Z', stage: 'change', firstOfTrip: true } }, /held by the brakes \(breaker: control/],
    ['dry-run', {}, /dry-run, nothing changed; would: revoke sgr-/],
    ['already-fixed', {}, /nothing left to fix/],
    ['resource-gone', {}, /deleted since the finding/],
  ])('%s: the workflow is left as it is, with a note that says why', (outcome, more, note) => {
    const wb = endWriteBack(record(outcome, more))!;
    expect(wb.workflow).toBeUndefined();
    expect(wb.note).toMatch(note);
    expect(wb.note.startsWith('Warden run sg-world-open-ingress-0123abcd: ')).toBe(true);
  });

  test('notify mode: NOTIFIED, the owner told in their channel', () => {
    expect(endWriteBack(record('notified'))).toEqual({ workflow: 'NOTIFIED', note: expect.stringContaining('owner told in #platform: revoke sgr-') });
  });

  test('an exemption in force on a Security Hub finding: SUPPRESSED, with its until, reason and grantor', () => {
    const exemption = { status: 'active' as const, why: 'exempt until 2027-01-31 (PCI-1234, granted by alice)', until: '2027-01-31', reason: 'PCI-1234', by: 'alice' };
    const wb = endWriteBack(record('notified', { mode: 'notify', exemption }))!;
    expect(wb.workflow).toBe('SUPPRESSED');
    expect(wb.note).toContain('exempt (until 2027-01-31, reason PCI-1234, granted by alice)');
    // An expired exemption does not suppress; Warden's own findings are not suppressed either (only NOTIFIED).
    expect(endWriteBack(record('notified', { exemption: { ...exemption, status: 'expired' } }))!.workflow).toBe('NOTIFIED');
    const own: SecurityHubRef = { id: 'warden/x', productArn: 'p', origin: 'warden' };
    expect(endWriteBack(record('notified', { exemption, securityHub: own }))!.workflow).toBe('NOTIFIED');
  });

  test('a run that has not ended writes nothing', () => {
    expect(endWriteBack(record('in-progress'))).toBeUndefined();
    expect(endWriteBack(record('not-found'))).toBeUndefined();
  });

  test('the note is at most 512 characters', () => {
    const steps = Array.from({ length: 40 }, (_, i) => `revoke sgr-0a11c0ffee0000${String(i).padStart(4, '0')} tcp/22 from 0.0.0.0/0`);
    const wb = endWriteBack(record('fixed', { verified: true, plan: { ...record('fixed').plan!, steps } }))!;
    expect(wb.note).toHaveLength(NOTE_MAX);
    expect(wb.note.endsWith('…')).toBe(true);
    expect(noteText('short')).toBe('short');
  });
});

test('an approval request: NOTIFIED, naming the run, the channel and the plan', () => {
  const wb = approvalWriteBack(context(), { channel: '#platform', plan: record('fixed').plan! });
  expect(wb.workflow).toBe('NOTIFIED');
  expect(wb.note).toBe('Warden run sg-world-open-ingress-0123abcd: approval requested in #platform: revoke sgr-0a11c0ffee00000a1 tcp/22 from 0.0.0.0/0 on sg-0a11c0ffee0000001');
});

describe("Warden's own findings", () => {
  const observation = (source: Observation['source'], securityHubFinding?: Observation['securityHubFinding']): Observation => ({
    source, eventId: 'evt-1', eventName: 'AuthorizeSecurityGroupIngress', time: '2026-11-22T10:00:00Z', account: '111122223333',
    region: 'us-east-1', resource: finding().resource, facts: { kind: 'sg-flagged', groupId: 'sg-0a11c0ffee0000001', flaggedBy: 'x' },
    ...(securityHubFinding ? { securityHubFinding } : {}),
  });
  const importing = defaultPolicy({ securityHub: { importFindings: true } });

  test('a Security Hub finding is written back by the first run only; its own are imported only when the policy says so', () => {
    const sh = observation('securityhub', { id: SH.id, productArn: SH.productArn });
    expect(securityHubRefOf(sh, finding(), defaultPolicy(), true)).toEqual(SH);
    expect(securityHubRefOf(sh, finding(), importing, false)).toBeUndefined();
    expect(securityHubRefOf(observation('cloudtrail'), finding(), defaultPolicy(), true)).toBeUndefined();
    expect(defaultPolicy().securityHub.importFindings).toBe(false);
    for (const source of ['cloudtrail', 'config', 'guardduty'] as const) {
      expect(securityHubRefOf(observation(source), finding(), importing, true)).toEqual({
        id: importedFindingId(finding()), productArn: 'arn:aws:securityhub:us-east-1:111122223333:product/111122223333/default', origin: 'warden',
      });
    }
    expect(securityHubRefOf(observation('manual'), finding(), importing, true)).toBeUndefined();
    expect(securityHubRefOf(observation('scan'), finding(), importing, true)).toBeUndefined();
  });

  test('the Id is stable for a control, resource and targets (in any order), and differs when any of them does', () => {
    const id = importedFindingId(finding(['sgr-1', 'sgr-2']));
    expect(importedFindingId(finding(['sgr-2', 'sgr-1']))).toBe(id);
    expect(importedFindingId(finding(['sgr-1', 'sgr-3']))).not.toBe(id);
    expect(importedFindingId(finding(['sgr-1', 'sgr-2'], { control: 'sg-default-group-open' }))).not.toBe(id);
    expect(importedFindingId(finding(['sgr-1', 'sgr-2'], { resource: { ...finding().resource, id: 'sg-2', arn: 'arn:aws:ec2:us-east-1:111122223333:security-group/sg-2' } }))).not.toBe(id);
    expect(id).toMatch(/^warden\/sg-world-open-ingress\/[0-9a-f]{32}$/);
  });

  test('the ASFF has every field BatchImportFindings requires, and archives a fixed exposure', () => {
    const ref: SecurityHubRef = { id: importedFindingId(finding()), productArn: ownProductArn(finding().resource), origin: 'warden' };
    const asff = asffOf({ ...context(ref), source: 'cloudtrail' }, ref, new Date('2026-11-22T10:00:09Z'), false);
    for (const field of ['SchemaVersion', 'Id', 'ProductArn', 'GeneratorId', 'AwsAccountId', 'Types', 'CreatedAt', 'UpdatedAt', 'Severity', 'Title', 'Description', 'Resources']) {
      expect(asff[field]).toBeTruthy();
    }
    expect(asff).toMatchObject({
      SchemaVersion: '2018-10-08', Id: ref.id, ProductArn: 'arn:aws:securityhub:us-east-1:111122223333:product/111122223333/default',
      GeneratorId: 'warden/sg-world-open-ingress', AwsAccountId: '111122223333', CreatedAt: '2026-11-22T10:00:00Z', UpdatedAt: '2026-11-22T10:00:09.000Z',
      Severity: { Label: 'CRITICAL' }, Types: ['Software and Configuration Checks/AWS Security Best Practices'], RecordState: 'ACTIVE',
      Resources: [{ Type: 'AwsEc2SecurityGroup', Id: 'arn:aws:ec2:us-east-1:111122223333:security-group/sg-0a11c0ffee0000001', Partition: 'aws', Region: 'us-east-1' }],
    });
    // Workflow and Note belong to BatchUpdateFindings once the finding exists.
    expect(asff).not.toHaveProperty('Workflow');
    expect(asff).not.toHaveProperty('Note');
    expect(asffOf(context(ref), ref, new Date(), true).RecordState).toBe('ARCHIVED');
  });
});
