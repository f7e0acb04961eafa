import type { SNSClient } from '@aws-sdk/client-sns';
import { secrets } from '../aws/clients/secrets';
import { sns } from '../aws/clients/sns';
import type { RemediationRecord } from '../domain/remediation';
import { notify, notifyTrip } from '../notify/send';
import { slackWebhookUrl } from '../notify/webhook-secret';
import { lambda } from '../runtime/lambda';
import { toRecord, type RemediationState } from '../domain/state';

type Delivery = NonNullable<RemediationRecord['notifications']>;

/**
 * Tell the owning team. Channel failures come back as delivered:false and are recorded, never thrown. A held run
 * tells nobody, except the one that tripped its count in a window: it sends the trip's one summary.
 */
export async function notifyOwner(
  state: RemediationState,
  deps: { sns: () => SNSClient; webhookUrl: () => Promise<string | undefined>; topicArn?: string } = {
    sns, webhookUrl: () => slackWebhookUrl(process.env.SLACK_WEBHOOK_SECRET_ARN, { client: secrets() }),
    ...(process.env.NOTIFY_TOPIC_ARN ? { topicArn: process.env.NOTIFY_TOPIC_ARN } : {}),
  },
): Promise<Delivery> {
  const { notifications: _n, finishedAt: _f, durationMs: _d, ...input } = toRecord(state);
  const channels = { slackWebhookUrl: deps.webhookUrl, sns: deps.sns(), ...(deps.topicArn ? { topicArn: deps.topicArn } : {}) };
  if (input.outcome === 'held') return input.held?.firstOfTrip ? notifyTrip(input, channels) : [];
  return notify(input, channels);
}

export const handler = lambda((state: RemediationState) => notifyOwner(state));
