// revoke-open-ingress end to end, and the restore of its own record: the generated state machines run locally
// (aws-local-stepfunctions) with every Task bound to the real handlers, EC2/DynamoDB in moto server. The restore's
// approval waits on a local task token that the test answers as the interactions handler would. No mocks.
import { setTimeout as sleep } from 'node:timers/promises';
import { approvalIdsOfRun } from '../../../functions/approvals/expire';
import { getAuditRecord } from '../../../functions/audit/get';
import { clients } from '../../../functions/aws/clients';
import { describeRules } from '../../../functions/aws/security-groups';
import type { SgRule } from '../../../functions/domain/model';
import type { LocalWarden } from '../../../local/warden-local';
import { useLocalWarden } from '../../support/emulator';
import { allow, createGroup, createVpc, ingressRuleIds, tcp } from '../../../local/sandbox';

const { start: warden } = useLocalWarden();
const RESPONDER = 'arn:aws:iam::123456789012:user/responder';

const shapes = async (groupId: string) =>
  (await describeRules(clients.ec2(), groupId)).map(({ ruleId: _id, ...rest }: SgRule) => JSON.stringify(rest)).sort();
const audit = (w: LocalWarden, id: string) => getAuditRecord(id, { dynamodb: clients.dynamodb(), tableName: w.resources.tableName });

/** A public front end: 443 may be world-open (tagged), 22 may not; plus a private rule. */
async function frontEnd(tags: Record<string, string> = { 'warden:public': 'true', Owner: 'web' }) {
  const groupId = await createGroup(await createVpc(), 'front', tags);
  const ssh = await allow(groupId, { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'debug ssh' }] });
  const https = await allow(groupId, tcp(443, '0.0.0.0/0'));
  const admin = await allow(groupId, tcp(22, '203.0.113.7/32'));
  return { groupId, ssh, https, admin, original: await shapes(groupId) };
}

test('auto: the world-open rule is revoked; the allowed 443 and the private rule stay; the record is a revocation', async () => {
  const w = await warden();
  const g = await frontEnd();
  const e = w.runbook('revoke-open-ingress', { target: g.groupId, requestedBy: RESPONDER, reason: 'IR-9' });
  const run = await e.done;
  expect(run.failed).toBeUndefined();
  expect(run.path).toEqual([
    'Start', 'Plan', 'Needed', 'CaptureEvidence', 'ChooseMode', 'RevokeRules', 'VerifyRevoked', 'MarkFixed',
    'Conclude', 'Notify', 'Record', 'Finished', 'Succeeded',
  ]);
  expect(await ingressRuleIds(g.groupId)).toEqual([g.https, g.admin].sort());
  const record = await audit(w, e.name);
  expect(record).toMatchObject({
    outcome: 'fixed', mode: 'auto', source: 'manual', applied: [g.ssh], verified: true, owner: 'web',
    finding: { control: 'sg-world-open-ingress' },
    plan: { action: 'revoke-sg-ingress', targets: [g.ssh], details: { rules: [expect.objectContaining({ ruleId: g.ssh, description: 'debug ssh' })] } },
  });
  expect(record!.runbook!.timeline.map((t) => `${t.step}:${t.result}`)).toEqual([
    'start:done', 'plan:done', 'capture-evidence:done', 'revoke:done', 'verify-revoked:done', 'conclude:done',
  ]);
  expect(record!.runbook!.evidence).toMatchObject({ securityGroup: { GroupId: g.groupId }, rules: expect.arrayContaining([expect.objectContaining({ ruleId: g.ssh })]) });
});

test('dry-run: evidence is captured, the plan recorded, nothing revoked', async () => {
  const w = await warden();
  const g = await frontEnd();
  const e = w.runbook('revoke-open-ingress', { target: g.groupId, dryRun: true, requestedBy: RESPONDER });
  const run = await e.done;
  expect(run.path).toEqual(['Start', 'Plan', 'Needed', 'CaptureEvidence', 'ChooseMode', 'MarkDryRun', 'Conclude', 'Notify', 'Record', 'Finished', 'Succeeded']);
  expect(await shapes(g.groupId)).toEqual(g.original);
  expect(await audit(w, e.name)).toMatchObject({ outcome: 'dry-run', mode: 'dry-run', plan: { targets: [g.ssh] } });
});

