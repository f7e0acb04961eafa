// restore-security-group-rule's steps against moto server (EC2 and the DynamoDB audit table), called directly without
// the state machine: a real revocation (the revoke-sg-ingress action) is recorded with the Record step's own writer,
// then restored. No mocks.
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { AuthorizeSecurityGroupIngressCommand, DeleteSecurityGroupCommand } from '@aws-sdk/client-ec2';
import { revokeSgIngress } from '../../functions/actions/revoke-sg-ingress';
import { fitRecord } from '../../functions/audit/fit';
import { put } from '../../functions/audit/record';
import { clients } from '../../functions/aws/clients';
import { describeRules, ipPermissionOf, ruleIdsTagged } from '../../functions/aws/security-groups';
import { RESTORED_BY } from '../../functions/runbooks/restore-security-group-rule';
import type { Finding, SgRule } from '../../functions/domain/model';
import { defaultPolicy } from '../../functions/domain/policy';
import type { RemediationRecord } from '../../functions/domain/remediation';
import { RESTORE_STEP, restoreRule } from '../../functions/handlers/restore-rule';
import { toRecord } from '../../functions/domain/state';
import { runbookSteps, type RunbookState, type StepDeps } from '../../functions/runbooks';
import { runStep } from '../../functions/runbooks/run-step';
import { startRun } from '../../functions/runbooks/start';
import { saveProgress } from '../../functions/audit/progress';
import { useMoto } from '../support/emulator';
import { expectDeclaredCalls, tracedAudit, tracedStepDeps, tracedSteps } from '../support/permissions';
import { allow, createGroup, createVpc } from '../../local/sandbox';

useMoto();

const TABLE = 'restore-audit';
const policy = defaultPolicy();
const deps: StepDeps = {
  clients, audit: () => ({ dynamodb: clients.dynamodb(), tableName: TABLE }), policy: () => policy, now: () => new Date(),
};

beforeEach(async () => {
  await clients.dynamodb().send(new CreateTableCommand({
    TableName: TABLE, BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  }));
});

/** A rule as it would be re-created: everything but its id. */
const shape = ({ ruleId: _id, ...rest }: SgRule) => rest;
const shapes = async (groupId: string) => (await describeRules(clients.ec2(), groupId)).map(shape).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

let seq = 0;

/** A group with two world-open rules and one private one, revoked by the revoke-sg-ingress action and recorded. */
async function revocation(tags: Record<string, string> = {}) {
  const groupId = await createGroup(await createVpc(), `web-${++seq}`, tags);
  const ssh = await allow(groupId, { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'ssh for the vendor' }] });
  const v6 = await allow(groupId, { IpProtocol: 'tcp', FromPort: 8000, ToPort: 8100, Ipv6Ranges: [{ CidrIpv6: '::/0', Description: 'metrics v6' }] });
  const db = await allow(groupId, { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '10.0.0.0/16', Description: 'db from the VPC' }] });
  const original = await shapes(groupId);
  const finding: Finding = {
    control: 'sg-world-open-ingress', title: 't', severity: 'CRITICAL', evidence: 'e',
    resource: { type: 'AWS::EC2::SecurityGroup', id: groupId, account: '123456789012', region: 'us-east-1' },
    remediation: { action: 'revoke-sg-ingress', mode: 'auto', targets: [] },
  };
  const { stillViolating, plan } = await revokeSgIngress.inspect(finding, clients, policy);
  const applied = await revokeSgIngress.apply(plan, clients);
  const verified = await revokeSgIngress.verify(plan, clients);
  const id = `revoke-${seq}`;
  const now = new Date().toISOString();
  const record = toRecord({
    context: { id, eventId: id, source: 'cloudtrail', eventName: 'AuthorizeSecurityGroupIngress', eventTime: now, finding, requestedAt: now },
    policy, live: { result: { stillViolating, mode: 'auto', plan, channel: '#sec' } },
    applied: { result: applied }, verified: { result: verified }, outcome: 'fixed',
  });
  return { groupId, ssh, v6, db, original, record, id };
}

const save = (record: RemediationRecord) => put(record, deps.audit());

