// restore-security-group-rule end to end: a revocation runs through the remediate state machine and is recorded, then
// the generated restore state machine runs locally (aws-local-stepfunctions) with every Task bound to the real
// handlers (RestoreRules to the RestoreRule function) and EC2/DynamoDB in moto server. The approval waits on a local
// task token that the test answers as the interactions handler would (SendTaskSuccess / SendTaskFailure). No mocks.
import { DeleteSecurityGroupCommand } from '@aws-sdk/client-ec2';
import { setTimeout as sleep } from 'node:timers/promises';
import { approvalIdsOfRun } from '../../../functions/approvals/expire';
import { APPROVAL_DENIED, type ApprovalDecision } from '../../../functions/approvals/model';
import { getAuditRecord } from '../../../functions/audit/get';
import { clients } from '../../../functions/aws/clients';
import { describeRules } from '../../../functions/aws/security-groups';
import type { Finding, SgRule } from '../../../functions/domain/model';
import { defaultPolicy } from '../../../functions/domain/policy';
import type { LocalWarden } from '../../../local/warden-local';
import { useLocalWarden } from '../../support/emulator';
import { allow, createGroup, createVpc, ingressRuleIds } from '../../../local/sandbox';

const { start: warden } = useLocalWarden();
const RESPONDER = 'arn:aws:iam::123456789012:user/responder';

const shapes = async (groupId: string) =>
  (await describeRules(clients.ec2(), groupId)).map(({ ruleId: _id, ...rest }: SgRule) => JSON.stringify(rest)).sort();
const audit = (w: LocalWarden, id: string) => getAuditRecord(id, { dynamodb: clients.dynamodb(), tableName: w.resources.tableName });

/** A group with two world-open rules and a private one; the remediate workflow revokes the open ones and records it. */
async function revoked(w: LocalWarden) {
  const groupId = await createGroup(await createVpc(), 'web', { Owner: 'payments' });
  await allow(groupId, { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'vendor ssh' }] });
  await allow(groupId, { IpProtocol: '-1', Ipv6Ranges: [{ CidrIpv6: '::/0', Description: 'everything v6' }] });
  const privateRule = await allow(groupId, { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '10.0.0.0/16', Description: 'db' }] });
  const original = await shapes(groupId);
  const id = `revoke-${Math.random().toString(16).slice(2)}`;
  const finding: Finding = {
    control: 'sg-world-open-ingress', title: 't', severity: 'CRITICAL', evidence: 'e',
    resource: { type: 'AWS::EC2::SecurityGroup', id: groupId, account: '123456789012', region: 'us-east-1', tags: { Owner: 'payments' } },
    remediation: { action: 'revoke-sg-ingress', mode: 'auto', targets: [] },
  };
  const now = new Date().toISOString();
  const run = await w.remediate({
    context: { id, eventId: id, source: 'cloudtrail', eventName: 'AuthorizeSecurityGroupIngress', eventTime: now, finding, requestedAt: now },
    policy: defaultPolicy({}),
  });
  expect(run.path).toContain('MarkFixed');
  expect(await ingressRuleIds(groupId)).toEqual([privateRule]);
  return { groupId, privateRule, original, id };
}

/** The one waiting approval of a run, once it is posted: its id and task token. */
async function waitingApproval(w: LocalWarden, run: string) {
  const store = { dynamodb: clients.dynamodb(), tableName: w.resources.approvalsTable };
  for (let i = 0; i < 300; i++) {
    const [approvalId] = await approvalIdsOfRun(run, store);
    const [token] = w.tokens.waiting();
    if (approvalId && token) return { approvalId, token };
    await sleep(20);
  }
  throw new Error(`run ${run} never waited for an approval`);
}

const decision = (approvalId: string, reason: string) => ({ approvalId, decidedBy: 'U0LEAD', decidedAt: new Date().toISOString(), via: 'slack' as const, reason });

test('approved: exactly the revoked rules come back, the private rule untouched, nothing else added', async () => {
  const w = await warden();
  const r = await revoked(w);
  const e = w.runbook('restore-security-group-rule', { target: r.id, requestedBy: RESPONDER, reason: 'vendor needs ssh until Friday' });
  const { approvalId, token } = await waitingApproval(w, e.name);
  expect(await ingressRuleIds(r.groupId)).toEqual([r.privateRule]);
  const approved: ApprovalDecision = { decision: 'approved', ...decision(approvalId, 'CHG-7') };
  await w.tokens.callbacks.success(token, approved);

  const run = await e.done;
  expect(run.failed).toBeUndefined();
  expect(run.path).toEqual([
    'Start', 'Plan', 'Needed', 'ChooseMode', 'RequestApproval', 'Brake', 'Braked', 'RestoreRules', 'VerifyRestored', 'MarkFixed',
    'Conclude', 'Notify', 'Record', 'Finished', 'Succeeded',
  ]);
  expect(await shapes(r.groupId)).toEqual(r.original);
  expect(await ingressRuleIds(r.groupId)).toContain(r.privateRule);
  expect(await ingressRuleIds(r.groupId)).toHaveLength(3);

  const record = await audit(w, e.name);
  expect(record).toMatchObject({
    outcome: 'fixed', mode: 'approval', verified: true, source: 'manual',
    plan: { action: 'restore-security-group-rule', resource: { id: r.groupId }, details: { sourceRecord: r.id, groupId: r.groupId } },
    approval: { decision: 'approved', decidedBy: 'U0LEAD', approvalId },
  });
  expect(record!.applied).toHaveLength(2);
  expect(record!.runbook!.timeline.map((t) => `${t.step}:${t.result}`)).toEqual([
    'start:done', 'plan:done', 'approval:approved', 'brake:done', 'restore-rules:done', 'verify-restored:done', 'conclude:done',
  ]);
  expect(record!.runbook!.evidence).toMatchObject({ sourceRecord: { id: r.id, outcome: 'fixed' } });
});

