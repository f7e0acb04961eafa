import type { Outcome, RemediationRecord } from '../../../functions/domain/remediation';
import type { NotifyInput } from '../../../functions/notify/message';

/** A realistic Notify input for the security-group control; `outcome` and overrides vary per test. */
export function notifyInput(outcome: Outcome, over: Partial<NotifyInput> = {}): NotifyInput {
  const resource = {
    type: 'AWS::EC2::SecurityGroup',
    id: 'sg-0123456789abcdef0',
    arn: 'arn:aws:ec2:us-east-1:111122223333:security-group/sg-0123456789abcdef0',
    account: '111122223333',
    region: 'us-east-1',
    tags: { team: 'payments' },
  };
  return {
    id: 'sg-world-open-ingress-sg-0123456789abcdef0-6f1c2a',
    executionArn: 'arn:aws:states:us-east-1:111122223333:execution:warden-remediation:sg-world-open-ingress-sg-0123456789abcdef0-6f1c2a',
    eventId: '6f1c2a4e-0000-4000-8000-000000000001',
    source: 'cloudtrail',
    eventName: 'AuthorizeSecurityGroupIngress',
    eventTime: '2026-11-20T10:00:00Z',
    actor: { arn: 'arn:aws:sts::111122223333:assumed-role/dev/alice', roleArn: 'arn:aws:iam::111122223333:role/dev', type: 'AssumedRole' },
    finding: {
      control: 'sg-world-open-ingress',
      title: 'Security group allows ingress from the whole internet',
      severity: 'CRITICAL',
      resource,
      evidence: 'world-open ingress on sg-0123456789abcdef0: sgr-0aaa tcp/22 from 0.0.0.0/0',
      remediation: { action: 'revoke-sg-ingress', mode: 'auto', targets: ['sgr-0aaa'] },
    },
    requestedAt: '2026-11-20T10:00:02Z',
    mode: outcome === 'dry-run' ? 'dry-run' : outcome === 'notified' ? 'notify' : outcome === 'approval-required' ? 'approval' : 'auto',
    outcome,
    ...(outcome !== 'already-fixed' && {
      plan: {
        action: 'revoke-sg-ingress',
        resource,
        targets: ['sgr-0aaa'],
        steps: ['revoke sgr-0aaa tcp/22 from 0.0.0.0/0 on sg-0123456789abcdef0'],
        details: { rules: [{ ruleId: 'sgr-0aaa', protocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' }] },
      },
    }),
    ...(outcome === 'fixed' && { applied: ['sgr-0aaa'], verified: true }),
    ...(outcome === 'held' && { held: { reason: 'limit', stage: 'change', at: '2026-11-20T10:00:03Z', why: 'breaker: total 50/50 in 15 min from 10:00Z', scope: 'total', count: 50, limit: 50, firstOfTrip: false } }),
    ...(outcome === 'failed' && { error: { error: 'EC2.UnauthorizedOperation', cause: 'not authorized to perform ec2:RevokeSecurityGroupIngress' } }),
    owner: 'payments',
    channel: '#payments-alerts',
    ...over,
  };
}

/** The full record Record receives after Notify. */
export function record(outcome: Outcome, over: Partial<RemediationRecord> = {}): RemediationRecord {
  return {
    ...notifyInput(outcome),
    notifications: [{ channel: 'sns', delivered: true }],
    finishedAt: '2026-11-20T10:00:09Z',
    durationMs: 7000,
    ...over,
  };
}

export const OUTCOMES: Outcome[] = ['fixed', 'already-fixed', 'resource-gone', 'not-found', 'notified', 'dry-run', 'approval-required', 'denied', 'expired', 'held', 'failed'];
