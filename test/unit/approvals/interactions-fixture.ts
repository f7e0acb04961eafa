// Shared by the interactions-side tests: a pending approval record, a fixed clock, and signed Slack clicks.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { ApprovalRecord } from '../../../functions/approvals/model';
import { slackSignature } from '../../../functions/approvals/signature';

/** The fixed clock: 2030-01-01T00:00:00Z. */
export const NOW_MS = Date.parse('2030-01-01T00:00:00Z');
export const NOW_S = NOW_MS / 1000;

export const SIGNING_SECRET = 'f0e1d2c3b4a5968778695a4b3c2d1e0fSIGNINGSECRET';
export const BOT_TOKEN = 'xoxb-1111-2222-BOTTOKENSECRETVALUE';
/** Long and opaque, like a real task token; must never leave the approvals table. */
export const TOKEN = `AAAAKgAAAAIAAAAAAAAAA${'TaskTokenSecretPart7'.repeat(30)}==`;

let n = 0;
/** A fresh approval id (base32-ish, 16 chars). */
export const newId = (): string => `APPR${String(++n).padStart(4, '0')}${Math.random().toString(36).slice(2, 10).toUpperCase()}`.slice(0, 16).padEnd(16, 'Z');

export function pendingRecord(over: Partial<ApprovalRecord> = {}): ApprovalRecord {
  return {
    id: newId(),
    taskToken: TOKEN,
    executionArn: 'arn:aws:states:us-east-1:123456789012:execution:warden-remediate:run-1',
    remediationId: 'run-1',
    stage: 'initial',
    control: 'ecs-service-public-ip',
    severity: 'HIGH',
    resourceType: 'AWS::ECS::Service',
    resourceId: 'arn:aws:ecs:us-east-1:123456789012:service/prod/web',
    action: 'disable-service-public-ip',
    steps: ['update-service prod/web: assignPublicIp ENABLED -> DISABLED'],
    requester: 'arn:aws:sts::123456789012:assumed-role/dev/alice',
    changedAt: '2029-12-31T23:55:00Z',
    approvers: ['U0ALICE', 'S0SRE', 'arn:aws:iam::123456789012:role/Responder*'],
    channel: 'C0PAYMENTS',
    status: 'pending',
    createdAt: '2029-12-31T23:56:00Z',
    expiresAt: NOW_S + 1800,
    ...over,
  };
}

/** A block_actions payload as Slack sends it for a button click. */
export function clickPayload(opts: { approvalId: string; action?: 'warden_approve' | 'warden_deny'; userId?: string; responseUrl: string; actionTs?: string }) {
  return {
    type: 'block_actions',
    user: { id: opts.userId ?? 'U0ALICE', username: 'alice', name: 'alice', team_id: 'T0WARDEN' },
    api_app_id: 'A0WARDEN',
    token: 'legacy-verification-token',
    container: { type: 'message', message_ts: '1893456000.000100', channel_id: 'C0PAYMENTS', is_ephemeral: false },
    trigger_id: '123.456.abc',
    team: { id: 'T0WARDEN', domain: 'warden' },
    channel: { id: 'C0PAYMENTS', name: 'payments-alerts' },
    message: { ts: '1893456000.000100', text: 'Approval needed' },
    response_url: opts.responseUrl,
    actions: [{
      type: 'button', action_id: opts.action ?? 'warden_approve', block_id: 'warden_approval', value: opts.approvalId,
      text: { type: 'plain_text', text: 'Approve' }, action_ts: opts.actionTs ?? `${NOW_S}.${String(++n).padStart(6, '0')}`,
    }],
  };
}

export const formBody = (payload: unknown): string => `payload=${encodeURIComponent(JSON.stringify(payload))}`;

/** An HTTP API (payload v2) event for a body signed at `ts` (default: the fixed clock). */
export function signedEvent(body: string, opts: { ts?: number; secret?: string; signedBody?: string; base64?: boolean; headerCase?: 'lower' | 'mixed' } = {}): APIGatewayProxyEventV2 {
  const ts = String(opts.ts ?? NOW_S);
  const signature = slackSignature(opts.secret ?? SIGNING_SECRET, ts, opts.signedBody ?? body);
  const headers = opts.headerCase === 'mixed'
    ? { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Slack-Request-Timestamp': ts, 'X-Slack-Signature': signature }
    : { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': ts, 'x-slack-signature': signature };
  return {
    version: '2.0',
    routeKey: 'POST /slack/interactions',
    rawPath: '/slack/interactions',
    rawQueryString: '',
    headers,
    body: opts.base64 ? Buffer.from(body, 'utf8').toString('base64') : body,
    isBase64Encoded: opts.base64 ?? false,
    requestContext: {
      accountId: '123456789012', apiId: 'api', domainName: 'api.example.com', domainPrefix: 'api', requestId: 'r', routeKey: 'POST /slack/interactions',
      stage: '$default', time: '', timeEpoch: NOW_MS,
      http: { method: 'POST', path: '/slack/interactions', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'Slackbot 1.0' },
    },
  };
}
