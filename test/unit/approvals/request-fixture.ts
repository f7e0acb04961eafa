import type { ApprovalRecord } from '../../../functions/approvals/model';
import { defaultPolicy } from '../../../functions/domain/policy/load';
import type { PolicyInput } from '../../../functions/domain/policy/schema';
import type { RemediationState } from '../../../functions/domain/state';

/** A task token as Step Functions makes them: long, opaque. Tests check it never leaves the approvals table. */
export const TASK_TOKEN = `AQCEAAAAKgAAAAMAAAAAAAAAA${'x9TokenSecretPart'.repeat(40)}==`;
export const EXECUTION_ARN = 'arn:aws:states:eu-west-1:111122223333:execution:warden-remediation:ecs-service-public-ip-web-6f1c2a';

const resource = {
  type: 'AWS::ECS::Service',
  id: 'arn:aws:ecs:eu-west-1:444455556666:service/prod/web',
  account: '444455556666',
  region: 'eu-west-1',
  tags: { Environment: 'prod', Owner: 'payments' },
};

/** The state the approval step receives: LoadLiveState planned, mode approval. */
export function approvalState(policy: PolicyInput = {}, steps = ['update-service prod/web: assignPublicIp ENABLED -> DISABLED (new deployment)']): RemediationState {
  return {
    context: {
      id: 'ecs-service-public-ip-web-6f1c2a',
      executionArn: EXECUTION_ARN,
      eventId: '6f1c2a4e-0000-4000-8000-000000000002',
      source: 'cloudtrail',
      eventName: 'UpdateService',
      eventTime: '2026-11-20T10:00:00Z',
      actor: { arn: 'arn:aws:sts::444455556666:assumed-role/dev/alice', roleArn: 'arn:aws:iam::444455556666:role/dev', type: 'AssumedRole' },
      finding: {
        control: 'ecs-service-public-ip',
        title: 'ECS service assigns public IPs',
        severity: 'HIGH',
        resource,
        evidence: 'service prod/web: assignPublicIp ENABLED',
        remediation: { action: 'disable-service-public-ip', mode: 'approval', targets: [] },
      },
      requestedAt: '2026-11-20T10:00:02Z',
    },
    policy: defaultPolicy({
      owners: { tag: 'Owner', channels: { payments: '#payments-alerts' }, fallback: '#security-alerts' },
      approvals: { approvers: ['U0GLOBAL'], byEnvironment: { prod: ['U0ALICE', 'S0SRE'] }, timeoutSeconds: 1800, escalation: { channel: '#sec-escalations', timeoutSeconds: 900 } },
      ...policy,
    }),
    live: {
      result: {
        stillViolating: true,
        mode: 'approval',
        plan: { action: 'disable-service-public-ip', resource, targets: ['prod/web'], steps },
        owner: 'payments',
        channel: '#payments-alerts',
      },
    },
  };
}

/** A stored approval record. */
export function approvalRecord(over: Partial<ApprovalRecord> = {}): ApprovalRecord {
  return {
    id: 'ABCDEFGHIJKLMNOP',
    taskToken: TASK_TOKEN,
    executionArn: EXECUTION_ARN,
    remediationId: 'ecs-service-public-ip-web-6f1c2a',
    stage: 'initial',
    control: 'ecs-service-public-ip',
    severity: 'HIGH',
    resourceType: 'AWS::ECS::Service',
    resourceId: 'arn:aws:ecs:eu-west-1:444455556666:service/prod/web',
    action: 'disable-service-public-ip',
    steps: ['update-service prod/web: assignPublicIp ENABLED -> DISABLED (new deployment)'],
    requester: 'arn:aws:sts::444455556666:assumed-role/dev/alice',
    changedAt: '2026-11-20T10:00:00Z',
    approvers: ['U0ALICE', 'S0SRE', 'arn:aws:iam::111122223333:role/responder'],
    channel: '#payments-alerts',
    status: 'pending',
    createdAt: '2026-11-20T10:00:05Z',
    expiresAt: 1795173605,
    ...over,
  };
}
