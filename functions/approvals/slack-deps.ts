import { secrets } from '../aws/clients/secrets';
import { slackWebhookUrl } from '../notify/webhook-secret';
import { slackBotToken } from './bot-token';

/**
 * The Slack credentials a Lambda reads from Secrets Manager (cached per container): the bot token
 * (SLACK_BOT_TOKEN_SECRET_ARN) and the incoming-webhook URL (SLACK_WEBHOOK_SECRET_ARN). Unset = not configured.
 */
export const botTokenFromEnv = (): Promise<string | undefined> =>
  slackBotToken(process.env.SLACK_BOT_TOKEN_SECRET_ARN, { client: secrets() });

export const webhookUrlFromEnv = (): Promise<string | undefined> =>
  slackWebhookUrl(process.env.SLACK_WEBHOOK_SECRET_ARN, { client: secrets() });
