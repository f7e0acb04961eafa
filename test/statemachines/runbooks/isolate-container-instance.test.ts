// isolate-container-instance end to end, one test per branch: the generated state machine run locally
// (aws-local-stepfunctions) with every Task bound to the real handlers, EC2/ECS/DynamoDB in moto server, and the
// approval answered through the local task-token broker (as `warden approve` / `warden deny` would). Nothing is mocked.
// moto note: the instance gets its groups on NetworkInterfaces[].Groups, not SecurityGroupIds (moto would keep
// reporting launch groups on the primary ENI after ModifyNetworkInterfaceAttribute; AWS does not).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DescribeInstancesCommand, DescribeNetworkInterfacesCommand, DescribeSecurityGroupsCommand, DescribeSnapshotsCommand,
  ModifyNetworkInterfaceAttributeCommand, RunInstancesCommand, TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { CreateClusterCommand, DescribeContainerInstancesCommand, RegisterContainerInstanceCommand } from '@aws-sdk/client-ecs';
import { CreateClusterCommand as CreateEksClusterCommand } from '@aws-sdk/client-eks';
import type { ApprovalDecision } from '../../../functions/approvals/model';
import { APPROVAL_DENIED } from '../../../functions/approvals/model';
import { approvalIdsOfRun } from '../../../functions/approvals/expire';
import { getAuditRecord } from '../../../functions/audit/get';
import { clients } from '../../../functions/aws/clients';
import type { LocalWarden } from '../../../local/warden-local';
import { useLocalWarden } from '../../support/emulator';
import { allow, createGroup, ecsNetwork } from '../../../local/sandbox';

const { sink, start } = useLocalWarden();
// An approval waits 86,400 s of policy time: 8.6 s here (the emulator runs timeouts 10,000 times faster).
const warden = () => start({ approvals: { approvers: ['U0LEAD'], timeoutSeconds: 86400 } });
const RUNBOOK = 'isolate-container-instance';
const responder = 'arn:aws:iam::123456789012:user/responder';

interface Host { instanceId: string; vpc: string; volumes: string[]; before: Record<string, string[]>; containerInstanceArn?: string }

/** A running ECS container instance (or EKS node) with two ENIs and two EBS volumes. */
async function host(kind: 'ecs' | 'eks'): Promise<Host> {
  const { vpc, subnet, sg: web } = await ecsNetwork();
  const admin = await createGroup(vpc, 'admin');
  const tags = kind === 'ecs' ? { Owner: 'payments', AmazonECSManaged: '' } : { Owner: 'platform', 'eks:cluster-name': 'prod' };
  const run = await clients.ec2().send(new RunInstancesCommand({
    ImageId: 'ami-12c6146b', InstanceType: 't3.large', MinCount: 1, MaxCount: 1,
    NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnet, Groups: [web, admin] }, { DeviceIndex: 1, SubnetId: subnet, Groups: [web] }],
    BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 30 } }, { DeviceName: '/dev/xvdb', Ebs: { VolumeSize: 100 } }],
    TagSpecifications: [{ ResourceType: 'instance', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }],
  }));
  const instanceId = run.Instances![0]!.InstanceId!;
  const described = (await clients.ec2().send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations![0]!.Instances![0]!;
  const volumes = described.BlockDeviceMappings!.map((m) => m.Ebs!.VolumeId!);
  const h: Host = { instanceId, vpc, volumes, before: await eniGroups(instanceId) };
  if (kind === 'ecs') {
    await clients.ecs().send(new CreateClusterCommand({ clusterName: 'payments' }));
    const doc = JSON.stringify({ instanceId, region: 'us-east-1', accountId: '123456789012', availabilityZone: 'us-east-1a' });
    h.containerInstanceArn = (await clients.ecs().send(new RegisterContainerInstanceCommand({ cluster: 'payments', instanceIdentityDocument: doc }))).containerInstance!.containerInstanceArn!;
  }
  return h;
}

