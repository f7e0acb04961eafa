import { dynamodb } from '../aws/clients/dynamodb';
import { requestApproval, type RequestInput } from '../approvals/request';
import { botTokenFromEnv, webhookUrlFromEnv } from '../approvals/slack-deps';
import { requireEnv } from '../runtime/env';
import { lambda } from '../runtime/lambda';
import { point } from '../runtime/metric-catalog';
import { emit } from '../runtime/metrics';

/**
 * RequestApproval: invoked with `arn:aws:states:::lambda:invoke.waitForTaskToken` and the Payload
 * `{ state, taskToken: $$.Task.Token, executionArn: $$.Execution.Id, stage, approvalId? }`. Stores the approval,
 * posts it to Slack and returns at once; the execution waits for the interactions handler or `warden approve`.
 * Env: APPROVALS_TABLE, SLACK_BOT_TOKEN_SECRET_ARN, SLACK_WEBHOOK_SECRET_ARN, SLACK_API_URL (optional).
 */
export const handler = lambda(async (input: RequestInput) => {
  const result = await requestApproval(input, {
    dynamodb: dynamodb(),
    tableName: requireEnv('APPROVALS_TABLE'),
    botToken: botTokenFromEnv,
    webhookUrl: webhookUrlFromEnv,
  });
  // Counted once stored (posted to Slack or not: `warden approve` can still decide it).
  await emit([point('ApprovalsRequested', { stage: input.stage })]);
  return result;
});
