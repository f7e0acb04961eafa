import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { parseBotToken } from '../approvals/bot-token';
import { handleSlackInteraction, runtimeLog, type SlackInteractionPorts } from '../approvals/decide';
import { decidedMessage } from '../approvals/messages';
import { dynamoApprovalStore, sfnTaskCallbacks } from '../approvals/ports';
import { replayGuard } from '../approvals/replay';
import { secretString } from '../approvals/secret';
import { updateViaResponseUrl } from '../notify/slack-api';
import { slackGroupMembers } from '../approvals/usergroups';
import { dynamodb } from '../aws/clients/dynamodb';
import { secrets } from '../aws/clients/secrets';
import { sfn } from '../aws/clients/sfn';
import { lambda } from '../runtime/lambda';
import { requireEnv } from '../runtime/env';

/**
 * The Slack interactions endpoint (API Gateway HTTP API, payload v2): verify, authorize, decide once, resume the
 * workflow, update the message. Env: APPROVALS_TABLE, SLACK_SIGNING_SECRET_ARN, SLACK_BOT_TOKEN_SECRET_ARN
 * (user-group lookups), optional SLACK_TEAM_ID (refuse other workspaces), SLACK_RESPONSE_URL_ORIGINS (comma-separated
 * origins a response_url may have; default Slack's) and SLACK_API_URL (a local sink).
 */
export function interactionPorts(overrides: Partial<SlackInteractionPorts> = {}): SlackInteractionPorts {
  const now = overrides.now ?? Date.now;
  const signingArn = requireEnv('SLACK_SIGNING_SECRET_ARN');
  const botArn = process.env.SLACK_BOT_TOKEN_SECRET_ARN?.trim();
  const teamId = process.env.SLACK_TEAM_ID?.trim();
  const origins = process.env.SLACK_RESPONSE_URL_ORIGINS?.split(',').map((o) => o.trim()).filter(Boolean);
  return {
    store: dynamoApprovalStore({ dynamodb: dynamodb(), tableName: requireEnv('APPROVALS_TABLE'), now }),
    callbacks: sfnTaskCallbacks(sfn),
    signingSecret: () => secretString(signingArn, { client: secrets(), keys: ['signingSecret', 'signing_secret'], timeoutMs: 1000 }),
    groupMembers: slackGroupMembers({
      token: async () => {
        if (!botArn) throw new Error('SLACK_BOT_TOKEN_SECRET_ARN is not set');
        return parseBotToken(await secretString(botArn, { client: secrets(), keys: ['token'], timeoutMs: 800 }));
      },
    }),
    slack: { updateViaResponseUrl, decidedMessage },
    replay: replayGuard(),
    ...(teamId ? { teamId } : {}),
    ...(origins?.length ? { responseUrlOrigins: origins } : {}),
    now,
    log: runtimeLog,
    ...overrides,
  };
}

/** The handler with its ports; `overrides` lets the local runner resolve a locally waiting task instead of SFN. */
export function createApprovalInteractions(overrides: Partial<SlackInteractionPorts> = {}) {
  let ports: SlackInteractionPorts | undefined;
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    try {
      ports ??= interactionPorts(overrides);
      const { outcome: _outcome, ...res } = await handleSlackInteraction(
        { headers: event.headers, ...(event.body !== undefined ? { body: event.body } : {}), isBase64Encoded: event.isBase64Encoded },
        ports,
      );
      return res;
    } catch (err) {
      // Only the error name: messages from SDKs can carry request details.
      runtimeLog.error('interaction failed', { error: (err as Error).name });
      return { statusCode: 500, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'internal error' };
    }
  };
}

export const handler = lambda(createApprovalInteractions());
