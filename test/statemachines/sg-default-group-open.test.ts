// The default-group control (Security Hub EC2.2) from event to fix: offline decisions on the sources that name a
// group's name or flag it; its action against moto server with every call checked against its declared IAM; and the
// whole path through triage and the remediate state machine, the real handlers bound to each Task.
import { CreateNetworkInterfaceCommand, CreateSubnetCommand, DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { readFileSync } from 'node:fs';
import { revokeDefaultSgRules as code } from '../../functions/actions/revoke-default-sg-rules';
import { clients } from '../../functions/aws/clients';
import { awsLiveState } from '../../functions/aws/live-state';
import { evaluate } from '../../functions/domain/evaluate';
import type { Finding } from '../../functions/domain/model';
import { defaultPolicy } from '../../functions/domain/policy';
import { allow, createGroup, createVpc, tcp } from '../../local/sandbox';
import { useLocalWarden } from '../support/emulator';
import { expectDeclaredCalls, traced, tracedClients } from '../support/permissions';

const { start: warden } = useLocalWarden();
const revoke = traced(code);
const policy = defaultPolicy();
const ACCOUNT = '123456789012';
const SAMPLE_GROUP = 'sg-0a11c0ffee0000007';
/** A sample event, its account (and, given `to`, its group `from`) rewritten to the emulator's. */
const sample = (file: string, to?: string, from = SAMPLE_GROUP) => {
  const text = readFileSync(`events/${file}`, 'utf8').split('111122223333').join(ACCOUNT);
  return JSON.parse(to ? text.split(from).join(to) : text) as unknown;
};

/** A new VPC's default group (moto gives it the default outbound rule), opened inbound as EC2.2 forbids. */
async function defaultGroup() {
  const vpc = await createVpc();
  const { SecurityGroups } = await clients.ec2().send(new DescribeSecurityGroupsCommand({
    Filters: [{ Name: 'vpc-id', Values: [vpc] }, { Name: 'group-name', Values: ['default'] }],
  }));
  const groupId = SecurityGroups![0]!.GroupId!;
  const ssh = await allow(groupId, tcp(22, '10.0.0.0/16'));
  return { vpc, groupId, ssh };
}

const finding = (groupId: string, targets: string[] = []): Finding => ({
  control: 'sg-default-group-open', title: 't', severity: 'HIGH', evidence: 'e',
  resource: { type: 'AWS::EC2::SecurityGroup', id: groupId, account: ACCOUNT, region: 'us-east-1' },
  remediation: { action: 'revoke-default-sg-rules', mode: 'approval', targets },
});

describe('offline', () => {
  const configItem = (groupName: string) => {
    const event = sample('config/item-ssh-world.json') as { detail: { configurationItem: { configuration: { groupName: string } } } };
    event.detail.configurationItem.configuration.groupName = groupName;
    return event;
  };

  test('a Config item of a default group with rules is a finding (rule ids resolved live); of another group, not', async () => {
    const d = await evaluate(configItem('default'), { policy });
    expect(d.status).toBe('violation');
    const mine = d.status === 'violation' ? d.findings.filter((f) => f.control === 'sg-default-group-open') : [];
    expect(mine).toHaveLength(1);
    expect(mine[0]!.remediation).toMatchObject({ action: 'revoke-default-sg-rules', mode: 'approval', targets: [] });
    expect(mine[0]!.evidence).toContain('to 0.0.0.0/0'); // the outbound rule, described as such
    const other = await evaluate(configItem('bastion-ssh'), { policy });
    expect(other.status === 'violation' ? other.findings.map((f) => f.control) : []).not.toContain('sg-default-group-open');
  });

  test("each evaluator's flag reaches only the controls it maps to", async () => {
    const ec22 = await evaluate(sample('securityhub/finding-ec2-2-failed.json'), { policy });
    expect(ec22.status === 'violation' ? ec22.findings.map((f) => f.control) : ec22.status).toEqual(['sg-default-group-open']);
    const ssh = await evaluate(sample('config/compliance-restricted-ssh-noncompliant.json'), { policy });
    expect(ssh.status === 'violation' ? ssh.findings.map((f) => f.control) : ssh.status).toEqual(['sg-world-open-ingress']);
  });

  test('a CloudTrail record alone does not name the group, so offline it is not a default-group finding', async () => {
    const d = await evaluate(sample('cloudtrail/authorize-admin-cidr.json'), { policy });
    expect(d.status).toBe('compliant');
  });
});

describe('against moto', () => {
  test('triage reads the name live: an Authorize on a default group is a finding for every rule, in and out', async () => {
    await warden();
    const g = await defaultGroup();
    const event = sample('cloudtrail/authorize-admin-cidr.json', g.groupId, 'sg-0a11c0ffee0000003');
    const d = await evaluate(event, { policy, live: awsLiveState(tracedClients(clients, 'triage')) });
    const mine = d.status === 'violation' ? d.findings.filter((f) => f.control === 'sg-default-group-open') : [];
    expect(mine).toHaveLength(1);
    expect(mine[0]!.remediation.targets).toHaveLength(2); // the new inbound rule and the default outbound rule
    expect(mine[0]!.remediation.targets).toContain(g.ssh);
  });

  test('the plan names every rule and the interfaces that use the group; apply revokes both directions; verify agrees', async () => {
    await warden();
    const g = await defaultGroup();
    const subnet = (await clients.ec2().send(new CreateSubnetCommand({ VpcId: g.vpc, CidrBlock: '10.0.1.0/24' }))).Subnet!.SubnetId!;
    const eni = (await clients.ec2().send(new CreateNetworkInterfaceCommand({ SubnetId: subnet, Groups: [g.groupId] }))).NetworkInterface!.NetworkInterfaceId!;
    const { stillViolating, plan } = await revoke.inspect(finding(g.groupId), clients, policy);
    expect(stillViolating).toBe(true);
    expect(plan.targets).toHaveLength(2);
    expect(plan.steps.join('\n')).toContain(eni);
    const applied = await revoke.apply(plan, clients);
    expect(applied.applied.sort()).toEqual([...plan.targets].sort());
    expect(await revoke.verify(plan, clients)).toEqual({ verified: true, remaining: [] });
    // Idempotent: a second apply finds them gone; the re-check finds nothing left.
    expect((await revoke.apply(plan, clients)).alreadyGone.sort()).toEqual([...plan.targets].sort());
    expect((await revoke.inspect(finding(g.groupId), clients, policy)).stillViolating).toBe(false);
  });

  test('never another group: a finding on a group that is not a default group plans nothing', async () => {
    await warden();
    const groupId = await createGroup(await createVpc(), 'payments-db');
    await allow(groupId, tcp(5432, '10.0.0.0/16'));
    const { stillViolating, plan } = await revoke.inspect(finding(groupId), clients, policy);
    expect(stillViolating).toBe(false);
    expect(plan.targets).toEqual([]);
  });
});

describe('through triage and the remediate state machine', () => {
  const ids = async (groupId: string) =>
    (await clients.ec2().send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }))).SecurityGroups![0]!;

  test('by default it waits for a person; nothing is revoked', async () => {
    const w = await warden();
    const g = await defaultGroup();
    const result = await w.triage(sample('securityhub/finding-ec2-2-failed.json', g.groupId));
    expect(result.status).toBe('violation');
    const [e] = result.executions;
    expect(w.runs.get(e!.name)!.path).toContain('RequestApproval');
    expect((await ids(g.groupId)).IpPermissions).toHaveLength(1);
  });

  test('with auto by policy, every rule is revoked, verified and recorded', async () => {
    const w = await warden({ controls: { 'sg-default-group-open': { mode: 'auto' } } });
    const g = await defaultGroup();
    const result = await w.triage(sample('securityhub/finding-ec2-2-failed.json', g.groupId));
    const [e] = result.executions;
    expect(w.runs.get(e!.name)!.path).toEqual(['LoadLiveState', 'StillViolating', 'ChooseMode', 'Apply', 'Applied', 'Verify', 'MarkFixed', 'Notify', 'Record']);
    const group = await ids(g.groupId);
    expect([group.IpPermissions, group.IpPermissionsEgress]).toEqual([[], []]);
  });
});

expectDeclaredCalls();
