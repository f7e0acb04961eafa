// isolate-container-instance's steps against moto server (EC2 and ECS), called directly without the state machine:
// plan, quarantine (security-group swap), drain, snapshot, tag and verify on real moto resources, and each step run
// twice to show a retry does nothing twice. No mocks.
// moto notes: the instance is launched with its groups on NetworkInterfaces[].Groups, not SecurityGroupIds: moto
// reports an ENI's groups as the union of its own and the instance's launch groups, so after
// ModifyNetworkInterfaceAttribute it would still list the launch groups (AWS lists only the new ones). moto ignores
// ListContainerInstances' `filter` (the code matches ec2InstanceId on the description as well).
import {
  AuthorizeSecurityGroupEgressCommand, CreateSecurityGroupCommand, DescribeInstancesCommand, DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand, DescribeSnapshotsCommand, ModifyNetworkInterfaceAttributeCommand, RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { CreateClusterCommand, DescribeContainerInstancesCommand, RegisterContainerInstanceCommand } from '@aws-sdk/client-ecs';
import { clients } from '../../functions/aws/clients';
import { defaultPolicy } from '../../functions/domain/policy';
import { runbookSteps, type RunbookState, type StepDeps } from '../../functions/runbooks';
import { runStep } from '../../functions/runbooks/run-step';
import { startRun } from '../../functions/runbooks/start';
import { useMoto } from '../support/emulator';
import { createGroup, ecsNetwork } from '../support/sandbox';

useMoto();

const RUNBOOK = 'isolate-container-instance';
const policy = defaultPolicy();
const deps: StepDeps = { clients, audit: () => ({ dynamodb: clients.dynamodb(), tableName: 'unused' }), policy: () => policy, now: () => new Date() };

interface Host {
  instanceId: string;
  vpc: string;
  enis: string[];
  /** The groups each ENI had at launch, by ENI id. */
  groups: Record<string, string[]>;
  volumes: string[];
  containerInstanceArn?: string;
}

const USER_DATA = Buffer.from('#!/bin/bash\necho ECS_CLUSTER=payments >> /etc/ecs/ecs.config\nexport DB_PASSWORD=hunter2-secret\n').toString('base64');

/** A running instance with two ENIs (two groups on the first, one on the second) and two EBS volumes. */
async function instance(kind: 'ecs' | 'eks' | 'plain' = 'ecs'): Promise<Host> {
  const ec2 = clients.ec2();
  const { vpc, subnet, sg: web } = await ecsNetwork();
  const admin = await createGroup(vpc, 'admin');
  const metrics = await createGroup(vpc, 'metrics');
  const tags: Record<string, string> = { Owner: 'payments', ...(kind === 'ecs' ? { AmazonECSManaged: '' } : {}), ...(kind === 'eks' ? { 'eks:cluster-name': 'prod' } : {}) };
  const run = await ec2.send(new RunInstancesCommand({
    ImageId: 'ami-12c6146b', InstanceType: 't3.large', MinCount: 1, MaxCount: 1,
    NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnet, Groups: [web, admin] }, { DeviceIndex: 1, SubnetId: subnet, Groups: [metrics] }],
    BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 30 } }, { DeviceName: '/dev/xvdb', Ebs: { VolumeSize: 100 } }],
    TagSpecifications: [{ ResourceType: 'instance', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }],
    UserData: USER_DATA,
  }));
  const instanceId = run.Instances![0]!.InstanceId!;
  const described = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations![0]!.Instances![0]!;
  const enis = await eniGroups(instanceId);
  const host: Host = { instanceId, vpc, enis: Object.keys(enis), groups: enis, volumes: described.BlockDeviceMappings!.map((m) => m.Ebs!.VolumeId!) };
  if (kind === 'ecs') {
    await clients.ecs().send(new CreateClusterCommand({ clusterName: 'payments' }));
    const doc = JSON.stringify({ instanceId, region: 'us-east-1', accountId: '123456789012', availabilityZone: 'us-east-1a' });
    const ci = await clients.ecs().send(new RegisterContainerInstanceCommand({ cluster: 'payments', instanceIdentityDocument: doc }));
    host.containerInstanceArn = ci.containerInstance!.containerInstanceArn!;
  }
  return host;
}