async function eniGroups(instanceId: string): Promise<Record<string, string[]>> {
  const out = await clients.ec2().send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [instanceId] }] }));
  return Object.fromEntries(out.NetworkInterfaces!.map((e) => [e.NetworkInterfaceId!, e.Groups!.map((g) => g.GroupId!).sort()]));
}

/** Everything the runbook could change, to compare before and after a run that must change nothing. */
async function scene(h: Host) {
  const instance = (await clients.ec2().send(new DescribeInstancesCommand({ InstanceIds: [h.instanceId] }))).Reservations![0]!.Instances![0]!;
  const quarantine = (await clients.ec2().send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [h.vpc] }, { Name: 'group-name', Values: [`warden-quarantine-${h.vpc}`] }] }))).SecurityGroups!;
  // moto comes with snapshots of its own (behind its AMIs): only those of this instance's volumes count.
  const snapshots = (await clients.ec2().send(new DescribeSnapshotsCommand({ Filters: [{ Name: 'volume-id', Values: h.volumes }] }))).Snapshots!;
  const ci = h.containerInstanceArn
    ? (await clients.ecs().send(new DescribeContainerInstancesCommand({ cluster: 'payments', containerInstances: [h.containerInstanceArn] }))).containerInstances![0]!.status
    : undefined;
  return {
    enis: await eniGroups(h.instanceId),
    tags: Object.fromEntries(instance.Tags!.map((t) => [t.Key!, t.Value!])),
    quarantineGroups: quarantine.map((g) => g.GroupId),
    snapshots: snapshots.map((s) => s.SnapshotId),
    containerInstance: ci,
  };
}

/** The run's approval, once RequestApproval has stored it and its Task waits on the token. */
async function approvalOf(w: LocalWarden, run: string): Promise<{ token: string; approvalId: string }> {
  const store = { dynamodb: clients.dynamodb(), tableName: w.resources.approvalsTable };
  for (let i = 0; i < 300; i++) {
    const [approvalId] = await approvalIdsOfRun(run, store);
    const [token] = w.tokens.waiting();
    if (approvalId && token) return { token, approvalId };
    await sleep(10);
  }
  throw new Error('the run never asked for approval');
}

const decision = (approvalId: string): ApprovalDecision => ({ decision: 'approved', approvalId, decidedBy: 'U0LEAD', decidedAt: new Date().toISOString(), via: 'cli', reason: 'IR-7 confirmed' });
const audit = (w: LocalWarden, id: string) => getAuditRecord(id, { dynamodb: clients.dynamodb(), tableName: w.resources.tableName });
const steps = (timeline: { step: string; result: string }[]) => timeline.map((t) => `${t.step}:${t.result}`);
const TAIL = ['Conclude', 'Notify', 'Record', 'Finished', 'Succeeded'];
const ISOLATED = [
  'Start', 'Plan', 'Needed', 'CaptureEvidence', 'ChooseMode', 'RequestApproval', 'Brake', 'Braked',
  'SwapToQuarantineGroup', 'DrainContainerInstance', 'SnapshotVolumes', 'TagInstance', 'VerifyIsolation', 'MarkFixed', ...TAIL,
];

/** Approve the run's request and check it went through every isolation step. */
async function approveAndFinish(w: LocalWarden, e: { name: string; done: Promise<{ failed?: unknown; path: string[] }> }): Promise<void> {
  const { token, approvalId } = await approvalOf(w, e.name);
  await w.tokens.callbacks.success(token, decision(approvalId));
  const run = await e.done;
  expect(run.failed).toBeUndefined();
  expect(run.path).toEqual(ISOLATED);
}

