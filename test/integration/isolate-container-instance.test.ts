// isolate-container-instance's steps against moto server (EC2 and ECS), called directly without the state machine:
// plan, quarantine (security-group swap), drain, snapshot, tag and verify on real moto resources, and each step run
// twice to show a retry does nothing twice. No mocks (two tests put a thin wrapper around the moto client: below).
// moto notes: the instance is launched with its groups on NetworkInterfaces[].Groups, not SecurityGroupIds: moto
// reports an ENI's groups as the union of its own and the instance's launch groups, so after
// ModifyNetworkInterfaceAttribute it would still list the launch groups (AWS lists only the new ones). moto ignores
// ListContainerInstances' `filter` (the code matches ec2InstanceId on the description as well). moto has no ENI
// trunking: every ENI is InterfaceType "interface" and DescribeTrunkInterfaceAssociations is not implemented, so the
// trunk test wraps the moto client and marks one ENI as a trunk in DescribeNetworkInterfaces' answer; the partial-retry
// test wraps it to throttle the second ModifyNetworkInterfaceAttribute. Everything else those tests do goes to moto.
import {
  AuthorizeSecurityGroupEgressCommand, AuthorizeSecurityGroupIngressCommand, DescribeInstancesCommand, DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand, DescribeSnapshotsCommand, ModifyNetworkInterfaceAttributeCommand, RevokeSecurityGroupEgressCommand,
  RunInstancesCommand, TerminateInstancesCommand, type EC2Client,
} from '@aws-sdk/client-ec2';
import { CreateClusterCommand, DescribeContainerInstancesCommand, RegisterContainerInstanceCommand } from '@aws-sdk/client-ecs';
import { clients } from '../../functions/aws/clients';
import { describeRules } from '../../functions/aws/security-groups';
import { defaultPolicy } from '../../functions/domain/policy';
import { runbookSteps, type RunbookState, type StepDeps } from '../../functions/runbooks';
import { runStep } from '../../functions/runbooks/run-step';
import { startRun } from '../../functions/runbooks/start';
import { useMoto } from '../support/emulator';
import { expectDeclaredCalls, tracedSteps } from '../support/permissions';
import { createGroup, ecsNetwork } from '../../local/sandbox';

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

// Every call the steps make is checked against their declared IAM grants (expectDeclaredCalls, last in this file).
const steps = tracedSteps(runbookSteps);
const step = (id: string, s: RunbookState, d: StepDeps = deps) => runStep(`${RUNBOOK}.${id}`, s, steps, d);
const last = (s: RunbookState) => s.runbook.timeline.at(-1)!;
const details = (s: RunbookState) => s.live!.result.plan.details as Record<string, unknown>;
/** The groups a quarantine line says an ENI was swapped from (`eni-… sg-a,sg-b → sg-q`), sorted. */
const swappedFrom = (detail: string, eni: string, q: string) => new RegExp(`${eni} (\\S+) → ${q}`).exec(detail)?.[1]?.split(',').sort();

async function through(s: RunbookState, ...ids: string[]): Promise<RunbookState> {
  for (const id of ids) s = await step(id, s);
  return s;
}

/** Step deps whose EC2 client is moto's, with `hook` between the step and moto (to fake what moto cannot do). */
function depsWith(hook: (command: object, send: () => Promise<unknown>) => Promise<unknown>): StepDeps {
  const real = clients.ec2();
  const ec2 = new Proxy(real, {
    get: (target, p) => (p === 'send' ? (command: object) => hook(command, () => target.send(command as never)) : Reflect.get(target, p)),
  }) as EC2Client;
  return { ...deps, clients: { ...clients, ec2: () => ec2 } };
}

/** The group Warden would create in the VPC, made by hand: named warden-quarantine-<vpc> and tagged, default egress on. */
const wardenQuarantineGroup = (vpc: string) => createGroup(vpc, `warden-quarantine-${vpc}`, { 'warden:quarantine': 'true' });
const egress = async (groupId: string, cidr: string, port: number, Description?: string) =>
  (await clients.ec2().send(new AuthorizeSecurityGroupEgressCommand({
    GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: cidr, ...(Description ? { Description } : {}) }] }],
  }))).SecurityGroupRules![0]!.SecurityGroupRuleId!;