async function planRestore(target: string): Promise<RunbookState> {
  const name = `restore-${++seq}`;
  const s = startRun({
    runbook: 'restore-security-group-rule', input: { target, requestedBy: 'arn:aws:iam::123456789012:user/responder' },
    executionName: name, executionArn: `arn:aws:states:us-east-1:123456789012:execution:warden-restore-security-group-rule:${name}`,
  }, deps);
  return runStep('restore-security-group-rule.plan', s, steps, deps);
}
// Every call the steps (and the restore function's progress write) make is checked against their declared IAM grants
// (expectDeclaredCalls, last in this file). The restore step runs in its own function, with its own registry.
const steps = tracedSteps(runbookSteps);
const progress = async (s: RunbookState) => void (await saveProgress(toRecord(s), tracedAudit(deps.audit(), 'progress')));
const restoreStep = (s: RunbookState) => restoreRule({ step: RESTORE_STEP, state: s }, { ...tracedStepDeps(deps, RESTORE_STEP), progress });
const verifyStep = (s: RunbookState) => runStep('restore-security-group-rule.verify-restored', s, steps, deps);
const last = (s: RunbookState) => s.runbook.timeline.at(-1)!;

test('the restore puts back exactly the revoked rules: protocol, ports, source and description; nothing else', async () => {
  const r = await revocation();
  expect(r.record.applied!.sort()).toEqual([r.ssh, r.v6].sort());
  expect((await describeRules(clients.ec2(), r.groupId)).filter((x) => !x.isEgress).map((x) => x.ruleId)).toEqual([r.db]);
  await save(r.record);

  const planned = await planRestore(r.id);
  const live = planned.live!.result;
  expect(live).toMatchObject({ stillViolating: true, mode: 'approval', plan: { action: 'restore-security-group-rule', resource: { id: r.groupId } } });
  expect(live.plan.targets.sort()).toEqual([r.ssh, r.v6].sort());
  expect(live.plan.steps.join('\n')).toContain(`tcp/22 from 0.0.0.0/0 on ${r.groupId} (description "ssh for the vendor")`);
  expect(live.plan.steps.join('\n')).toContain('Warden will flag the restored world-open rule again');
  expect(planned.runbook.evidence).toMatchObject({ sourceRecord: { id: r.id, outcome: 'fixed', applied: r.record.applied } });

  const restored = await restoreStep(planned);
  expect(restored.applied!.result.applied).toHaveLength(2);
  const verified = await verifyStep(restored);
  expect(verified.verified!.result.verified).toBe(true);

  expect(await shapes(r.groupId)).toEqual(r.original);
  const after = await describeRules(clients.ec2(), r.groupId);
  expect(after.filter((x) => !x.isEgress)).toHaveLength(3);
  expect(after.find((x) => x.ruleId === r.db)).toMatchObject({ cidrIpv4: '10.0.0.0/16', description: 'db from the VPC' });
  expect(verified.runbook.timeline.map((e) => `${e.step}:${e.result}`)).toEqual(['start:done', 'plan:done', 'restore-rules:done', 'verify-restored:done']);
});

test('an exempt group is still restored after approval (the exemption does not block a rollback), with no re-flag note', async () => {
  const r = await revocation({ 'warden:exempt': 'CHG-2' });
  await save(r.record);
  const live = (await planRestore(r.id)).live!.result;
  expect(live).toMatchObject({ stillViolating: true, mode: 'approval' });
  expect(live.plan.steps.join('\n')).not.toContain('flag the restored');
});