test('denied: nothing is added and the denial is on the timeline', async () => {
  const w = await warden();
  const r = await revoked(w);
  const e = w.runbook('restore-security-group-rule', { target: r.id, requestedBy: RESPONDER });
  const { approvalId, token } = await waitingApproval(w, e.name);
  await w.tokens.callbacks.failure(token, APPROVAL_DENIED, JSON.stringify(decision(approvalId, 'not without a narrower CIDR')));
  const run = await e.done;
  expect(run.path).toContain('MarkDenied');
  expect(run.path).not.toContain('RestoreRules');
  expect(await ingressRuleIds(r.groupId)).toEqual([r.privateRule]);
  const record = await audit(w, e.name);
  expect(record).toMatchObject({ outcome: 'denied', approval: { decision: 'denied', decidedBy: 'U0LEAD' } });
  expect(record!.applied).toBeUndefined();
  expect(record!.runbook!.timeline.find((t) => t.step === 'approval')).toMatchObject({ result: 'denied', detail: expect.stringContaining('not without a narrower CIDR') });
});

test('dry-run: the plan is recorded, nothing is added and nobody is asked', async () => {
  const w = await warden();
  const r = await revoked(w);
  const run = await w.runbook('restore-security-group-rule', { target: r.id, dryRun: true, requestedBy: RESPONDER }).done;
  expect(run.path).toEqual(['Start', 'Plan', 'Needed', 'ChooseMode', 'MarkDryRun', 'Conclude', 'Notify', 'Record', 'Finished', 'Succeeded']);
  expect(await ingressRuleIds(r.groupId)).toEqual([r.privateRule]);
  expect(w.tokens.waiting()).toEqual([]);
});

test('already present: the rules were put back by hand, so there is nothing to do', async () => {
  const w = await warden();
  const r = await revoked(w);
  await allow(r.groupId, { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'vendor ssh' }] });
  await allow(r.groupId, { IpProtocol: '-1', Ipv6Ranges: [{ CidrIpv6: '::/0', Description: 'everything v6' }] });
  const e = w.runbook('restore-security-group-rule', { target: r.id, requestedBy: RESPONDER });
  const run = await e.done;
  expect(run.path).toEqual(['Start', 'Plan', 'Needed', 'MarkNothingToDo', 'Conclude', 'Notify', 'Record', 'Finished', 'Succeeded']);
  expect(await shapes(r.groupId)).toEqual(r.original);
  expect(await audit(w, e.name)).toMatchObject({ outcome: 'already-fixed' });
});

test('an id with no audit record: not-found, naming the id; nothing read or changed', async () => {
  const w = await warden();
  const e = w.runbook('restore-security-group-rule', { target: 'no-such-execution', requestedBy: RESPONDER });
  const run = await e.done;
  expect(run.path).toEqual(['Start', 'Plan', 'Needed', 'MarkAbsent', 'Conclude', 'Notify', 'Record', 'Finished', 'Succeeded']);
  const record = await audit(w, e.name);
  expect(record).toMatchObject({ outcome: 'not-found', plan: { steps: [expect.stringContaining('no audit record no-such-execution')] } });
  expect(record!.runbook!.timeline.at(-1)).toMatchObject({ step: 'conclude', result: 'done', detail: 'outcome not-found' });
});

test('the revoked group was deleted since: resource-gone, nothing restored', async () => {
  const w = await warden();
  const r = await revoked(w);
  await clients.ec2().send(new DeleteSecurityGroupCommand({ GroupId: r.groupId }));
  const e = w.runbook('restore-security-group-rule', { target: r.id, requestedBy: RESPONDER });
  expect((await e.done).path).toEqual(['Start', 'Plan', 'Needed', 'MarkAbsent', 'Conclude', 'Notify', 'Record', 'Finished', 'Succeeded']);
  expect(await audit(w, e.name)).toMatchObject({ outcome: 'resource-gone', plan: { resource: { id: r.groupId }, steps: [`security group ${r.groupId} no longer exists: there is nothing to restore the rules into`] } });
});
