// Audit records for warden report's tests: a few days of runs of several controls and outcomes, a runbook run with a
// timeline, a failure, an exemption ending soon, and attacker-controlled strings where records can hold them.
import type { RemediationRecord } from '../../functions/domain/remediation';
import type { PendingApproval, ReportData } from '../../cli/report/stats';

export const REPORT_NOW = new Date('2026-03-20T12:00:00Z');
/** Markup, a script and a URL, as a tag value or a rule description could hold them. */
export const EVIL = `<img src=x onerror=alert(1)>"'&</script><script>alert(2)</script>http://evil.example/x`;

const resource = { type: 'AWS::EC2::SecurityGroup', id: 'sg-0abc', account: '123456789012', region: 'us-east-1' };

let seq = 0;
export function sampleRecord(over: Partial<RemediationRecord> & { control?: string; at?: string } = {}): RemediationRecord {
  const { control = 'sg-world-open-ingress', at = '2026-03-19T10:00:00Z', ...rest } = over;
  return {
    id: `remediate-${String(++seq).padStart(4, '0')}`, eventId: 'ev', source: 'cloudtrail', eventName: 'AuthorizeSecurityGroupIngress',
    eventTime: at, requestedAt: at, mode: 'auto', outcome: 'fixed', channel: '#sec', finishedAt: at, durationMs: 1500,
    actor: { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/dev' },
    finding: {
      control, title: 'Security group open to the world', severity: 'HIGH', evidence: 'tcp/22 from 0.0.0.0/0', resource,
      remediation: { action: 'revoke-sg-ingress', mode: 'auto', targets: ['sgr-1'] },
    },
    plan: { action: 'revoke-sg-ingress', resource, targets: ['sgr-1'], steps: ['revoke sgr-1 tcp/22 from 0.0.0.0/0 on sg-0abc'] },
    applied: ['sgr-1'], verified: true,
    ...rest,
  } as RemediationRecord;
}

/** Ten days of runs, ending the day before REPORT_NOW. */
export function sampleReportData(): ReportData {
  const records: RemediationRecord[] = [];
  const controls = ['sg-world-open-ingress', 'ecs-task-privileged', 'ecr-scan-on-push'];
  for (let d = 1; d <= 10; d++) {
    const day = new Date(REPORT_NOW.getTime() - d * 86_400_000).toISOString().slice(0, 10);
    for (let i = 0; i < (d % 4) + 1; i++) {
      const control = controls[(d + i) % controls.length]!;
      records.push(sampleRecord({ control, at: `${day}T0${i}:15:00Z`, durationMs: 800 + ((d * 7 + i * 13) % 20) * 450 }));
    }
    if (d % 3 === 0) records.push(sampleRecord({ at: `${day}T09:00:00Z`, outcome: 'notified', mode: 'notify' }));
  }
  records.push(sampleRecord({
    at: '2026-03-18T08:00:00Z', outcome: 'failed', durationMs: 42_000, control: EVIL, applied: [], verified: false,
    error: { error: 'UnauthorizedOperation', cause: `explicit deny in a service control policy; rule description ${EVIL}` },
  }));
  records.push(sampleRecord({
    at: '2026-03-17T08:00:00Z', outcome: 'fixed', durationMs: 95_000, control: 'ecs-task-privileged',
    runbook: {
      name: 'contain-ecs-task', target: 'arn:aws:ecs:us-east-1:123456789012:task/payments/0abc', dryRun: false, startedBy: 'GuardDuty finding 1', reason: EVIL,
      timeline: [
        { at: '2026-03-17T07:58:30Z', step: 'capture-evidence', result: 'done', detail: 'task, task definition and ENIs read' },
        { at: '2026-03-17T07:59:00Z', step: 'approval', result: 'approved', detail: 'approved in Slack', by: 'U0LEAD' },
        { at: '2026-03-17T08:00:00Z', step: 'stop-task', result: 'done', detail: `stopped; tag ${EVIL}` },
      ],
    },
  }));
  records.push(sampleRecord({
    at: '2026-03-16T08:00:00Z', outcome: 'notified', mode: 'notify',
    exemption: { status: 'active', why: 'exempt until 2026-03-27 (PCI-1234, granted by alice)', until: '2026-03-27', expiresAt: '2026-03-28T00:00:00Z', reason: 'PCI-1234', by: 'alice' },
  }));
  const approval: PendingApproval = {
    id: 'ABCDEFGH23456789', executionArn: 'arn:aws:states:us-east-1:123456789012:execution:warden-remediate:r1', remediationId: 'r1', stage: 'initial',
    control: 'sg-world-open-ingress', severity: 'HIGH', resourceType: 'AWS::EC2::SecurityGroup', resourceId: 'sg-0def', action: 'revoke-sg-ingress',
    steps: ['revoke sgr-9 tcp/3389 from 0.0.0.0/0 on sg-0def'], approvers: ['U0LEAD'], channel: '#sec', status: 'pending',
    createdAt: '2026-03-20T11:30:00Z', expiresAt: REPORT_NOW.getTime() / 1000 + 1800,
  };
  return {
    records, sightings: [], approvals: [approval], source: 'the audit table warden-audit (test data)',
    scan: { file: 'scan.json', findings: [
      { control: 'sg-world-open-ingress', severity: 'HIGH' }, { control: 'sg-world-open-ingress', severity: 'HIGH' },
      { control: 'ecr-scan-on-push', severity: 'MEDIUM' }, { control: 'ecs-cluster-container-insights', severity: 'LOW' },
    ] },
  };
}