test('approved: ENIs swapped to the quarantine group, instance DRAINING, volumes snapshotted, tagged, verified', async () => {
  const w = await warden();
  const h = await host('ecs');
  const e = w.runbook(RUNBOOK, { target: h.instanceId, requestedBy: responder, reason: 'IR-7' });
  await approveAndFinish(w, e);
  const after = await scene(h);
  const [q] = after.quarantineGroups;
  expect(Object.values(after.enis)).toEqual([[q], [q]]);
  expect(after.containerInstance).toBe('DRAINING');
  expect(after.snapshots).toHaveLength(2);
  expect(after.tags).toMatchObject({ 'warden:incident': e.name, 'warden:isolated': 'true', 'warden:quarantine-group': q });

  const record = (await audit(w, e.name))!;
  expect(record).toMatchObject({ outcome: 'fixed', mode: 'approval', source: 'manual', verified: true, approval: { decision: 'approved', decidedBy: 'U0LEAD' } });
  expect(steps(record.runbook!.timeline)).toEqual([
    'start:done', 'plan:done', 'capture-evidence:done', 'approval:approved', 'brake:done',
    'quarantine:done', 'drain:done', 'snapshot:done', 'tag-instance:done', 'verify-isolated:done', 'conclude:done',
  ]);
  // The undo is in the record: each ENI's groups before the swap.
  expect((record.plan!.details!.enis as { id: string; groups: string[] }[]).map((x) => [x.id, [...x.groups].sort()])).toEqual(Object.entries(h.before));
  expect(record.runbook!.results).toMatchObject({ quarantineGroupId: q });
  const taken = record.runbook!.results!.snapshots as { volumeId: string; snapshotId: string; outcome: string }[];
  expect(taken.map((x) => x.snapshotId).sort()).toEqual([...after.snapshots].sort());
  expect(taken.map((x) => `${x.volumeId}:${x.outcome}`).sort()).toEqual(h.volumes.map((v) => `${v}:taken`).sort());
});

test('denied: nothing changed, the denial is on the timeline', async () => {
  const w = await warden();
  const h = await host('ecs');
  const before = await scene(h);
  const e = w.runbook(RUNBOOK, { target: h.instanceId, requestedBy: responder });
  const { token, approvalId } = await approvalOf(w, e.name);
  await w.tokens.callbacks.failure(token, APPROVAL_DENIED, JSON.stringify({ approvalId, decidedBy: 'U0LEAD', decidedAt: new Date().toISOString(), via: 'cli', reason: 'false positive' }));
  const run = await e.done;
  expect(run.path).toEqual(['Start', 'Plan', 'Needed', 'CaptureEvidence', 'ChooseMode', 'RequestApproval', 'MarkDenied', ...TAIL]);
  expect(await scene(h)).toEqual(before);
  const record = (await audit(w, e.name))!;
  expect(record).toMatchObject({ outcome: 'denied', approval: { decision: 'denied', decidedBy: 'U0LEAD' } });
  expect(steps(record.runbook!.timeline)).toEqual(['start:done', 'plan:done', 'capture-evidence:done', 'approval:denied', 'conclude:done']);
});

test('dry-run: evidence and the plan only, nothing changed, no approval asked', async () => {
  const w = await warden();
  const h = await host('ecs');
  const before = await scene(h);
  const e = w.runbook(RUNBOOK, { target: h.instanceId, requestedBy: responder, dryRun: true });
  const run = await e.done;
  expect(run.path).toEqual(['Start', 'Plan', 'Needed', 'CaptureEvidence', 'ChooseMode', 'MarkDryRun', ...TAIL]);
  expect(await scene(h)).toEqual(before);
  const record = (await audit(w, e.name))!;
  expect(record).toMatchObject({ outcome: 'dry-run', mode: 'dry-run' });
  expect(record.plan!.steps.join('\n')).toContain(`warden-quarantine-${h.vpc}`);
  expect(record.runbook!.evidence).toMatchObject({ instance: { InstanceId: h.instanceId } });
});