test('a retried restore step adds nothing twice, and reports the rules its first attempt put back as restored by this run', async () => {
  const r = await revocation();
  await save(r.record);
  const planned = await planRestore(r.id);
  const first = await restoreStep(planned);
  // Step Functions retries the step after a timeout or a crash with the same input: the rules are there already.
  const again = await restoreStep(planned);
  expect(again.applied!.result.applied.sort()).toEqual(first.applied!.result.applied.sort());
  expect(again.applied!.result.applied).toHaveLength(2);
  expect(again.runbook.results).toMatchObject({ restored: first.runbook.results!.restored, alreadyPresent: [] });
  expect((again.runbook.results!.restored as { revokedAs: string }[]).map((x) => x.revokedAs).sort()).toEqual([r.ssh, r.v6].sort());
  // The live ids, as DescribeSecurityGroupRules reports them.
  const live = await describeRules(clients.ec2(), r.groupId);
  for (const { ruleId } of again.runbook.results!.restored as { ruleId: string }[]) expect(live.map((x) => x.ruleId)).toContain(ruleId);
  expect(last(again).detail).not.toContain('already present');
  // The rules before the restore do not count the first attempt's rules, and verification passes after the retry.
  expect((again.runbook.results!.rulesBeforeRestore as SgRule[]).map((x) => x.ruleId).sort()).toEqual((first.runbook.results!.rulesBeforeRestore as SgRule[]).map((x) => x.ruleId).sort());
  expect((await verifyStep(again)).verified!.result.verified).toBe(true);
  expect(await shapes(r.groupId)).toEqual(r.original);
});

test('a planned rule someone put back after the plan with another description is "already present", not restored, and verification says so', async () => {
  const r = await revocation();
  await save(r.record);
  const planned = await planRestore(r.id);
  await allow(r.groupId, { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'added by hand' }] });
  const restored = await restoreStep(planned);
  expect(restored.runbook.results).toMatchObject({ alreadyPresent: [r.ssh] });
  expect((restored.runbook.results!.restored as { revokedAs: string }[]).map((x) => x.revokedAs)).toEqual([r.v6]);
  expect(restored.applied!.result.applied).toHaveLength(1);
  expect(last(restored).detail).toContain('already present: ');
  await expect(verifyStep(restored)).rejects.toMatchObject({ name: 'Warden.VerificationFailed', message: expect.stringContaining('not restored exactly') });
});

test('a planned rule someone put back exactly (same description) while the approval waited is theirs, not this run\'s: only the rules this run tags count as restored', async () => {
  const r = await revocation();
  await save(r.record);
  const planned = await planRestore(r.id);
  const ssh = (planned.live!.result.plan.details as { rules: SgRule[] }).rules.find((x) => x.ruleId === r.ssh)!;
  const byHand = await allow(r.groupId, { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: ssh.description }] });
  const restored = await restoreStep(planned);
  expect(restored.runbook.results).toMatchObject({ alreadyPresent: [r.ssh] });
  expect(restored.applied!.result.applied).not.toContain(byHand);
  expect((restored.runbook.results!.restored as { revokedAs: string }[]).map((x) => x.revokedAs)).toEqual([r.v6]);
  // What this run put back carries its id, so a retry, or a responder, can tell.
  const tagged = await ruleIdsTagged(clients.ec2(), r.groupId, RESTORED_BY, planned.context.id);
  expect([...tagged]).toEqual(restored.applied!.result.applied);
});

test('rules already present again are not planned; when all are, there is nothing to do', async () => {
  const r = await revocation();
  await save(r.record);
  await clients.ec2().send(new AuthorizeSecurityGroupIngressCommand({ GroupId: r.groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
  const some = (await planRestore(r.id)).live!.result;
  expect(some.stillViolating).toBe(true);
  expect(some.plan.targets).toEqual([r.v6]);
  expect(some.plan.steps.join('\n')).toContain('already present, left as is');

  await clients.ec2().send(new AuthorizeSecurityGroupIngressCommand({ GroupId: r.groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8000, ToPort: 8100, Ipv6Ranges: [{ CidrIpv6: '::/0' }] }] }));
  const none = (await planRestore(r.id)).live!.result;
  expect(none.stillViolating).toBe(false);
  expect(none.plan.steps.join('\n')).toContain('nothing to restore');
});

test('verification fails when a rule other than the restored ones appears', async () => {
  const r = await revocation();
  await save(r.record);
  const restored = await restoreStep(await planRestore(r.id));
  await allow(r.groupId, { IpProtocol: 'udp', FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: '0.0.0.0/0' }] });
  await expect(verifyStep(restored)).rejects.toMatchObject({ name: 'Warden.VerificationFailed', message: expect.stringContaining('udp/53') });
});

