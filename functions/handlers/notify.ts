import { clients, type Clients } from '../aws/clients';
import { runtimePolicy } from '../runtime/config';
import { lambda } from '../runtime/lambda';
import { notify } from '../notify/send';
import { slackWebhookUrl } from '../notify/webhook-secret';
import type { RemediationRecord } from '../domain/remediation';
import { toRecord, type RemediationState } from './state';

type Delivery = NonNullable<RemediationRecord['notifications']>;

/** Tell the owning team. Channel failures come back as delivered:false and are recorded, never thrown. */
export async function notifyOwner(
  state: RemediationState,
  deps: { clients: Clients; webhookUrl: () => Promise<string | undefined>; topicArn?: string; fallbackChannel: string } = {
    clients, fallbackChannel: runtimePolicy().owners.fallback,
    webhookUrl: () => slackWebhookUrl(process.env.SLACK_WEBHOOK_SECRET_ARN, { client: clients.secrets() }),
    ...(process.env.NOTIFY_TOPIC_ARN ? { topicArn: process.env.NOTIFY_TOPIC_ARN } : {}),
  },
): Promise<Delivery> {
  const { notifications: _n, finishedAt: _f, durationMs: _d, ...input } = toRecord(state, deps.fallbackChannel);
  return notify(input, {
    slackWebhookUrl: deps.webhookUrl, sns: deps.clients.sns(), ...(deps.topicArn ? { topicArn: deps.topicArn } : {}),
  });
}

export const handler = lambda((state: RemediationState) => notifyOwner(state));
