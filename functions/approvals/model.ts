import type { Severity } from '../domain/model';

/** Where an approval stands. Moves once, from pending to one of the others (a conditional write). */
export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'expired';

/**
 * One approval request, stored in the approvals table under a short random `id`. The Step Functions task token is
 * kept here and nowhere else: never in Slack (a token can exceed a button value's 2,000 chars), never in logs.
 */
export interface ApprovalRecord {
  /** Short random id (base32, 16 chars): the button value. */
  id: string;
  /** Secret: the .waitForTaskToken token. */
  taskToken: string;
  executionArn: string;
  /** The remediation run (execution name). */
  remediationId: string;
  stage: 'initial' | 'escalated';
  control: string;
  severity: Severity;
  resourceType: string;
  resourceId: string;
  action: string;
  /** The exact planned change (plan.steps). */
  steps: string[];
  /** Who made the change that triggered the finding (CloudTrail actor ARN), and when. */
  requester?: string;
  changedAt?: string;
  /** Who may decide: Slack user/group ids or IAM ARNs, resolved from policy when the request was made. */
  approvers: string[];
  channel: string;
  /** Slack channel ID the request was posted to (chat.update takes an ID, not a name). */
  channelId?: string;
  /** Slack message timestamp of the posted request, once posted. */
  messageTs?: string;
  status: ApprovalStatus;
  createdAt: string;
  /** Epoch seconds: DynamoDB TTL, and the deadline shown in Slack. */
  expiresAt: number;
  decidedBy?: string;
  decidedAt?: string;
  reason?: string;
}

export type { ApprovalDecision } from '../domain/remediation';

/** SendTaskFailure error name for a denial; the cause is JSON of { approvalId, decidedBy, decidedAt, via, reason }. */
export const APPROVAL_DENIED = 'Warden.ApprovalDenied';
