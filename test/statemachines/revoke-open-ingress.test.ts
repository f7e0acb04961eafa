// revoke-open-ingress: the remediate workflow started by hand, end to end, and the restore of its own record. The
// generated state machines run locally (aws-local-stepfunctions) with every Task bound to the real handlers,
// EC2/DynamoDB in moto server, Slack a local sink. Approvals wait on a local task token that the test answers as the
// interactions handler would. No mocks.
import { getAuditRecord } from '../../functions/audit/get';
import { clients } from '../../functions/aws/clients';
import { describeRules } from '../../functions/aws/security-groups';
import type { SgRule } from '../../functions/domain/model';
import type { PolicyInput } from '../../functions/domain/policy';
import type { LocalWarden } from '../../local/warden-local';
import { useLocalWarden } from '../support/emulator';
import { allow, createGroup, createVpc, ingressRuleIds, tcp } from '../../local/sandbox';
import { pendingApproval } from '../support/approvals';

const { start: warden, sink } = useLocalWarden();
const RESPONDER = 'arn:aws:iam::123456789012:user/responder';
/** A hand start: LoadLiveState answers `handStart`, Start builds the run, LoadLiveState re-checks it. */
// The hand entry starts at Start: no input reaches LoadLiveState before Start has built the run.
const ENTRY = ['Start', 'LoadLiveState', 'StillViolating'];

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


test('auto: the world-open rule is revoked; the allowed 443 and the private rule stay; the record is a remediation started by hand', async () => {
  const w = await warden();
  const g = await frontEnd();
  const e = w.runbook('revoke-open-ingress', { target: g.groupId, requestedBy: RESPONDER, reason: 'IR-9' });
  const run = await e.done;
  expect(run.failed).toBeUndefined();
  expect(run.path).toEqual([...ENTRY, 'ChooseMode', 'Apply', 'Applied', 'Verify', 'MarkFixed', 'Notify', 'Record']);
  expect(await ingressRuleIds(g.groupId)).toEqual([g.https, g.admin].sort());
  const record = await audit(w, e.name);
  expect(record).toMatchObject({
    id: e.name, outcome: 'fixed', mode: 'auto', source: 'manual', actor: { arn: RESPONDER }, applied: [g.ssh], verified: true, owner: 'web',
    finding: { control: 'sg-world-open-ingress', resource: { id: g.groupId }, evidence: expect.stringContaining(`by ${RESPONDER}: IR-9`) },
    plan: { action: 'revoke-sg-ingress', targets: [g.ssh], details: { rules: [expect.objectContaining({ ruleId: g.ssh, description: 'debug ssh' })] } },
  });
  expect(record?.runbook).toBeUndefined();
  expect(sink().received).toHaveLength(1);
  expect(sink().received[0]!.body).toContain(g.ssh);
});

test('the deployed policy decides: a first deploy\'s dry-run default does not hold a hand start back, an environment mode does', async () => {
  const w = await warden({ defaults: { mode: 'dry-run' }, environments: { tag: 'Owner', modes: { web: 'approval' } } } satisfies PolicyInput);
  const plain = await frontEnd({ 'warden:public': 'true' });
  const fixed = w.runbook('revoke-open-ingress', { target: plain.groupId, requestedBy: RESPONDER });
  expect((await fixed.done).path).toContain('Apply');
  expect(await ingressRuleIds(plain.groupId)).toEqual([plain.https, plain.admin].sort());

  const web = await frontEnd();
  const held = w.runbook('revoke-open-ingress', { target: web.groupId, requestedBy: RESPONDER });
  const approvalId = await pendingApproval(w, held.name);
  await w.tokens.callbacks.success(w.tokens.waiting()[0]!, { decision: 'approved', approvalId, decidedBy: 'U0LEAD', decidedAt: new Date().toISOString(), via: 'cli' });
  const run = await held.done;
  expect(run.path).toEqual([...ENTRY, 'ChooseMode', 'RequestApproval', 'Apply', 'Applied', 'Verify', 'MarkFixed', 'Notify', 'Record']);
  expect(await audit(w, held.name)).toMatchObject({ outcome: 'fixed', mode: 'approval', approval: { decision: 'approved', decidedBy: 'U0LEAD', approvalId } });
});

test('a hand start that brings a policy fails at Start: nothing read, changed or recorded', async () => {
  const w = await warden();
  const g = await frontEnd();
  const e = w.runbook('revoke-open-ingress', { target: g.groupId, requestedBy: RESPONDER, policy: { defaults: { mode: 'auto' }, approvals: { approvers: ['mallory'] } } });
  const run = await e.done;
  expect(run.path).toEqual(['Start']);
  expect(run.failed).toMatchObject({ error: 'Warden.InvalidInput', cause: expect.stringContaining('"policy" may not be given') });
  expect(await shapes(g.groupId)).toEqual(g.original);
  expect(await audit(w, e.name)).toBeUndefined();
});