test('nothing open: nothing to do', async () => {
  const w = await warden();
  const groupId = await createGroup(await createVpc(), 'private');
  await allow(groupId, tcp(22, '10.0.0.0/8'));
  const e = w.runbook('revoke-open-ingress', { target: groupId, requestedBy: RESPONDER });
  const run = await e.done;
  expect(run.path).toEqual(['Start', 'Plan', 'Needed', 'MarkNothingToDo', 'Conclude', 'Notify', 'Record', 'Finished', 'Succeeded']);
  expect(await audit(w, e.name)).toMatchObject({ outcome: 'already-fixed', plan: { steps: [expect.stringContaining('nothing to revoke')] } });
});

test('a group that does not exist: not-found, naming the group id, nothing else read', async () => {
  const w = await warden();
  const e = w.runbook('revoke-open-ingress', { target: 'sg-0123456789abcdef0', requestedBy: RESPONDER });
  const run = await e.done;
  expect(run.path).toEqual(['Start', 'Plan', 'Needed', 'MarkAbsent', 'Conclude', 'Notify', 'Record', 'Finished', 'Succeeded']);
  expect(await audit(w, e.name)).toMatchObject({ outcome: 'not-found', plan: { targets: [], steps: ['nothing to revoke: security group sg-0123456789abcdef0 not found in us-east-1'] } });
});

test('an exempt group is only notified; a target that is not a group id fails cleanly', async () => {
  const w = await warden();
  const g = await frontEnd({ 'warden:exempt': 'CHG-1' });
  const exempt = await w.runbook('revoke-open-ingress', { target: g.groupId, requestedBy: RESPONDER }).done;
  expect(exempt.path).toContain('MarkNotified');
  expect(await shapes(g.groupId)).toEqual(g.original);

  const bad = w.runbook('revoke-open-ingress', { target: 'i-0123456789abcdef0', requestedBy: RESPONDER });
  expect((await bad.done).path.at(-1)).toBe('Failed');
  expect(await audit(w, bad.name)).toMatchObject({ outcome: 'failed', error: { error: 'Warden.InvalidInput' } });
});

test('end to end: the restore runbook on this run\'s record puts the revoked rule back exactly', async () => {
  const w = await warden();
  const g = await frontEnd();
  const revocation = w.runbook('revoke-open-ingress', { target: g.groupId, requestedBy: RESPONDER });
  expect((await revocation.done).path).toContain('MarkFixed');
  expect(await shapes(g.groupId)).not.toEqual(g.original);

  const restore = w.runbook('restore-security-group-rule', { target: revocation.name, requestedBy: RESPONDER });
  const store = { dynamodb: clients.dynamodb(), tableName: w.resources.approvalsTable };
  let approvalId: string | undefined;
  for (let i = 0; i < 300 && !(approvalId && w.tokens.waiting().length); i++) {
    [approvalId] = await approvalIdsOfRun(restore.name, store);
    await sleep(20);
  }
  expect(approvalId).toBeDefined();
  await w.tokens.callbacks.success(w.tokens.waiting()[0]!, { decision: 'approved', approvalId, decidedBy: 'U0LEAD', decidedAt: new Date().toISOString(), via: 'cli' });
  const run = await restore.done;
  expect(run.path).toContain('VerifyRestored');
  expect(run.path.at(-1)).toBe('Succeeded');
  expect(await shapes(g.groupId)).toEqual(g.original);
  expect(await ingressRuleIds(g.groupId)).toEqual(expect.arrayContaining([g.https, g.admin]));
  expect(await audit(w, restore.name)).toMatchObject({ outcome: 'fixed', plan: { details: { sourceRecord: revocation.name } } });
});