const ingress = async (groupId: string, cidr: string, port: number) =>
  (await clients.ec2().send(new AuthorizeSecurityGroupIngressCommand({
    GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: cidr }] }],
  }))).SecurityGroupRules![0]!.SecurityGroupRuleId!;

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
  expect(unknown.live!.result).toMatchObject({ stillViolating: false, absent: 'not-found' });
  expect(last(unknown).detail).toContain('not found');
  const h = await instance('plain');
  await clients.ec2().send(new TerminateInstancesCommand({ InstanceIds: [h.instanceId] }));
  const gone = await step('plan', started(`arn:aws:ec2:us-east-1:123456789012:instance/${h.instanceId}`));
  expect(gone.live!.result.stillViolating).toBe(false);
  expect(gone.live!.result.absent).toBeUndefined();
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

  // A retry of the same step (Step Functions retries after a timeout): same group, nothing swapped again, and the
  // retry reports what the run did (both ENIs quarantined by it, from their plan-time groups), not "already".
  const twice = await step('quarantine', planned);
  expect(await quarantineGroups(h.vpc)).toHaveLength(1);
  expect(swappedFrom(last(twice).detail, second!, q!.GroupId!)).toEqual(h.groups[second!]);
  expect(last(twice).detail).not.toContain('already');
  expect(twice.applied!.result.applied.sort()).toEqual([...h.enis].sort());
  // The before-groups stay those of the plan, so the undo is still right.
  expect((twice.runbook.results!.enis as { id: string; before: string[] }[]).map((e) => [e.id, [...e.before].sort()])).toEqual(h.enis.map((id) => [id, h.groups[id]]));
});

test('quarantine retried after a partial swap: ENIs swapped by the failed attempt count as quarantined by this run, with their plan-time groups', async () => {
  const h = await instance('ecs');
  const planned = await step('plan', started(h.instanceId));
  // The first attempt swaps the first ENI, then EC2 throttles the second swap: the step fails and is retried.
  let swaps = 0;
  const throttled = depsWith(async (command, send) => {
    if (command instanceof ModifyNetworkInterfaceAttributeCommand && ++swaps === 2) throw Object.assign(new Error('Request limit exceeded.'), { name: 'RequestLimitExceeded' });
    return send();
  });
  await expect(step('quarantine', planned, throttled)).rejects.toMatchObject({ name: 'Warden.Throttled' });
  const [q] = await quarantineGroups(h.vpc);
  const [first, second] = h.enis;
  expect(await eniGroups(h.instanceId)).toEqual({ [first!]: [q!.GroupId], [second!]: h.groups[second!] });

  const retried = await step('quarantine', planned);
  expect(Object.values(await eniGroups(h.instanceId))).toEqual([[q!.GroupId], [q!.GroupId]]);
  expect(retried.applied!.result.applied.sort()).toEqual([...h.enis].sort());
  const swapped = retried.runbook.results!.enis as { id: string; before: string[]; outcome: string }[];
  expect(swapped.map((e) => [e.id, [...e.before].sort(), e.outcome])).toEqual(h.enis.map((id) => [id, h.groups[id], 'quarantined']));
  expect(swappedFrom(last(retried).detail, first!, q!.GroupId!)).toEqual(h.groups[first!]);
});

test('the quarantine group is Warden\'s only by name and tag: a tagged group of another name is ignored, even with rules', async () => {
  const h = await instance('plain');
  // A group someone tagged warden:quarantine=true, with SSH open to the world: using it would open the host.
  const lookalike = await createGroup(h.vpc, 'ir-isolation', { 'warden:quarantine': 'true' });
  await ingress(lookalike, '0.0.0.0/0', 22);
  const s = await through(started(h.instanceId), 'plan', 'quarantine');
  expect(details(s).quarantineGroups).toEqual({});
  const [q] = await quarantineGroups(h.vpc);
  expect(q!.GroupId).not.toBe(lookalike);
  expect(Object.values(await eniGroups(h.instanceId))).toEqual([[q!.GroupId], [q!.GroupId]]);
  expect(q!.IpPermissions).toEqual([]);
  expect(q!.IpPermissionsEgress).toEqual([]);
});