test('instance not found (not-found) or terminated (already-fixed): nothing to do, recorded as such', async () => {
  const w = await warden();
  const missing = w.runbook(RUNBOOK, { target: 'i-0123456789abcdef0', requestedBy: responder });
  expect((await missing.done).path).toEqual(['Start', 'Plan', 'Needed', 'MarkAbsent', ...TAIL]);
  const notFound = (await audit(w, missing.name))!;
  expect(notFound.outcome).toBe('not-found');
  expect(notFound.runbook!.timeline.find((t) => t.step === 'plan')!.detail).toContain('instance i-0123456789abcdef0 not found in us-east-1');

  const h = await host('ecs');
  await clients.ec2().send(new TerminateInstancesCommand({ InstanceIds: [h.instanceId] }));
  const terminated = w.runbook(RUNBOOK, { target: h.instanceId, requestedBy: responder });
  expect((await terminated.done).path).toEqual(['Start', 'Plan', 'Needed', 'MarkNothingToDo', ...TAIL]);
  const record = (await audit(w, terminated.name))!;
  expect(record.outcome).toBe('already-fixed');
  expect(record.runbook!.timeline.find((t) => t.step === 'plan')!.detail).toContain('terminated');
});

test('EKS node by hand: isolated and snapshotted; the drain step is skipped with the kubectl cordon and drain to run', async () => {
  const w = await warden();
  const h = await host('eks');
  const e = w.runbook(RUNBOOK, { target: h.instanceId, requestedBy: responder });
  const { token, approvalId } = await approvalOf(w, e.name);
  await w.tokens.callbacks.success(token, decision(approvalId));
  const run = await e.done;
  expect(run.failed).toBeUndefined();
  expect(run.path).toContain('VerifyIsolation');
  const after = await scene(h);
  expect(Object.values(after.enis)).toEqual([after.quarantineGroups, after.quarantineGroups]);
  expect(after.snapshots).toHaveLength(2);
  const record = (await audit(w, e.name))!;
  expect(record.outcome).toBe('fixed');
  const drain = record.runbook!.timeline.find((t) => t.step === 'drain')!;
  expect(drain.result).toBe('skipped');
  expect(drain.detail).toContain(`EKS node ${h.instanceId}`);
  expect(drain.detail).toContain('of prod: no ECS drain');
  expect(drain.detail).toContain(`kubectl --context 'warden-prod' cordon "$NODE"`);
});

test('a half-finished isolation (ENIs already in the quarantine group) is not "already fixed": a new run completes drain, snapshots and tags', async () => {
  const w = await warden();
  const h = await host('ecs');
  const q = await createGroup(h.vpc, `warden-quarantine-${h.vpc}`, { 'warden:quarantine': 'true' });
  for (const eni of Object.keys(h.before)) await clients.ec2().send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eni, Groups: [q] }));
  const e = w.runbook(RUNBOOK, { target: h.instanceId, requestedBy: responder });
  await approveAndFinish(w, e);
  const after = await scene(h);
  expect(after.quarantineGroups).toEqual([q]);
  expect(after.containerInstance).toBe('DRAINING');
  expect(after.snapshots).toHaveLength(2);
  expect(after.tags).toMatchObject({ 'warden:incident': e.name, 'warden:quarantine-group': q });
  const record = (await audit(w, e.name))!;
  expect(record.outcome).toBe('fixed');
  expect(record.plan!.steps).toEqual(expect.arrayContaining(Object.keys(h.before).map((eni) => `${eni} already has only the quarantine group ${q}: left as is`)));
  expect(record.runbook!.timeline.find((t) => t.step === 'quarantine')!.detail).toContain(`already ${q}`);
});

test('a Warden quarantine group with an ingress rule fails the run at plan, notified and recorded: no ENI is swapped', async () => {
  const w = await warden();
  const h = await host('ecs');
  const q = await createGroup(h.vpc, `warden-quarantine-${h.vpc}`, { 'warden:quarantine': 'true' });
  const ssh = await allow(q, { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] });
  const before = await scene(h);
  const e = w.runbook(RUNBOOK, { target: h.instanceId, requestedBy: responder });
  const run = await e.done;
  expect(run.path).toEqual(['Start', 'Plan', 'Conclude', 'Notify', 'Record', 'Finished', 'Failed']);
  expect(await scene(h)).toEqual(before);
  const record = (await audit(w, e.name))!;
  expect(record).toMatchObject({ outcome: 'failed', error: { error: 'Warden.InvalidInput', cause: expect.stringContaining(`the quarantine group ${q} has ingress rules ${ssh} tcp/22 from 0.0.0.0/0`) } });
});

