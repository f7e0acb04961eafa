import { dynamodb } from '../aws/clients/dynamodb';
import { markExpired, toExpireInput, type ExpireInput } from '../approvals/expire';
import { botTokenFromEnv } from '../approvals/slack-deps';
import { requireEnv } from '../runtime/env';
import { lambda } from '../runtime/lambda';
import type { RemediationState } from '../domain/state';

/**
 * ExpireApproval: after the escalation's States.Timeout, with the whole state (`"Payload.$": "$"`) or
 * `{ state, approvalId }`. Marks the run's pending approvals (or the one given) expired, a conditional write a late
 * click cannot beat, and updates their Slack messages to "Expired".
 * Env: APPROVALS_TABLE, SLACK_BOT_TOKEN_SECRET_ARN, SLACK_API_URL (optional).
 * IAM: dynamodb:GetItem/UpdateItem on the table, dynamodb:Query on its ByRemediation index, the bot-token secret.
 */
export const handler = lambda((input: ExpireInput | RemediationState) =>
  markExpired(toExpireInput(input), { dynamodb: dynamodb(), tableName: requireEnv('APPROVALS_TABLE'), botToken: botTokenFromEnv }),
);