test('a group that has the quarantine name but not the tag is never adopted: plan and quarantine fail with Warden.InvalidInput', async () => {
  const h = await instance('plain');
  const planned = await step('plan', started(h.instanceId));
  const squatter = await createGroup(h.vpc, `warden-quarantine-${h.vpc}`);
  const refusal = { name: 'Warden.InvalidInput', message: expect.stringMatching(new RegExp(`warden-quarantine-${h.vpc} is taken in ${h.vpc} by ${squatter}.*not tagged warden:quarantine=true.*never adopts`)) };
  await expect(step('quarantine', planned)).rejects.toMatchObject(refusal);
  expect(await eniGroups(h.instanceId)).toEqual(h.groups);
  await expect(step('plan', started(h.instanceId))).rejects.toMatchObject(refusal);
});

test('a Warden quarantine group with an ingress rule fails plan and quarantine with Warden.InvalidInput naming the rule; no ENI is swapped', async () => {
  const h = await instance('plain');
  const q = await wardenQuarantineGroup(h.vpc);
  const planned = await step('plan', started(h.instanceId));
  expect(details(planned).quarantineGroups).toEqual({ [h.vpc]: q });
  const rule = await ingress(q, '0.0.0.0/0', 22);
  const refusal = {
    name: 'Warden.InvalidInput',
    message: expect.stringContaining(`the quarantine group ${q} has ingress rules ${rule} tcp/22 from 0.0.0.0/0: remove them or delete the group; Warden never adds or keeps ingress on it`),
  };
  await expect(step('quarantine', planned)).rejects.toMatchObject(refusal);
  expect(await eniGroups(h.instanceId)).toEqual(h.groups);
  // Nothing was revoked either: the group is left for a person to fix.
  expect((await describeRules(clients.ec2(), q)).filter((r) => r.isEgress)).toHaveLength(1);
  await expect(step('plan', started(h.instanceId))).rejects.toMatchObject(refusal);
});

test('a Warden quarantine group keeps the egress a team added unless it reaches the world; the kept rules are listed by id', async () => {
  const h = await instance('plain');
  const q = await wardenQuarantineGroup(h.vpc);
  const ssm = await egress(q, '10.0.0.0/16', 443, 'SSM endpoints');
  const web = await egress(q, '0.0.0.0/0', 443);
  // Not /0, but as good as: half of the internet, and one public range (a command-and-control server's).
  const half = await egress(q, '0.0.0.0/1', 443);
  const c2 = await egress(q, '203.0.113.0/24', 8443);
  const [allowAll] = (await describeRules(clients.ec2(), q)).filter((r) => r.isEgress && r.protocol === '-1');
  const planned = await step('plan', started(h.instanceId));
  const steps = planned.live!.result.plan.steps.join('\n');
  expect(steps).toContain(`${web} tcp/443 to 0.0.0.0/0`);
  expect(steps).toContain(`${allowAll!.ruleId} all traffic to 0.0.0.0/0`);
  expect(steps).toContain(`${ssm} tcp/443 to 10.0.0.0/16 ("SSM endpoints")`);

  const s = await step('quarantine', planned);
  expect(Object.values(await eniGroups(h.instanceId))).toEqual([[q], [q]]);
  const rules = await describeRules(clients.ec2(), q);
  expect(rules.map((r) => r.ruleId)).toEqual([ssm]);
  expect(last(s).detail).toContain(`revoked world-reaching egress from ${q}: `);
  for (const r of [`${allowAll!.ruleId} all traffic to 0.0.0.0/0`, `${web} tcp/443 to 0.0.0.0/0`, `${half} tcp/443 to 0.0.0.0/1`, `${c2} tcp/8443 to 203.0.113.0/24`]) {
    expect(last(s).detail).toContain(r);
  }
  expect(last(s).detail).toContain(`${q} keeps egress ${ssm} tcp/443 to 10.0.0.0/16 ("SSM endpoints")`);
  // A retry finds nothing more to revoke, and still lists what is kept.
  const again = await step('quarantine', planned);
  expect(last(again).detail).not.toContain('revoked');
  expect(last(again).detail).toContain(`${q} keeps egress ${ssm}`);
});