/** Each attached ENI's groups, read live. */
async function eniGroups(instanceId: string): Promise<Record<string, string[]>> {
  const out = await clients.ec2().send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [instanceId] }] }));
  return Object.fromEntries(out.NetworkInterfaces!.map((e) => [e.NetworkInterfaceId!, e.Groups!.map((g) => g.GroupId!).sort()]));
}

const quarantineGroups = async (vpc: string) =>
  (await clients.ec2().send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc] }, { Name: 'group-name', Values: [`warden-quarantine-${vpc}`] }] }))).SecurityGroups!;
const status = async (arn: string) =>
  (await clients.ecs().send(new DescribeContainerInstancesCommand({ cluster: 'payments', containerInstances: [arn] }))).containerInstances![0]!.status;
const snapshotsOf = async (incident: string) =>
  (await clients.ec2().send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: 'tag:warden:incident', Values: [incident] }] }))).Snapshots!;

let seq = 0;
function started(target: string): RunbookState {
  const name = `isolate-${++seq}`;
  return startRun({
    runbook: RUNBOOK, input: { target, requestedBy: 'arn:aws:iam::123456789012:user/responder', reason: 'IR-7' },
    executionName: name, executionArn: `arn:aws:states:us-east-1:123456789012:execution:warden-${RUNBOOK}:${name}`,
  }, deps);
}

const step = (id: string, s: RunbookState) => runStep(`${RUNBOOK}.${id}`, s, runbookSteps, deps);
const last = (s: RunbookState) => s.runbook.timeline.at(-1)!;
const details = (s: RunbookState) => s.live!.result.plan.details as Record<string, unknown>;

async function through(s: RunbookState, ...ids: string[]): Promise<RunbookState> {
  for (const id of ids) s = await step(id, s);
  return s;
}

test('plan reads the instance live: each ENI with its groups (the undo), the volumes, the ECS container instance; approval', async () => {
  const h = await instance('ecs');
  const s = await step('plan', started(h.instanceId));
  expect(s.live!.result).toMatchObject({ stillViolating: true, mode: 'approval' });
  expect(details(s)).toMatchObject({
    instanceId: h.instanceId, vpcId: h.vpc, volumes: h.volumes, host: 'ecs', cluster: 'payments',
    containerInstanceArn: h.containerInstanceArn, quarantineGroups: {},
  });
  expect(details(s).enis).toEqual(h.enis.map((id) => ({ id, vpcId: h.vpc, groups: expect.arrayContaining(h.groups[id]!) })));
  expect(s.live!.result.plan.steps.join('\n')).toContain(`warden-quarantine-${h.vpc} (created with no rules)`);
  // Plan reads only: no group was created.
  expect(await quarantineGroups(h.vpc)).toEqual([]);
});

test('plan: an EKS node is recognized by its tags, with its node name for kubectl', async () => {
  const h = await instance('eks');
  const s = await step('plan', started(h.instanceId));
  expect(details(s)).toMatchObject({ host: 'eks', cluster: 'prod', nodeName: expect.stringMatching(/\.internal$/) });
  expect(details(s).containerInstanceArn).toBeUndefined();
});

test('plan: a bad target fails with Warden.InvalidInput; an unknown or terminated instance leaves nothing to do', async () => {
  await expect(step('plan', started('i-xyz'))).rejects.toMatchObject({ name: 'Warden.InvalidInput' });
  const unknown = await step('plan', started('i-0123456789abcdef0'));
  expect(unknown.live!.result.stillViolating).toBe(false);
  expect(last(unknown).detail).toContain('not found');
  const h = await instance('plain');
  await clients.ec2().send(new TerminateInstancesCommand({ InstanceIds: [h.instanceId] }));
  const gone = await step('plan', started(`arn:aws:ec2:us-east-1:123456789012:instance/${h.instanceId}`));
  expect(gone.live!.result.stillViolating).toBe(false);
  expect(last(gone).detail).toContain('terminated');
});