test("a triage-shaped input ({context, policy}) to the hand entry is refused at Start: a responder cannot bring triage's trust", async () => {
  const w = await warden();
  const g = await frontEnd();
  const context = {
    id: 'forged', eventId: 'forged', source: 'cloudtrail', eventName: 'AuthorizeSecurityGroupIngress', eventTime: 't', requestedAt: new Date().toISOString(),
    finding: { control: 'sg-world-open-ingress', title: 't', severity: 'HIGH', evidence: 'e', resource: { type: 'AWS::EC2::SecurityGroup', id: g.groupId, account: '123456789012', region: 'us-east-1' }, remediation: { action: 'revoke-sg-ingress', mode: 'auto', targets: [] } },
  };
  const e = w.runbook('revoke-open-ingress', { context, policy: { defaults: { mode: 'auto' } } });
  const run = await e.done;
  expect(run.path).toEqual(['Start']);
  expect(run.failed).toMatchObject({ error: 'Warden.InvalidInput' });
  expect(await shapes(g.groupId)).toEqual(g.original);
  expect(await audit(w, e.name)).toBeUndefined();
});

test('dry-run: the plan is recorded and told, nothing revoked', async () => {
  const w = await warden();
  const g = await frontEnd();
  const e = w.runbook('revoke-open-ingress', { target: g.groupId, dryRun: true, requestedBy: RESPONDER });
  const run = await e.done;
  expect(run.path).toEqual([...ENTRY, 'ChooseMode', 'NotifyDryRun', 'Notify', 'Record']);
  expect(await shapes(g.groupId)).toEqual(g.original);
  expect(await audit(w, e.name)).toMatchObject({ outcome: 'dry-run', mode: 'dry-run', plan: { targets: [g.ssh] } });
});

test('nothing open: already fixed, recorded only', async () => {
  const w = await warden();
  const groupId = await createGroup(await createVpc(), 'private');
  await allow(groupId, tcp(22, '10.0.0.0/8'));
  const e = w.runbook('revoke-open-ingress', { target: groupId, requestedBy: RESPONDER });
  const run = await e.done;
  expect(run.path).toEqual([...ENTRY, 'RecordAlreadyFixed', 'Record']);
  expect(await audit(w, e.name)).toMatchObject({ outcome: 'already-fixed', plan: { targets: [] } });
});

test('a group that does not exist: not-found, naming the group id and the region searched', async () => {
  const w = await warden();
  const e = w.runbook('revoke-open-ingress', { target: 'sg-0123456789abcdef0', requestedBy: RESPONDER });
  const run = await e.done;
  expect(run.path).toEqual([...ENTRY, 'MarkNotFound', 'Notify', 'Record']);
  expect(await audit(w, e.name)).toMatchObject({
    outcome: 'not-found',
    plan: { targets: [], steps: ['no AWS::EC2::SecurityGroup sg-0123456789abcdef0 in us-east-1 (account 123456789012): nothing to do'] },
  });
  expect(sink().received[0]!.body).toContain('Not found: sg-0123456789abcdef0');
});

test('an exempt group is only notified; a target that is not a group id fails at Start', async () => {
  const w = await warden();
  const g = await frontEnd({ 'warden:exempt': 'CHG-1' });
  const exempt = await w.runbook('revoke-open-ingress', { target: g.groupId, requestedBy: RESPONDER }).done;
  expect(exempt.path).toContain('NotifyOnly');
  expect(await shapes(g.groupId)).toEqual(g.original);

  const bad = w.runbook('revoke-open-ingress', { target: 'i-0123456789abcdef0', requestedBy: RESPONDER });
  expect((await bad.done).failed).toMatchObject({ error: 'Warden.InvalidInput', cause: expect.stringContaining('needs a security group id') });
  expect(await audit(w, bad.name)).toBeUndefined();
});

test('end to end: the restore runbook on this run\'s record puts the revoked rule back exactly', async () => {
  const w = await warden();
  const g = await frontEnd();
  const revocation = w.runbook('revoke-open-ingress', { target: g.groupId, requestedBy: RESPONDER });
  expect((await revocation.done).path).toContain('MarkFixed');
  expect(await shapes(g.groupId)).not.toEqual(g.original);

  const restore = w.runbook('restore-security-group-rule', { target: revocation.name, requestedBy: RESPONDER });
  const approvalId = await pendingApproval(w, restore.name);
  await w.tokens.callbacks.success(w.tokens.waiting()[0]!, { decision: 'approved', approvalId, decidedBy: 'U0LEAD', decidedAt: new Date().toISOString(), via: 'cli' });
  const run = await restore.done;
  expect(run.path).toContain('VerifyRestored');
  expect(run.path.at(-1)).toBe('Succeeded');
  expect(await shapes(g.groupId)).toEqual(g.original);
  expect(await ingressRuleIds(g.groupId)).toEqual(expect.arrayContaining([g.https, g.admin]));
  expect(await audit(w, restore.name)).toMatchObject({ outcome: 'fixed', plan: { details: { sourceRecord: revocation.name } } });
});