test('a trunk ENI (awsvpc trunking, security groups for pods) is named in the plan and the quarantine line: its branch ENIs are not swapped', async () => {
  const h = await instance('ecs');
  const [trunk] = h.enis;
  // moto knows no trunk ENIs: mark the primary ENI as one, as EC2 reports it on a trunking-enabled container instance.
  const trunking = depsWith(async (command, send) => {
    const out = await send();
    if (command instanceof DescribeNetworkInterfacesCommand) {
      for (const e of (out as { NetworkInterfaces?: { NetworkInterfaceId?: string; InterfaceType?: string }[] }).NetworkInterfaces ?? []) {
        if (e.NetworkInterfaceId === trunk) e.InterfaceType = 'trunk';
      }
    }
    return out;
  });
  const note = `ENI ${trunk} is a trunk: branch ENIs of awsvpc tasks / pods (ENI trunking, security groups for pods) are not swapped by this runbook: contain those tasks with contain-ecs-task, or the pods with kubectl`;
  const planned = await step('plan', started(h.instanceId), trunking);
  expect(planned.live!.result.plan.steps).toContain(note);
  const s = await step('quarantine', planned, trunking);
  expect(last(s).detail).toContain(note);
  // The trunk ENI itself is swapped like any other.
  const [q] = await quarantineGroups(h.vpc);
  expect((await eniGroups(h.instanceId))[trunk!]).toEqual([q!.GroupId]);
  // Verification does not call the host contained: the record and the notification say verified: false.
  const rest = await step('drain', s, trunking).then((x) => step('snapshot', x, trunking)).then((x) => step('tag-instance', x, trunking));
  const verified = await step('verify-isolated', rest, trunking);
  expect(verified.verified!.result).toEqual({ verified: false, remaining: [trunk] });
  expect(last(verified)).toMatchObject({ result: 'failed', detail: expect.stringContaining(`NOT fully contained: ${trunk} is a trunk`) });
  // A later finding on this host is not "already isolated": its tasks or pods are still reachable.
  const later = await step('plan', started(h.instanceId), trunking);
  expect(later.live!.result.stillViolating).toBe(true);
  expect(later.live!.result.plan.steps).toContain(note);
  // Without trunks there is no such line.
  const plain = await through(started(h.instanceId), 'plan');
  expect(plain.live!.result.plan.steps.join('\n')).not.toContain('is a trunk');
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
  expect(last(node).detail).toContain('of prod: no ECS drain');
  expect(last(node).detail).toContain(`4. cordon the node (nothing new is scheduled on it): kubectl --context 'warden-prod' cordon "$NODE"`);
  expect(node.runbook.results?.drained).toBeUndefined();
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

test('verify-isolated passes after every step, fails when an ENI gets a group back; a new finding on the isolated host is nothing to do', async () => {
  const h = await instance('ecs');
  const s = await through(started(h.instanceId), 'plan', 'capture-evidence', 'quarantine', 'drain', 'snapshot', 'tag-instance', 'verify-isolated');
  expect(s.runbook.timeline.map((t) => `${t.step}:${t.result}`)).toEqual([
    'start:done', 'plan:done', 'capture-evidence:done', 'quarantine:done', 'drain:done', 'snapshot:done', 'tag-instance:done', 'verify-isolated:done',
  ]);
  expect(s.verified!.result.verified).toBe(true);
  expect(last(s).detail).toContain('container instance DRAINING');
  expect(last(s).detail).toContain('2 snapshot(s)');

  // Fully isolated (tagged last, every ENI quarantined, DRAINING): a new run asks nobody and snapshots nothing.
  const rerun = await step('plan', started(h.instanceId));
  expect(rerun.live!.result.stillViolating).toBe(false);
  expect(rerun.live!.result.plan.steps).toEqual([`instance ${h.instanceId} is already isolated by ${s.context.id}: every ENI has only the quarantine group, the container instance is DRAINING`]);
  // Unless the quarantine group reaches the world again: then the run goes on and revokes it.
  const qg = s.runbook.results!.quarantineGroupId as string;
  const reopened = await egress(qg, '0.0.0.0/0', 443);
  const again = await step('plan', started(h.instanceId));
  expect(again.live!.result.stillViolating).toBe(true);
  expect(again.live!.result.plan.steps.join('\n')).toContain(`${reopened} tcp/443 to 0.0.0.0/0`);
  await clients.ec2().send(new RevokeSecurityGroupEgressCommand({ GroupId: qg, SecurityGroupRuleIds: [reopened] }));

  // Something puts a group back: verification fails by name (the state machine retries, then fails the run).
  const [first] = h.enis;
  await clients.ec2().send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: first!, Groups: h.groups[first!] }));
  await expect(step('verify-isolated', s)).rejects.toMatchObject({ name: 'Warden.VerificationFailed', message: expect.stringContaining(first!) });
});