test('quarantine: a new group with no rules replaces every ENI group; a repeat changes nothing and creates no second group', async () => {
  const h = await instance('ecs');
  const planned = await step('plan', started(h.instanceId));
  const once = await step('quarantine', planned);
  const [q] = await quarantineGroups(h.vpc);
  expect(q!.IpPermissions).toEqual([]);
  expect(q!.IpPermissionsEgress).toEqual([]);
  expect(q!.Tags).toEqual(expect.arrayContaining([{ Key: 'warden:quarantine', Value: 'true' }]));
  expect(await eniGroups(h.instanceId)).toEqual(Object.fromEntries(h.enis.map((id) => [id, [q!.GroupId]])));
  expect(last(once)).toMatchObject({ step: 'quarantine', result: 'done' });
  const [first, second] = h.enis;
  const swapped = new RegExp(`${first} (\\S+) → ${q!.GroupId}`).exec(last(once).detail);
  expect(swapped?.[1]?.split(',').sort()).toEqual(h.groups[first!]);
  expect(last(once).detail).toContain(`created ${q!.GroupId}`);
  expect(once.runbook.results).toMatchObject({ quarantineGroupId: q!.GroupId });
  expect(once.applied!.result.applied.sort()).toEqual([...h.enis].sort());

  // A retry of the same step (Step Functions retries after a timeout): same group, nothing swapped again.
  const twice = await step('quarantine', planned);
  expect(await quarantineGroups(h.vpc)).toHaveLength(1);
  expect(last(twice).detail).toContain(`${second} already ${q!.GroupId}`);
  expect(twice.applied!.result.applied).toEqual([]);
  // The before-groups stay those of the plan, so the undo is still right.
  expect((twice.runbook.results!.enis as { id: string; before: string[] }[]).map((e) => [e.id, [...e.before].sort()])).toEqual(h.enis.map((id) => [id, h.groups[id]]));
});

test('quarantine reuses a group tagged warden:quarantine=true: its allow-all egress goes, a rule added on purpose stays', async () => {
  const h = await instance('plain');
  const ec2 = clients.ec2();
  const existing = (await ec2.send(new CreateSecurityGroupCommand({
    VpcId: h.vpc, GroupName: 'ir-isolation', Description: 'ours',
    TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'warden:quarantine', Value: 'true' }] }],
  }))).GroupId!;
  await ec2.send(new AuthorizeSecurityGroupEgressCommand({
    GroupId: existing, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/16', Description: 'SSM endpoints' }] }],
  }));
  const s = await through(started(h.instanceId), 'plan', 'quarantine');
  expect(details(s).quarantineGroups).toEqual({ [h.vpc]: existing });
  expect(await quarantineGroups(h.vpc)).toEqual([]);
  expect(Object.values(await eniGroups(h.instanceId))).toEqual([[existing], [existing]]);
  const g = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [existing] }))).SecurityGroups![0]!;
  expect(g.IpPermissionsEgress).toEqual([expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443 })]);
  expect(last(s).detail).toContain(`revoked 1 allow-all egress rule(s) from ${existing}`);
  expect(last(s).detail).toContain(`${existing} keeps 1 rule(s) someone added`);
});

test('drain sets the ECS container instance to DRAINING, and a repeat is harmless', async () => {
  const h = await instance('ecs');
  const s = await through(started(h.instanceId), 'plan', 'drain');
  expect(await status(h.containerInstanceArn!)).toBe('DRAINING');
  expect(last(s)).toMatchObject({ step: 'drain', result: 'done', detail: `container instance ${h.containerInstanceArn} on payments ACTIVE → DRAINING` });
  const again = await step('drain', s);
  expect(last(again).result).toBe('done');
  expect(await status(h.containerInstanceArn!)).toBe('DRAINING');
});

test('drain skips an EKS node (cordon with kubectl) and a host that is no container instance', async () => {
  const eks = await instance('eks');
  const node = await through(started(eks.instanceId), 'plan', 'drain');
  expect(last(node)).toMatchObject({ step: 'drain', result: 'skipped' });
  expect(last(node).detail).toContain('not an ECS container instance: cordon with kubectl');
  const plain = await instance('plain');
  const other = await through(started(plain.instanceId), 'plan', 'drain');
  expect(last(other)).toMatchObject({ result: 'skipped', detail: expect.stringContaining('nothing to drain') });
});