test('a bad target fails the run cleanly: notified and recorded, nothing read or changed', async () => {
  const w = await warden();
  const e = w.runbook(RUNBOOK, { target: 'sg-0123456789abcdef0', requestedBy: responder });
  const run = await e.done;
  expect(run.path).toEqual(['Start', 'Plan', 'Conclude', 'Notify', 'Record', 'Finished', 'Failed']);
  const record = (await audit(w, e.name))!;
  expect(record.outcome).toBe('failed');
  expect(record.runbook!.timeline.find((t) => t.step === 'error')!.detail).toContain('Warden.InvalidInput');
});

test('a GuardDuty finding on an ECS container instance starts the runbook through triage; approved, the instance is isolated', async () => {
  const w = await warden();
  const h = await host('ecs');
  const sample = JSON.parse(readFileSync(join(process.cwd(), 'events', 'guardduty', 'ec2-eks-node.json'), 'utf8'));
  sample.detail.resource.instanceDetails = { instanceId: h.instanceId, tags: [{ key: 'AmazonECSManaged', value: '' }, { key: 'Owner', value: 'payments' }] };
  const triaged = await w.triage(sample, { wait: false });
  const [execution] = triaged.executions;
  expect(execution).toBeDefined();
  const { token, approvalId } = await approvalOf(w, execution!.name);
  await w.tokens.callbacks.success(token, decision(approvalId));
  const run = await w.done(execution!.name);
  expect(run.path).toContain('VerifyIsolation');
  const after = await scene(h);
  expect(Object.values(after.enis)).toEqual([after.quarantineGroups, after.quarantineGroups]);
  expect(after.containerInstance).toBe('DRAINING');
  const record = (await audit(w, execution!.name))!;
  expect(record).toMatchObject({ outcome: 'fixed', source: 'guardduty', runbook: { startedBy: `GuardDuty finding ${sample.detail.id}` } });
  expect(record.runbook!.evidence).toMatchObject({ finding: { id: sample.detail.id, type: sample.detail.type } });
});

