import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { slackSignature } from '../functions/approvals/signature';

/**
 * A Slack Approve/Deny click on a Warden message, as API Gateway (HTTP API, payload v2) hands it to the
 * interactions Lambda: a form-encoded block_actions payload, signed with the app's signing secret.
 * For the demo and tests: it is what Slack would send, nothing is faked inside Warden.
 */
export function signedClick(opts: {
  approvalId: string;
  decision: 'approve' | 'deny';
  userId: string;
  signingSecret: string;
  responseUrl: string;
  channelId?: string;
  now?: number;
}): APIGatewayProxyEventV2 {
  const ts = String(Math.floor((opts.now ?? Date.now()) / 1000));
  const payload = {
    type: 'block_actions',
    user: { id: opts.userId, username: opts.userId.toLowerCase(), team_id: 'T0WARDEN' },
    team: { id: 'T0WARDEN', domain: 'warden' },
    channel: { id: opts.channelId ?? 'C0WARDEN' },
    container: { type: 'message', message_ts: `${ts}.000100`, channel_id: opts.channelId ?? 'C0WARDEN', is_ephemeral: false },
    response_url: opts.responseUrl,
    actions: [{
      type: 'button', action_id: opts.decision === 'approve' ? 'warden_approve' : 'warden_deny', block_id: 'warden_approval',
      value: opts.approvalId, action_ts: `${ts}.${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`,
    }],
  };
  const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return {
    version: '2.0', routeKey: 'POST /slack/interactions', rawPath: '/slack/interactions', rawQueryString: '',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': ts,
      'x-slack-signature': slackSignature(opts.signingSecret, ts, body),
    },
    body, isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012', apiId: 'local', domainName: 'localhost', domainPrefix: 'local',
      http: { method: 'POST', path: '/slack/interactions', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'Slackbot 1.0' },
      requestId: `local-${ts}`, routeKey: 'POST /slack/interactions', stage: '$default', time: new Date().toISOString(),
      timeEpoch: Number(ts) * 1000,
    },
  };
}
