// The revoke-sg-ingress action and triage's live lookups against moto server (no mocks).
import {
  AuthorizeSecurityGroupEgressCommand, DeleteSecurityGroupCommand, ModifySecurityGroupRulesCommand, RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { readFileSync } from 'node:fs';
import { revokeSgIngress as revokeSgIngressCode } from '../../functions/actions/revoke-sg-ingress';
import { clients } from '../../functions/aws/clients';
import { awsLiveState } from '../../functions/aws/live-state';
import { evaluate } from '../../functions/domain/evaluate';
import type { Finding } from '../../functions/domain/model';
import { defaultPolicy } from '../../functions/domain/policy';
import { useMoto } from '../support/emulator';
import { expectDeclaredCalls, traced, tracedClients } from '../support/permissions';
import { allow, createGroup, createVpc, ingressRuleIds, tcp } from '../../local/sandbox';

useMoto();
// Every call below is checked against the declared IAM grants (expectDeclaredCalls, last in this file).
const revokeSgIngress = traced(revokeSgIngressCode);

const policy = defaultPolicy();
const finding = (groupId: string, targets: string[], tags?: Record<string, string>): Finding => ({
  control: 'sg-world-open-ingress', title: 't', severity: 'HIGH', evidence: 'e',
  resource: { type: 'AWS::EC2::SecurityGroup', id: groupId, account: '123456789012', region: 'us-east-1', ...(tags ? { tags } : {}) },
  remediation: { action: 'revoke-sg-ingress', mode: 'auto', targets },
});

async function mixedGroup(tags: Record<string, string> = {}) {
  const vpc = await createVpc();
  const groupId = await createGroup(vpc, 'mixed', tags);
  const other = await createGroup(vpc, 'other');
  return {
    groupId,
    ssh: await allow(groupId, tcp(22, '0.0.0.0/0')),
    rdp6: await allow(groupId, tcp(3389, '::/0')),
    all: await allow(groupId, { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }),
    https: await allow(groupId, tcp(443, '0.0.0.0/0')),
    admin: await allow(groupId, tcp(22, '203.0.113.7/32')),
    ref: await allow(groupId, { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: other }] }),
  };
}

test('with no named targets, the live re-check plans every world-open rule it revokes, and nothing else', async () => {
  const g = await mixedGroup();
  const { stillViolating, plan } = await revokeSgIngress.inspect(finding(g.groupId, []), clients, policy);
  expect(stillViolating).toBe(true);
  // 443 on a group that is not a front end is not this run's: it waits for its own approval run.
  expect(plan.targets).toEqual([g.ssh, g.rdp6, g.all].sort());
  await revokeSgIngress.apply(plan, clients);
  expect(await ingressRuleIds(g.groupId)).toEqual([g.admin, g.ref, g.https].sort());
  expect((await revokeSgIngress.verify(plan, clients)).verified).toBe(true);
  const approvalRun = { ...finding(g.groupId, [g.https]), remediation: { action: 'revoke-sg-ingress', mode: 'approval' as const, targets: [g.https], runKey: 'approve-public-port' } };
  expect((await revokeSgIngress.inspect(approvalRun, clients, policy)).plan.targets).toEqual([g.https]);
});

test('a tagged public front end keeps its 443 rule; named targets limit the plan', async () => {
  const g = await mixedGroup({ 'warden:public': 'true' });
  const all = await revokeSgIngress.inspect(finding(g.groupId, [], { 'warden:public': 'true' }), clients, policy);
  expect(all.plan.targets).not.toContain(g.https);
  const named = await revokeSgIngress.inspect(finding(g.groupId, [g.ssh], { 'warden:public': 'true' }), clients, policy);
  expect(named.plan.targets).toEqual([g.ssh]);
  expect(named.plan.steps[0]).toContain('tcp/22 from 0.0.0.0/0');
  expect(named.plan.details).toEqual({ rules: [expect.objectContaining({ ruleId: g.ssh, cidrIpv4: '0.0.0.0/0', fromPort: 22 })] });
});

test('tags are read live when the finding has none', async () => {
  const g = await mixedGroup({ 'warden:public': 'true', Owner: 'web' });
  const inspection = await revokeSgIngress.inspect(finding(g.groupId, [g.https]), clients, policy);
  expect(inspection.tags).toEqual({ 'warden:public': 'true', Owner: 'web' });
  expect(inspection.stillViolating).toBe(false);
});

test('the re-check sees live state: a rule revoked meanwhile is no longer a target', async () => {
  const g = await mixedGroup();
  await clients.ec2().send(new RevokeSecurityGroupIngressCommand({ GroupId: g.groupId, SecurityGroupRuleIds: [g.ssh] }));
  const { stillViolating } = await revokeSgIngress.inspect(finding(g.groupId, [g.ssh]), clients, policy);
  expect(stillViolating).toBe(false);
});

