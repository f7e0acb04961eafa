// The remediate state machine, every branch, run locally by aws-local-stepfunctions with each Task bound to the
// real Lambda handler and every SDK call going to moto server. Slack is a local HTTP sink.
// aws-sdk-client-mock is used only for fault injection (throttling, access denied, a rule that will not go away),
// wrapping the EC2 client and passing every other call through to moto.
import {
  DeleteSecurityGroupCommand, DescribeSecurityGroupRulesCommand, DescribeSecurityGroupsCommand, EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { getAuditRecord } from '../../functions/audit/get';
import { clients } from '../../functions/aws/clients';
import type { Finding, Mode } from '../../functions/domain/model';
import { defaultPolicy, type PolicyInput } from '../../functions/domain/policy';
import type { RemediationState } from '../../functions/domain/state';
import type { LocalWarden } from '../../local/warden-local';
import { useLocalWarden } from '../support/emulator';
import { allow, createGroup, createVpc, ingressRuleIds, tcp } from '../../local/sandbox';

const { sink, start: startWarden } = useLocalWarden();

interface Scene { warden: LocalWarden; groupId: string; openRule: string; adminRule: string; policy: PolicyInput }

async function scene(policy: PolicyInput = {}): Promise<Scene> {
  const warden = await startWarden(policy);
  const groupId = await createGroup(await createVpc(), 'ssh-open', { Owner: 'payments' });
  const openRule = await allow(groupId, tcp(22, '0.0.0.0/0'));
  const adminRule = await allow(groupId, tcp(22, '203.0.113.7/32'));
  return { warden, groupId, openRule, adminRule, policy };
}

function stateFor(s: Scene, mode: Mode = 'auto', id = `test-${Math.random().toString(16).slice(2)}`): RemediationState {
  const finding: Finding = {
    control: 'sg-world-open-ingress', title: 'Security group allows ingress from the whole internet', severity: 'CRITICAL',
    resource: { type: 'AWS::EC2::SecurityGroup', id: s.groupId, account: '123456789012', region: 'us-east-1', tags: { Owner: 'payments' } },
    evidence: 'test', remediation: { action: 'revoke-sg-ingress', mode, targets: [s.openRule] },
  };
  return {
    context: {
      id, eventId: 'evt-1', source: 'cloudtrail', eventName: 'AuthorizeSecurityGroupIngress',
      eventTime: '2026-11-22T10:00:00Z', finding, requestedAt: new Date().toISOString(),
    },
    policy: defaultPolicy(s.policy),
  };
}

const audit = (s: Scene, id: string) =>
  getAuditRecord(id, { dynamodb: clients.dynamodb(), tableName: s.warden.resources.tableName });

/** Wrap the shared EC2 client: the given overrides first, everything else straight to moto. */
function faultyEc2(overrides: (m: ReturnType<typeof mockClient>) => void) {
  const real = new EC2Client({});
  const m = mockClient(clients.ec2());
  m.on(DescribeSecurityGroupRulesCommand).callsFake((i) => real.send(new DescribeSecurityGroupRulesCommand(i)));
  m.on(DescribeSecurityGroupsCommand).callsFake((i) => real.send(new DescribeSecurityGroupsCommand(i)));
  m.on(RevokeSecurityGroupIngressCommand).callsFake((i) => real.send(new RevokeSecurityGroupIngressCommand(i)));
  overrides(m);
  return m;
}

const awsError = (name: string, status = 400) => Object.assign(new Error(`${name} (injected)`), { name, $metadata: { httpStatusCode: status } });

test('auto: revokes exactly the open rule, verifies, notifies the owner and records', async () => {
  const s = await scene();
  const state = stateFor(s);
  const run = await s.warden.remediate(state);
  expect(run.failed).toBeUndefined();
  expect(run.path).toEqual(['LoadLiveState', 'StillViolating', 'ChooseMode', 'Apply', 'Applied', 'Verify', 'MarkFixed', 'Notify', 'Record']);
  expect(await ingressRuleIds(s.groupId)).toEqual([s.adminRule]);
  const record = await audit(s, state.context.id);
  expect(record).toMatchObject({ outcome: 'fixed', mode: 'auto', applied: [s.openRule], verified: true });
  expect(record?.plan?.targets).toEqual([s.openRule]);
  expect(record?.notifications).toEqual(expect.arrayContaining([expect.objectContaining({ channel: 'slack', delivered: true })]));
  expect(sink().received).toHaveLength(1);
  expect(sink().received[0]!.body).toContain(s.openRule);
});

test('already fixed: the live re-check stops the run before any change or notification', async () => {
  const s = await scene();
  await clients.ec2().send(new RevokeSecurityGroupIngressCommand({ GroupId: s.groupId, SecurityGroupRuleIds: [s.openRule] }));
  const state = stateFor(s);
  const run = await s.warden.remediate(state);
  expect(run.path).toEqual(['LoadLiveState', 'StillViolating', 'RecordAlreadyFixed', 'Record']);
  expect((await audit(s, state.context.id))?.outcome).toBe('already-fixed');
  expect(sink().received).toHaveLength(0);
  expect(await ingressRuleIds(s.groupId)).toEqual([s.adminRule]);
});

test('a group deleted between triage and the run: resource-gone, notified as such and recorded, not an error', async () => {
  const s = await scene();
  const state = stateFor(s); // what triage decided, with the tags it read
  await clients.ec2().send(new DeleteSecurityGroupCommand({ GroupId: s.groupId }));
  const run = await s.warden.remediate(state);
  expect(run.failed).toBeUndefined();
  expect(run.path).toEqual(['LoadLiveState', 'StillViolating', 'MarkResourceGone', 'Notify', 'Record']);
  const record = await audit(s, state.context.id);
  expect(record).toMatchObject({ outcome: 'resource-gone', plan: { targets: [], steps: [`security group ${s.groupId} no longer exists: nothing to revoke`] } });
  expect(record?.error).toBeUndefined();
  expect(record?.notifications).toEqual(expect.arrayContaining([expect.objectContaining({ channel: 'slack', delivered: true })]));
  expect(sink().received).toHaveLength(1);
  expect(sink().received[0]!.body).toContain(`Gone: ${s.groupId} was deleted since the event, nothing to fix`);
});

test.each([
  ['notify', { controls: { 'sg-world-open-ingress': { mode: 'notify' } } }, 'NotifyOnly', 'notified'],
  ['dry-run', { defaults: { mode: 'dry-run' } }, 'NotifyDryRun', 'dry-run'],
] as const)('%s mode: tells the owner the exact plan and changes nothing', async (_mode, policy, branch, outcome) => {
  const s = await scene(policy as PolicyInput);
  const state = stateFor(s);
  const run = await s.warden.remediate(state);
  expect(run.path).toEqual(['LoadLiveState', 'StillViolating', 'ChooseMode', branch, 'Notify', 'Record']);
  expect(await ingressRuleIds(s.groupId)).toEqual([s.adminRule, s.openRule].sort());
  const record = await audit(s, state.context.id);
  expect(record?.outcome).toBe(outcome);
  expect(record?.plan?.steps.join('\n')).toContain(s.openRule);
  expect(sink().received[0]!.body).toContain(s.openRule);
});

test('approval mode, nobody answers: the request is escalated once, then expires; nothing changes', async () => {
  const s = await scene({ environments: { tag: 'Owner', modes: { payments: 'approval' } } });
  const state = stateFor(s);
  const run = await s.warden.remediate(state);
  expect(run.path).toEqual([
    'LoadLiveState', 'StillViolating', 'ChooseMode', 'RequestApproval', 'EscalateApproval', 'ExpireApproval',
    'TimeoutOutcome', 'MarkExpired', 'Notify', 'Record',
  ]);
  expect(await ingressRuleIds(s.groupId)).toEqual([s.adminRule, s.openRule].sort());
  const record = await audit(s, state.context.id);
  expect(record?.outcome).toBe('expired');
  expect(record?.approval).toMatchObject({ decision: 'expired', escalated: true });
  // The request (webhook fallback, no bot token here) and the final notice both name the exact rule.
  expect(sink().received.length).toBeGreaterThanOrEqual(2);
  expect(sink().received[0]!.body).toContain(s.openRule);
});

test('throttling on apply is retried with backoff, then the fix lands', async () => {
  const s = await scene();
  const real = new EC2Client({});
  const m = faultyEc2((mock) =>
    mock.on(RevokeSecurityGroupIngressCommand)
      .rejectsOnce(awsError('RequestLimitExceeded', 503))
      .callsFake((i) => real.send(new RevokeSecurityGroupIngressCommand(i))),
  );
  try {
    const state = stateFor(s);
    const run = await s.warden.remediate(state);
    expect(run.failed).toBeUndefined();
    expect(m.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(2);
    expect((await audit(s, state.context.id))?.outcome).toBe('fixed');
    expect(await ingressRuleIds(s.groupId)).toEqual([s.adminRule]);
  } finally {
    m.restore();
  }
});

test('a failure is caught: the owner is told, an audit record is written, the execution fails', async () => {
  const s = await scene();
  const m = faultyEc2((mock) => mock.on(RevokeSecurityGroupIngressCommand).rejects(awsError('UnauthorizedOperation', 403)));
  try {
    const state = stateFor(s);
    const run = await s.warden.remediate(state);
    expect(run.path.slice(-3)).toEqual(['NotifyFailure', 'RecordFailure', 'RemediationFailed']);
    expect(run.failed?.error).toBe('Warden.RemediationFailed');
    const record = await audit(s, state.context.id);
    expect(record).toMatchObject({ outcome: 'failed' });
    expect(record?.error?.error).toBe('UnauthorizedOperation');
    expect(sink().received).toHaveLength(1);
    expect(await ingressRuleIds(s.groupId)).toEqual([s.adminRule, s.openRule].sort());
  } finally {
    m.restore();
  }
});

test('a rule that survives apply fails verification and takes the failure path', async () => {
  const s = await scene();
  const m = faultyEc2((mock) => mock.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true }));
  try {
    const state = stateFor(s);
    const run = await s.warden.remediate(state);
    expect(run.path).toContain('Verify');
    expect(run.path.slice(-3)).toEqual(['NotifyFailure', 'RecordFailure', 'RemediationFailed']);
    expect((await audit(s, state.context.id))?.error?.error).toBe('Warden.VerificationFailed');
  } finally {
    m.restore();
  }
});