test('snapshot takes one tagged snapshot per volume; a retry finds them by the incident tag and takes none', async () => {
  const h = await instance('ecs');
  const s = await through(started(h.instanceId), 'plan', 'snapshot');
  const taken = await snapshotsOf(s.context.id);
  expect(taken.map((x) => x.VolumeId).sort()).toEqual([...h.volumes].sort());
  for (const snap of taken) {
    expect(snap.Tags).toEqual(expect.arrayContaining([
      { Key: 'warden:instance', Value: h.instanceId }, { Key: 'warden:volume', Value: snap.VolumeId }, { Key: 'warden:finding', Value: 'manual' },
    ]));
  }
  const again = await step('snapshot', s);
  expect(await snapshotsOf(s.context.id)).toHaveLength(2);
  expect(last(again).detail).toContain('(already taken)');
  const firstTaken = s.runbook.results!.snapshots as { volumeId: string; snapshotId: string; outcome: string }[];
  expect(firstTaken.map((x) => x.outcome)).toEqual(['taken', 'taken']);
  expect(again.runbook.results!.snapshots).toEqual(firstTaken.map((x) => ({ ...x, outcome: 'already' })));
});

test('tag-instance tags the instance with the incident and the quarantine group', async () => {
  const h = await instance('ecs');
  const s = await through(started(h.instanceId), 'plan', 'quarantine', 'tag-instance');
  const tags = (await clients.ec2().send(new DescribeInstancesCommand({ InstanceIds: [h.instanceId] }))).Reservations![0]!.Instances![0]!.Tags!;
  expect(tags).toEqual(expect.arrayContaining([
    { Key: 'warden:incident', Value: s.context.id }, { Key: 'warden:isolated', Value: 'true' },
    { Key: 'warden:quarantine-group', Value: s.runbook.results!.quarantineGroupId },
  ]));
});

test('verify-isolated passes after every step, fails when an ENI gets a group back, and plan then says already isolated', async () => {
  const h = await instance('ecs');
  const s = await through(started(h.instanceId), 'plan', 'capture-evidence', 'quarantine', 'drain', 'snapshot', 'tag-instance', 'verify-isolated');
  expect(s.runbook.timeline.map((t) => `${t.step}:${t.result}`)).toEqual([
    'start:done', 'plan:done', 'capture-evidence:done', 'quarantine:done', 'drain:done', 'snapshot:done', 'tag-instance:done', 'verify-isolated:done',
  ]);
  expect(s.verified!.result.verified).toBe(true);
  expect(last(s).detail).toContain('container instance DRAINING');
  expect(last(s).detail).toContain('2 snapshot(s)');

  // Once isolated, a new run has nothing to do.
  const rerun = await step('plan', started(h.instanceId));
  expect(rerun.live!.result.stillViolating).toBe(false);
  expect(last(rerun).detail).toContain('already isolated');

  // Something puts a group back: verification fails by name (the state machine retries, then fails the run).
  const [first] = h.enis;
  await clients.ec2().send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: first!, Groups: h.groups[first!] }));
  await expect(step('verify-isolated', s)).rejects.toMatchObject({ name: 'Warden.VerificationFailed', message: expect.stringContaining(first!) });
});

test('evidence holds the instance, ENIs, groups with rules, volumes, the container instance, and no user data', async () => {
  const h = await instance('ecs');
  const s = await through(started(h.instanceId), 'plan', 'capture-evidence');
  const e = s.runbook.evidence!;
  expect(e.instance).toMatchObject({ InstanceId: h.instanceId });
  // User data may hold secrets: never read into the evidence (DescribeInstances does not return it; nothing else asks).
  expect(JSON.stringify(e)).not.toContain('hunter2');
  expect(JSON.stringify(e)).not.toContain(USER_DATA);
  expect((e.networkInterfaces as unknown[]).length).toBe(2);
  expect((e.securityGroups as { GroupId: string }[]).map((g) => g.GroupId).sort()).toEqual([...new Set(Object.values(h.groups).flat())].sort());
  expect((e.volumes as { VolumeId: string }[]).map((v) => v.VolumeId).sort()).toEqual([...h.volumes].sort());
  expect(e.containerInstance).toMatchObject({ containerInstanceArn: h.containerInstanceArn, ec2InstanceId: h.instanceId });
  expect(e.finding).toMatchObject({ startedBy: 'arn:aws:iam::123456789012:user/responder' });
});
