// Approval-gated fixes end to end: the remediate state machine (aws-local-stepfunctions) really pauses on its
// .waitForTaskToken Task; the real interactions handler receives signed Slack clicks and resumes it through the local
// task-token broker (standing in for SendTaskSuccess/SendTaskFailure); the fix lands in moto server. Slack is a local
// stand-in (local/fake-slack.ts). No mocks.
import { setTimeout as sleep } from 'node:timers/promises';
import { getAuditRecord } from '../../functions/audit/get';
import { clients } from '../../functions/aws/clients';
import type { Finding } from '../../functions/domain/model';
import { defaultPolicy, type PolicyInput } from '../../functions/domain/policy';
import type { RemediationState } from '../../functions/domain/state';
import { startFakeSlack, type FakeSlack } from '../../local/fake-slack';
import { signedClick } from '../../local/slack-click';
import { startLocalWarden, type LocalWarden } from '../../local/warden-local';
import { useMoto } from '../support/emulator';
import { allow, createGroup, createVpc, ingressRuleIds, tcp } from '../../local/sandbox';
import { postedApproval } from '../support/approvals';

const moto = useMoto({ resetEach: true });
const SECRET = 'test-signing-secret';
let slack: FakeSlack;
let runs = 0;
beforeAll(async () => {
  slack = await startFakeSlack();
});
afterAll(() => slack?.close());

async function pausedRun(policy: PolicyInput, severity: 'HIGH' | 'CRITICAL' = 'CRITICAL') {
  slack.clear();
  const full: PolicyInput = { defaults: { mode: 'approval' }, approvals: { approvers: ['U0LEAD'] }, ...policy };
  const warden = await startLocalWarden({
    slackWebhookUrl: slack.webhookUrl, slackApiUrl: slack.apiUrl, slackSigningSecret: SECRET, policy: full, msPerTimeoutSecond: 0.1,
    prefix: `w${++runs}`,
  });
  const groupId = await createGroup(await createVpc(), 'approval', { Owner: 'payments' });
  const openRule = await allow(groupId, tcp(22, '0.0.0.0/0'));
  const finding: Finding = {
    control: 'sg-world-open-ingress', title: 't', severity, evidence: 'e',
    resource: { type: 'AWS::EC2::SecurityGroup', id: groupId, account: '123456789012', region: 'us-east-1', tags: { Owner: 'payments' } },
    remediation: { action: 'revoke-sg-ingress', mode: 'approval', targets: [openRule] },
  };
  const id = `approval-${Math.random().toString(16).slice(2)}`;
  const state: RemediationState = {
    context: { id, eventId: 'e1', source: 'cloudtrail', eventName: 'AuthorizeSecurityGroupIngress', eventTime: 't', finding, requestedAt: new Date().toISOString() },
    policy: defaultPolicy(full),
  };
  const run = warden.remediate(state);
  return { warden, groupId, openRule, id, run };
}

const approvalOf = postedApproval;

const click = (w: LocalWarden, approvalId: string, decision: 'approve' | 'deny', userId = 'U0LEAD', secret = SECRET) =>
  w.interactions(signedClick({ approvalId, decision, userId, signingSecret: secret, responseUrl: slack.responseUrl }));