describe('refusals: a record that is not a complete, fixed revocation restores nothing', () => {
  const refused = async (target: string, why: RegExp, groupId?: string) => {
    const before = groupId ? await shapes(groupId) : [];
    await expect(planRestore(target)).rejects.toMatchObject({ name: 'Warden.InvalidInput', message: expect.stringMatching(why) });
    if (groupId) expect(await shapes(groupId)).toEqual(before);
  };


  test('another action', async () => {
    const r = await revocation();
    await save({ ...r.record, plan: { ...r.record.plan!, action: 'stop-ecs-tasks' } });
    await refused(r.id, /stop-ecs-tasks run, not a security-group revocation/, r.groupId);
  });

  test('outcome not fixed', async () => {
    const r = await revocation();
    await save({ ...r.record, outcome: 'denied' });
    await refused(r.id, /outcome denied/, r.groupId);
  });

  test('nothing applied', async () => {
    const r = await revocation();
    await save({ ...r.record, applied: [] });
    await refused(r.id, /revoked no rule/, r.groupId);
  });

  test('rules missing from the plan details', async () => {
    const r = await revocation();
    await save({ ...r.record, plan: { ...r.record.plan!, details: {} } });
    await refused(r.id, /does not hold the revoked rules/, r.groupId);
  });

  test('plan details truncated by fitRecord', async () => {
    const r = await revocation();
    const withoutDetails = JSON.stringify({ ...r.record, plan: { ...r.record.plan, details: { truncated: true, originalBytes: 99999 } } });
    const fitted = fitRecord(r.record, Buffer.byteLength(withoutDetails) + 8);
    expect(fitted.plan!.details).toMatchObject({ truncated: true });
    await save(fitted);
    await refused(r.id, /was truncated/, r.groupId);
  });

});

describe('nothing to restore from or into: said, not failed', () => {
  test('no such record: not-found, naming the id', async () => {
    const live = (await planRestore('revoke-never-happened')).live!.result;
    expect(live).toMatchObject({ stillViolating: false, absent: 'not-found', plan: { targets: [], steps: [expect.stringContaining('no audit record revoke-never-happened')] } });
  });

  test('the group was deleted: resource-gone', async () => {
    const r = await revocation();
    await save(r.record);
    await clients.ec2().send(new DeleteSecurityGroupCommand({ GroupId: r.groupId }));
    const live = (await planRestore(r.id)).live!.result;
    expect(live).toMatchObject({ stillViolating: false, absent: 'resource-gone', plan: { steps: [`security group ${r.groupId} no longer exists: there is nothing to restore the rules into`] } });
  });
});

describe('ipPermissionOf: the exact IpPermission of a rule', () => {
  const base: SgRule = { groupId: 'sg-0123456789abcdef0', isEgress: false, protocol: 'tcp', fromPort: 443, toPort: 443 };

  test('each source kind, with its description; all traffic has no ports', () => {
    expect(ipPermissionOf({ ...base, cidrIpv4: '0.0.0.0/0', description: 'web' })).toEqual({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'web' }] });
    expect(ipPermissionOf({ ...base, cidrIpv6: '::/0' })).toEqual({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Ipv6Ranges: [{ CidrIpv6: '::/0' }] });
    expect(ipPermissionOf({ ...base, prefixListId: 'pl-0abc', description: 'cdn' })).toEqual({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: 'pl-0abc', Description: 'cdn' }] });
    expect(ipPermissionOf({ ...base, referencedGroupId: 'sg-0fedcba9876543210' })).toEqual({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, UserIdGroupPairs: [{ GroupId: 'sg-0fedcba9876543210' }] });
    expect(ipPermissionOf({ ...base, protocol: '-1', fromPort: -1, toPort: -1, cidrIpv4: '0.0.0.0/0' })).toEqual({ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] });
  });

  test('no source, two sources or an egress rule are refused', () => {
    expect(() => ipPermissionOf(base)).toThrow(/0 sources/);
    expect(() => ipPermissionOf({ ...base, cidrIpv4: '0.0.0.0/0', cidrIpv6: '::/0' })).toThrow(/2 sources/);
    expect(() => ipPermissionOf({ ...base, isEgress: true, cidrIpv4: '0.0.0.0/0' })).toThrow(/egress/);
  });
});

expectDeclaredCalls({ everyGrantOf: 'restore-security-group-rule' });