test('InvalidPermission.NotFound is idempotent: already-gone targets are reported, the rest revoked', async () => {
  const g = await mixedGroup();
  const { plan } = await revokeSgIngress.inspect(finding(g.groupId, [g.ssh, g.rdp6]), clients, policy);
  await clients.ec2().send(new RevokeSecurityGroupIngressCommand({ GroupId: g.groupId, SecurityGroupRuleIds: [g.ssh] }));
  expect(await revokeSgIngress.apply(plan, clients)).toEqual({ applied: [g.rdp6], alreadyGone: [g.ssh] });
  expect(await revokeSgIngress.apply(plan, clients)).toEqual({ applied: [], alreadyGone: [g.ssh, g.rdp6].sort() });
});

test('a deleted group is not violating, and is gone (not "already fixed"), with or without tags from triage', async () => {
  const { stillViolating, plan, gone } = await revokeSgIngress.inspect(finding('sg-0000000000000dead', []), clients, policy);
  expect(stillViolating).toBe(false);
  expect(gone).toBe(true);
  expect(plan.targets).toEqual([]);
  const g = await mixedGroup();
  const tagged = finding(g.groupId, [g.ssh], { Owner: 'web' });
  await clients.ec2().send(new RevokeSecurityGroupIngressCommand({ GroupId: g.groupId, SecurityGroupRuleIds: [g.ssh] }));
  expect((await revokeSgIngress.inspect(tagged, clients, policy)).gone).toBeUndefined();
  await clients.ec2().send(new DeleteSecurityGroupCommand({ GroupId: g.groupId }));
  expect(await revokeSgIngress.inspect(tagged, clients, policy)).toMatchObject({ stillViolating: false, gone: true });
});

describe('triage live lookups', () => {
  const sample = (file: string, map: Record<string, string>) => {
    let text = readFileSync(`events/${file}`, 'utf8');
    for (const [a, b] of Object.entries(map)) text = text.split(a).join(b);
    return JSON.parse(text) as unknown;
  };
  const live = awsLiveState(tracedClients(clients, 'triage'));

  test('ModifySecurityGroupRules of an egress rule is resolved live and is compliant', async () => {
    const groupId = await createGroup(await createVpc(), 'egress');
    const out = await clients.ec2().send(new AuthorizeSecurityGroupEgressCommand({
      GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }],
    }));
    const ruleId = out.SecurityGroupRules![0]!.SecurityGroupRuleId!;
    await clients.ec2().send(new ModifySecurityGroupRulesCommand({ GroupId: groupId, SecurityGroupRules: [{ SecurityGroupRuleId: ruleId, SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIpv4: '0.0.0.0/0' } }] }));
    const event = sample('cloudtrail/modify-to-world.json', { 'sg-0a11c0ffee0000001': groupId });
    const raw = JSON.stringify(event).replace(/sgr-[0-9a-f]+/g, ruleId);
    const offline = await evaluate(JSON.parse(raw), { policy });
    expect(offline.status).toBe('violation');
    expect((await evaluate(JSON.parse(raw), { policy, live })).status).toBe('compliant');
  });

  test('a Config compliance change resolves the exact rule ids live', async () => {
    const g = await mixedGroup();
    const d = await evaluate(sample('config/compliance-restricted-ssh-noncompliant.json', { 'sg-0a11c0ffee0000001': g.groupId }), { policy, live });
    expect(d.status).toBe('violation');
    if (d.status !== 'violation') return;
    expect(d.findings.map((f) => [f.remediation.targets.sort(), f.remediation.mode])).toEqual([
      [[g.ssh, g.rdp6, g.all].sort(), 'auto'],
      [[g.https], 'approval'], // not a front end: a public port waits for a person
    ]);
    expect(d.findings[0]!.severity).toBe('CRITICAL');
  });

  test('tcp/443 on a tagged front end is compliant once live tags are read; untagged and unattached it waits for an approval', async () => {
    const vpc = await createVpc();
    for (const [tags, status, mode] of [[{ 'warden:public': 'true' }, 'compliant', undefined], [{}, 'violation', 'approval']] as const) {
      const groupId = await createGroup(vpc, `web-${status}`, tags);
      const rule = await allow(groupId, tcp(443, '0.0.0.0/0'));
      const event = sample('cloudtrail/authorize-https-world.json', { 'sg-0a11c0ffee0000002': groupId, 'sgr-0a11c0ffee00000b1': rule });
      const d = await evaluate(event, { policy, live });
      expect(d.status).toBe(status);
      expect(d.status === 'violation' ? d.findings.map((f) => f.remediation.mode) : []).toEqual(mode ? [mode] : []);
    }
  });
});

expectDeclaredCalls();
