import type { SNSClient } from '@aws-sdk/client-sns';
import { botTokenFromEnv, webhookUrlFromEnv } from '../approvals/slack-deps';
import { sns } from '../aws/clients/sns';
import type { Delivery } from '../domain/remediation';
import { notify, notifyTrip, type NotifyDeps } from '../notify/send';
import { lambda } from '../runtime/lambda';
import { toRecord, type RemediationState } from '../domain/state';

type Deps = { sns: () => SNSClient; webhookUrl: () => Promise<string | undefined>; topicArn?: string } & Pick<NotifyDeps, 'slackBotToken' | 'slackApi'>;

/**
 * Tell the owning team: Slack in the run's channel (the owner's, from the Owner tag and the policy) with the bot
 * token, else the incoming webhook; and SNS. Channel failures come back as delivered:false and are recorded, never
 * thrown; Slack's rate limit outlasting one attempt throws Warden.Throttled (Notify's Retry backs off). A held run
 * tells nobody, except the one that tripped its count in a window: it sends the trip's one summary, to the
 * policy's fallback (security) channel.
 * Env: SLACK_BOT_TOKEN_SECRET_ARN, SLACK_WEBHOOK_SECRET_ARN, SLACK_API_URL (optional), NOTIFY_TOPIC_ARN.
 */
export async function notifyOwner(
  state: RemediationState,
  deps: Deps = {
    sns, webhookUrl: webhookUrlFromEnv, slackBotToken: botTokenFromEnv,
    ...(process.env.NOTIFY_TOPIC_ARN ? { topicArn: process.env.NOTIFY_TOPIC_ARN } : {}),
  },
): Promise<Delivery[]> {
  const { notifications: _n, finishedAt: _f, durationMs: _d, ...input } = toRecord(state);
  const channels: NotifyDeps = {
    slackWebhookUrl: deps.webhookUrl, sns: deps.sns(), fallbackChannel: state.policy.owners.fallback,
    ...(deps.slackBotToken ? { slackBotToken: deps.slackBotToken } : {}),
    ...(deps.slackApi ? { slackApi: deps.slackApi } : {}),
    ...(deps.topicArn ? { topicArn: deps.topicArn } : {}),
  };
  // A trip concerns the breaker's whole scope (a control, an account, everything), not one owner: the security
  // channel hears it.
  if (input.outcome === 'held') return input.held?.firstOfTrip ? notifyTrip({ ...input, channel: state.policy.owners.fallback }, channels) : [];
  return notify(input, channels);
}

export const handler = lambda((state: RemediationState) => notifyOwner(state));