test('the run pauses on the token; a signed Approve by an allowed user resumes it and the fix lands', async () => {
  const p = await pausedRun({});
  const record = await approvalOf(p.warden, p.id);
  for (let i = 0; i < 100 && p.warden.tokens.waiting().length === 0; i++) await sleep(10);
  // Paused: the request is posted (without the token), the rule is still there, the Task waits.
  expect(p.warden.tokens.waiting()).toHaveLength(1);
  expect(await ingressRuleIds(p.groupId)).toEqual([p.openRule]);
  const posted = JSON.stringify([...slack.messages.values()]);
  expect(posted).toContain(record.id);
  expect(posted).not.toContain(record.taskToken);

  // Refused, nothing changes: a stranger, and a forged signature.
  expect((await click(p.warden, record.id, 'approve', 'U0STRANGER')).statusCode).toBe(403);
  expect((await click(p.warden, record.id, 'approve', 'U0LEAD', 'wrong-secret')).statusCode).toBe(401);
  expect(p.warden.tokens.waiting()).toHaveLength(1);

  expect((await click(p.warden, record.id, 'approve')).statusCode).toBe(200);
  const run = await p.run;
  expect(run.path).toEqual(['LoadLiveState', 'StillViolating', 'ChooseMode', 'RequestApproval', 'Apply', 'Applied', 'Verify', 'MarkFixed', 'Notify', 'Record']);
  expect(await ingressRuleIds(p.groupId)).toEqual([]);
  const audit = await getAuditRecord(p.id, { dynamodb: clients.dynamodb(), tableName: p.warden.resources.tableName });
  expect(audit).toMatchObject({ outcome: 'fixed', approval: { decision: 'approved', decidedBy: 'U0LEAD', via: 'slack', approvalId: record.id } });
  expect(audit?.approval?.timeToDecisionMs).toEqual(expect.any(Number));
  expect(audit?.approval?.messageTs).toBe(record.messageTs);
  expect(record.taskToken.length).toBeGreaterThan(10);
  expect(JSON.stringify(audit)).not.toContain(record.taskToken);
  // A second click on the same approval id is refused: it was consumed once.
  expect((await click(p.warden, record.id, 'approve')).statusCode).toBe(403);
});

test('a Deny leaves the resource untouched and is recorded with who denied it', async () => {
  const p = await pausedRun({});
  const record = await approvalOf(p.warden, p.id);
  expect((await click(p.warden, record.id, 'deny')).statusCode).toBe(200);
  const run = await p.run;
  expect(run.path).toEqual(['LoadLiveState', 'StillViolating', 'ChooseMode', 'RequestApproval', 'MarkDenied', 'Notify', 'Record']);
  expect(await ingressRuleIds(p.groupId)).toEqual([p.openRule]);
  const audit = await getAuditRecord(p.id, { dynamodb: clients.dynamodb(), tableName: p.warden.resources.tableName });
  expect(audit).toMatchObject({ outcome: 'denied', approval: { decision: 'denied', decidedBy: 'U0LEAD' } });
});

test('timeout: escalated once to the escalation channel, then denied by default; opt-in applies CRITICAL findings', async () => {
  const denied = await pausedRun({ approvals: { approvers: ['U0LEAD'], escalation: { channel: '#sec-escalations', timeoutSeconds: 60 }, timeoutSeconds: 60 } });
  const deniedRun = await denied.run;
  expect(deniedRun.path).toEqual([
    'LoadLiveState', 'StillViolating', 'ChooseMode', 'RequestApproval', 'EscalateApproval', 'ExpireApproval',
    'TimeoutOutcome', 'MarkExpired', 'Notify', 'Record',
  ]);
  expect(await ingressRuleIds(denied.groupId)).toEqual([denied.openRule]);
  const channels = [...slack.messages.values()].map((m) => m.channel);
  expect(channels.length).toBeGreaterThanOrEqual(2);

  const applied = await pausedRun({ approvals: { approvers: ['U0LEAD'], timeoutSeconds: 60, escalation: { channel: '#sec-escalations', timeoutSeconds: 60 }, onTimeout: 'apply-if-critical' } }, 'CRITICAL');
  const appliedRun = await applied.run;
  expect(appliedRun.path).toContain('TimeoutOutcome');
  expect(appliedRun.path).toContain('Apply');
  expect(await ingressRuleIds(applied.groupId)).toEqual([]);

  const high = await pausedRun({ approvals: { approvers: ['U0LEAD'], timeoutSeconds: 60, escalation: { channel: '#sec-escalations', timeoutSeconds: 60 }, onTimeout: 'apply-if-critical' } }, 'HIGH');
  expect((await high.run).path).toContain('MarkExpired');
  expect(await ingressRuleIds(high.groupId)).toEqual([high.openRule]);
});