test('verify-isolated fails when the quarantine group gets an ingress rule or an egress rule that reaches the world', async () => {
  const h = await instance('plain');
  const s = await through(started(h.instanceId), 'plan', 'quarantine');
  const q = s.runbook.results!.quarantineGroupId as string;
  expect(last(await step('verify-isolated', s)).result).toBe('done');

  const web = await egress(q, '0.0.0.0/0', 443);
  await expect(step('verify-isolated', s)).rejects.toMatchObject({
    name: 'Warden.VerificationFailed', message: expect.stringContaining(`quarantine group ${q} reaches the world: ${web} tcp/443 to 0.0.0.0/0`),
  });
  await clients.ec2().send(new RevokeSecurityGroupEgressCommand({ GroupId: q, SecurityGroupRuleIds: [web] }));
  await egress(q, '10.0.0.0/16', 443, 'SSM endpoints');
  expect(last(await step('verify-isolated', s)).detail).toContain(`${q} has no ingress and no world-reaching egress (1 egress rule(s) kept)`);

  const ssh = await ingress(q, '10.0.0.0/8', 22);
  await expect(step('verify-isolated', s)).rejects.toMatchObject({
    name: 'Warden.VerificationFailed', message: expect.stringContaining(`quarantine group ${q} has ingress rule(s) ${ssh} tcp/22 from 10.0.0.0/8`),
  });
});

test('a re-run of a half-finished isolation (ENIs swapped, nothing else) completes the missing steps with its own snapshots', async () => {
  const h = await instance('ecs');
  // The first run swapped the ENIs and stopped there (failed or cut short).
  const first = await through(started(h.instanceId), 'plan', 'quarantine');
  const q = first.runbook.results!.quarantineGroupId as string;
  expect(await status(h.containerInstanceArn!)).toBe('ACTIVE');

  const rerun = await step('plan', started(h.instanceId));
  expect(rerun.live!.result.stillViolating).toBe(true);
  expect(rerun.live!.result.plan.steps).toContain(`${h.enis[0]} already has only the quarantine group ${q}: left as is`);
  const done = await through(rerun, 'capture-evidence', 'quarantine', 'drain', 'snapshot', 'tag-instance', 'verify-isolated');
  expect(done.runbook.timeline.map((t) => `${t.step}:${t.result}`)).toEqual([
    'start:done', 'plan:done', 'capture-evidence:done', 'quarantine:done', 'drain:done', 'snapshot:done', 'tag-instance:done', 'verify-isolated:done',
  ]);
  expect(done.runbook.timeline.find((t) => t.step === 'quarantine')!.detail).toContain(`${h.enis[0]} already ${q}`);
  expect(done.applied!.result.applied).toEqual([]);
  expect(await status(h.containerInstanceArn!)).toBe('DRAINING');
  expect((await snapshotsOf(done.context.id)).map((x) => x.VolumeId).sort()).toEqual([...h.volumes].sort());
  const tags = (await clients.ec2().send(new DescribeInstancesCommand({ InstanceIds: [h.instanceId] }))).Reservations![0]!.Instances![0]!.Tags!;
  expect(tags).toEqual(expect.arrayContaining([{ Key: 'warden:incident', Value: done.context.id }, { Key: 'warden:quarantine-group', Value: q }]));
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

expectDeclaredCalls({ everyGrantOf: RUNBOOK });