test('a GuardDuty runtime finding on an EKS node (EC2) starts two runs: the node isolated after approval, with no ECS drain and the kubectl cordon/drain to run; the cluster gets its kubectl plan', async () => {
  const w = await warden();
  const h = await host('eks');
  // A decoy: an ECS container instance with the same instance id. An EKS node is never drained through ECS.
  await clients.ecs().send(new CreateClusterCommand({ clusterName: 'payments' }));
  const doc = JSON.stringify({ instanceId: h.instanceId, region: 'us-east-1', accountId: '123456789012', availabilityZone: 'us-east-1a' });
  const decoy = (await clients.ecs().send(new RegisterContainerInstanceCommand({ cluster: 'payments', instanceIdentityDocument: doc }))).containerInstance!.containerInstanceArn!;
  await clients.eks().send(new CreateEksClusterCommand({ name: 'prod', roleArn: 'arn:aws:iam::123456789012:role/eks', resourcesVpcConfig: { subnetIds: ['subnet-0a1'] }, tags: { Owner: 'platform' } }));
  const text = readFileSync(join(process.cwd(), 'events', 'guardduty', 'eks-runtime-crypto-miner.json'), 'utf8')
    .split('111122223333').join('123456789012').split('i-0a11c0ffee0000002').join(h.instanceId).split('cluster/platform').join('cluster/prod');
  const sample = JSON.parse(text);
  sample.detail.resource.eksClusterDetails.name = 'prod';
  sample.detail.resource.instanceDetails.tags = [{ key: 'eks:cluster-name', value: 'prod' }, { key: 'Owner', value: 'platform' }];

  const triaged = await w.triage(sample, { wait: false });
  expect(triaged.status).toBe('violation');
  expect(triaged.executions).toHaveLength(2);
  const [isolate, eks] = triaged.executions.map((e) => e.name);
  expect(isolate).not.toBe(eks);
  const { token, approvalId } = await approvalOf(w, isolate!);
  await w.tokens.callbacks.success(token, decision(approvalId));
  expect((await w.done(isolate!)).path).toEqual(ISOLATED);
  expect((await w.done(eks!)).path).toContain('MarkNotified');

  const after = await scene(h);
  expect(Object.values(after.enis)).toEqual([after.quarantineGroups, after.quarantineGroups]);
  expect(after.snapshots).toHaveLength(2);
  expect(after.tags).toMatchObject({ 'warden:isolated': 'true', 'warden:finding': sample.detail.id });
  const ci = (await clients.ecs().send(new DescribeContainerInstancesCommand({ cluster: 'payments', containerInstances: [decoy] }))).containerInstances![0]!;
  expect(ci.status).toBe('ACTIVE');

  const record = (await audit(w, isolate!))!;
  expect(record).toMatchObject({ outcome: 'fixed', verified: true, finding: { resource: { type: 'AWS::EC2::Instance', id: h.instanceId } }, runbook: { name: RUNBOOK, target: h.instanceId } });
  expect(record.runbook!.results!.drained).toBeUndefined();
  const cordon = `kubectl --context 'warden-prod' cordon "$NODE"`;
  const drain = `kubectl --context 'warden-prod' drain "$NODE" --ignore-daemonsets --delete-emptydir-data`;
  const step = record.runbook!.timeline.find((t) => t.step === 'drain')!;
  expect(step.result).toBe('skipped');
  expect(step.detail).toContain(`EKS node ${h.instanceId}`);
  expect(step.detail).toContain('no ECS drain');
  for (const c of [cordon, drain]) {
    expect(step.detail).toContain(c);
    expect(record.plan!.steps.join('\n')).toContain(c);
  }
  expect(record.plan!.steps.join('\n')).not.toContain('DRAINING');
  const slack = sink().received.filter((r) => r.path === '/slack').map((r) => r.body).join('\n');
  expect(slack).toContain('cordon \\"$NODE\\"');
  expect(slack).toContain(`Fixed: instance isolated`);

  expect(await audit(w, eks!)).toMatchObject({ outcome: 'notified', runbook: { name: 'eks-finding-response' }, plan: { targets: ['prod'] } });
});

test('an untagged instance is recognized as an ECS container instance by a live lookup; an unknown one is recorded only', async () => {
  const w = await warden();
  const h = await host('ecs');
  const sample = JSON.parse(readFileSync(join(process.cwd(), 'events', 'guardduty', 'ec2-plain-instance.json'), 'utf8'));
  sample.detail.severity = 8;
  sample.detail.resource.instanceDetails.instanceId = h.instanceId;
  sample.detail.resource.instanceDetails.tags = [];
  const triaged = await w.triage(sample, { wait: false });
  expect(triaged).toMatchObject({ status: 'violation', executions: [{ control: 'guardduty-container-threat' }] });
  const { token } = await approvalOf(w, triaged.executions[0]!.name);
  await w.tokens.callbacks.failure(token, 'Warden.ApprovalDenied', JSON.stringify({ decidedBy: 'U0LEAD', via: 'cli' }));
  await w.done(triaged.executions[0]!.name);
  const record = (await audit(w, triaged.executions[0]!.name))!;
  expect(record).toMatchObject({ outcome: 'denied', runbook: { name: RUNBOOK } });
  expect(record.plan!.details).toMatchObject({ host: 'ecs', cluster: 'payments', containerInstanceArn: h.containerInstanceArn });

  sample.id = 'another-event';
  sample.detail.id = 'another-finding';
  sample.detail.resource.instanceDetails.instanceId = 'i-0123456789abcdef0';
  expect(await w.triage(sample)).toMatchObject({ status: 'ignored', reason: expect.stringContaining('is not a container host (no ECS or EKS tag, and no ECS cluster has it as a container instance)') });
});
