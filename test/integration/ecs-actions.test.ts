// The ECS actions (stop-ecs-tasks, harden-task-definition, move-env-secrets, disable-service-public-ip, notify-owner)
// and readEcsResource, against moto server. No mocks: every call they make is answered by moto.
// moto particulars (5.2.5) the helpers below work around:
// - RunTask with awsvpc needs a subnet in a VPC with DNS hostnames on, security groups in awsvpcConfiguration,
//   and a container-level `memory` (else moto answers HTTP 500).
// - With startMoto's "immediate" task progression, a task reports lastStatus STOPPED right after RunTask while its
//   desiredStatus stays RUNNING; Warden therefore judges "still running" by desiredStatus (what ListTasks filters on).
//   One block switches to a manual progression so tasks stay RUNNING, as on AWS.
// - CreateService starts no tasks; service tasks are RunTask calls with group `service:<name>`.
// - ListTaskDefinitions ignores `sort`; Warden sorts revisions itself.
import {
  AllocateAddressCommand, AssociateRouteTableCommand, CreateNatGatewayCommand, CreateRouteCommand, CreateRouteTableCommand,
  CreateVpcEndpointCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand, CreateServiceCommand, DeregisterTaskDefinitionCommand, DescribeServicesCommand,
  DescribeTaskDefinitionCommand, DescribeTasksCommand, ListTaskDefinitionsCommand, RegisterTaskDefinitionCommand,
  RunTaskCommand, UpdateServiceCommand, type ContainerDefinition, type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import type { FixingAction } from '../../functions/actions';
import { disableServicePublicIp as disableServicePublicIpCode } from '../../functions/actions/disable-service-public-ip';
import { HARDENED_FROM, hardenTaskDefinition as hardenTaskDefinitionCode } from '../../functions/actions/harden-task-definition';
import { moveEnvSecrets as moveEnvSecretsCode } from '../../functions/actions/move-env-secrets';
import { notifyOwner as notifyOwnerCode } from '../../functions/actions/notify-owner';
import { stopEcsTasks as stopEcsTasksCode } from '../../functions/actions/stop-ecs-tasks';
import { clients } from '../../functions/aws/clients';
import { readEcsResource } from '../../functions/aws/live-ecs';
import type { Facts, Finding, ResourceRef, TaskRunFacts } from '../../functions/domain/model';
import { defaultPolicy } from '../../functions/domain/policy';
import { useMoto } from '../support/emulator';
import { expectDeclaredCalls, traced, tracedClients } from '../support/permissions';
import { ecsNetwork, type EcsNetwork } from '../../local/sandbox';

const moto = useMoto();
// Every call below is checked against the actions' declared IAM grants (expectDeclaredCalls, last in this file).
const disableServicePublicIp = traced(disableServicePublicIpCode);
const hardenTaskDefinition = traced(hardenTaskDefinitionCode);
const moveEnvSecrets = traced(moveEnvSecretsCode);
const notifyOwner = traced(notifyOwnerCode);
const stopEcsTasks = traced(stopEcsTasksCode);
const triageClients = tracedClients(clients, 'triage');

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const policy = defaultPolicy();
const ecs = () => clients.ecs();
const ec2 = () => clients.ec2();
const PASSWORD = 'hunter2-do-not-echo';
const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';

// ---------- sandbox (network: test/support/sandbox.ts) ----------

const container = (name: string, extra: Partial<ContainerDefinition> = {}): ContainerDefinition => ({
  name, image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${name}:1`, memory: 256, ...extra,
});
/** Compliant for every hardenable control. */
const hardened = (name: string): ContainerDefinition =>
  container(name, { user: '1000', readonlyRootFilesystem: true, logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': 'g' } } });

async function register(family: string, containers: ContainerDefinition[], extra: Partial<RegisterTaskDefinitionCommandInput> = {}): Promise<string> {
  const out = await ecs().send(new RegisterTaskDefinitionCommand({
    family, networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512', containerDefinitions: containers, ...extra,
  }));
  return out.taskDefinition!.taskDefinitionArn!;
}

async function cluster(name = 'apps'): Promise<string> {
  return (await ecs().send(new CreateClusterCommand({ clusterName: name }))).cluster!.clusterArn!;
}

async function run(net: EcsNetwork, taskDefinition: string, opts: { count?: number; group?: string; cluster?: string } = {}): Promise<string[]> {
  const out = await ecs().send(new RunTaskCommand({
    cluster: opts.cluster ?? 'apps', taskDefinition, launchType: 'FARGATE', count: opts.count ?? 1,
    ...(opts.group ? { group: opts.group } : {}),
    networkConfiguration: { awsvpcConfiguration: { subnets: [net.subnet], securityGroups: [net.sg], assignPublicIp: 'DISABLED' } },
  }));
  return out.tasks!.map((t) => t.taskArn!);
}

async function service(net: EcsNetwork, name: string, taskDefinition: string, publicIp: 'ENABLED' | 'DISABLED' = 'DISABLED'): Promise<string> {
  const out = await ecs().send(new CreateServiceCommand({
    cluster: 'apps', serviceName: name, taskDefinition, desiredCount: 1, launchType: 'FARGATE', tags: [{ key: 'Owner', value: 'web-team' }],
    networkConfiguration: { awsvpcConfiguration: { subnets: [net.subnet], securityGroups: [net.sg], assignPublicIp: publicIp } },
  }));
  return out.service!.serviceArn!;
}

const describeTask = async (arn: string) => (await ecs().send(new DescribeTasksCommand({ cluster: 'apps', tasks: [arn] }))).tasks![0]!;
const describeService = async (arn: string) => (await ecs().send(new DescribeServicesCommand({ cluster: 'apps', services: [arn] }))).services![0]!;
const revisions = async (family: string) =>
  (await ecs().send(new ListTaskDefinitionsCommand({ familyPrefix: family }))).taskDefinitionArns ?? [];

const ref = (type: string, id: string): ResourceRef => ({ type, id, account: ACCOUNT, region: REGION });
const finding = (control: string, action: string, resource: ResourceRef, targets: string[] = []): Finding => ({
  control, title: 't', severity: 'HIGH', evidence: 'e', resource, remediation: { action, mode: 'auto', targets },
});

/** inspect → apply → verify, as the state machine runs them. */
async function remediate(action: FixingAction, f: Finding) {
  const inspection = await action.inspect(f, clients, policy);
  const applied = await action.apply(inspection.plan, clients);
  const verified = await action.verify(inspection.plan, clients);
  return { inspection, applied, verified };
}

// ---------- stop-ecs-tasks ----------

describe('stop-ecs-tasks', () => {
  const rootFinding = (tasks: string[], first = tasks[0]!) =>
    finding('ecs-task-root-or-privileged', 'stop-ecs-tasks', ref('AWS::ECS::Task', first), tasks);

  test('stops only the standalone root task; a compliant task in the same cluster keeps running', async () => {
    const net = await ecsNetwork();
    await cluster();
    const [rootTask] = await run(net, await register('batch', [container('job')]));
    const [okTask] = await run(net, await register('worker', [hardened('job')]));

    const { inspection, applied, verified } = await remediate(stopEcsTasks, rootFinding([rootTask!, okTask!]));
    expect(inspection.stillViolating).toBe(true);
    expect(inspection.plan.targets).toEqual([rootTask]);
    expect(inspection.plan.steps[0]).toMatch(/^stop standalone task .* \(batch:1\) on cluster apps \(StopTask reason "Warden ecs-task-root-or-privileged: /);
    expect(inspection.plan.details).toMatchObject({ skipped: [{ taskArn: okTask, why: 'worker:1 no longer fails ecs-task-root-or-privileged' }] });
    expect(applied).toEqual({ applied: [rootTask], alreadyGone: [] });
    expect(verified).toEqual({ verified: true, remaining: [] });

    const stopped = await describeTask(rootTask!);
    expect(stopped.desiredStatus).toBe('STOPPED');
    expect(stopped.stoppedReason).toContain('ecs-task-root-or-privileged');
    expect((await describeTask(okTask!)).desiredStatus).toBe('RUNNING');
  });

  test('stopping is idempotent: a second apply reports the task already gone, a new inspect finds nothing', async () => {
    const net = await ecsNetwork();
    await cluster();
    const tasks = await run(net, await register('batch', [container('job', { user: '1000', privileged: true })]), { count: 2 });
    const { inspection } = await remediate(stopEcsTasks, rootFinding(tasks));
    expect(inspection.plan.targets).toEqual([...tasks].sort());

    expect(await stopEcsTasks.apply(inspection.plan, clients)).toEqual({ applied: [], alreadyGone: [...tasks].sort() });
    const again = await stopEcsTasks.inspect(rootFinding(tasks), clients, policy);
    expect(again.stillViolating).toBe(false);
    expect(again.plan.targets).toEqual([]);
    expect((again.plan.details as { skipped: unknown[] }).skipped).toHaveLength(2);
  });

  test('without task ARNs, the finding\'s task is stopped; other standalone tasks of its task definition are only listed', async () => {
    const net = await ecsNetwork();
    await cluster();
    const td = await register('batch', [container('job')]);
    const standalone = await run(net, td, { count: 2 });
    const [ofService] = await run(net, td, { group: 'service:web' });
    const [other] = await run(net, await register('other', [container('job')]));

    const { plan } = await stopEcsTasks.inspect(finding('ecs-task-root-or-privileged', 'stop-ecs-tasks', ref('AWS::ECS::Task', standalone[0]!)), clients, policy);
    expect(plan.targets).toEqual([standalone[0]]);
    // Same task definition and kind: listed. A service's task and another family's are not siblings.
    expect((plan.details as { siblings: { taskArn: string; stop: boolean }[] }).siblings).toEqual([expect.objectContaining({ taskArn: standalone[1], stop: false })]);
    expect(plan.steps.join('\n')).not.toContain(ofService);
    expect(plan.steps.join('\n')).not.toContain(other);
  });

  test('tasks the finding names that ECS does not know are gone, not "already stopped"', async () => {
    await cluster();
    const ghost = `arn:aws:ecs:${REGION}:${ACCOUNT}:task/apps/0123456789abcdef0123456789abcdef`;
    const inspection = await stopEcsTasks.inspect(rootFinding([ghost]), clients, policy);
    expect(inspection).toMatchObject({ stillViolating: false, gone: true, plan: { targets: [], steps: [`nothing to stop: ${ghost} not found`] } });
  });

  test('tasks of a service: the plan says the service will start them again', async () => {
    const net = await ecsNetwork();
    await cluster();
    const tasks = await run(net, await register('web', [container('app')]), { group: 'service:web' });
    const { plan } = await stopEcsTasks.inspect(rootFinding(tasks), clients, policy);
    expect(plan.steps[0]).toContain('stop task of service:web');
    expect(plan.steps.at(-1)).toContain('harden-task-definition');
  });

  describe('with tasks that stay RUNNING until stopped (as on AWS)', () => {
    beforeEach(() =>
      fetch(`${moto().endpoint}/moto-api/state-manager/set-transition`, {
        method: 'POST', body: JSON.stringify({ model_name: 'ecs::task', transition: { progression: 'manual', times: 1_000_000 } }),
      }));

    test('verify fails while the task runs, and passes once it is stopped', async () => {
      const net = await ecsNetwork();
      await cluster();
      const [task] = await run(net, await register('batch', [container('job')]));
      expect((await describeTask(task!)).lastStatus).toBe('RUNNING');
      const { plan } = await stopEcsTasks.inspect(rootFinding([task!]), clients, policy);
      expect(await stopEcsTasks.verify(plan, clients)).toEqual({ verified: false, remaining: [task] });
      await stopEcsTasks.apply(plan, clients);
      expect((await describeTask(task!)).lastStatus).toBe('STOPPED');
      expect(await stopEcsTasks.verify(plan, clients)).toEqual({ verified: true, remaining: [] });
    });

    test('by default only the named task stops: the other tasks of its task definition are listed and still RUNNING', async () => {
      const net = await ecsNetwork();
      await cluster();
      const td = await register('batch', [container('job')]);
      const [named, ...siblings] = await run(net, td, { count: 3 });
      const { inspection, applied, verified } = await remediate(stopEcsTasks, rootFinding([named!]));
      expect(inspection.plan.targets).toEqual([named]);
      expect(inspection.plan.steps.at(-1)).toMatch(/^left running, 2 other task\(s\) of the same task definition .*policy stopTasks\.siblings is list/);
      for (const arn of siblings) expect(inspection.plan.steps.at(-1)).toContain(arn);
      expect(applied).toEqual({ applied: [named], alreadyGone: [] });
      expect(verified.verified).toBe(true);
      expect((await describeTask(named!)).lastStatus).toBe('STOPPED');
      for (const arn of siblings) expect(await describeTask(arn)).toMatchObject({ lastStatus: 'RUNNING', desiredStatus: 'RUNNING' });
    });

    test('policy stopTasks.siblings: stop stops them too, up to maxSiblings; the rest keep running, listed', async () => {
      const net = await ecsNetwork();
      await cluster();
      const td = await register('batch', [container('job')]);
      const [named, ...siblings] = await run(net, td, { count: 4 });
      const [otherRevision] = await run(net, await register('batch', [container('job')]));
      const stopping = defaultPolicy({ stopTasks: { siblings: 'stop', maxSiblings: 2 } });
      const inspection = await stopEcsTasks.inspect(rootFinding([named!]), clients, stopping);
      const chosen = [...siblings].sort().slice(0, 2);
      const left = [...siblings].sort()[2]!;
      expect(inspection.plan.targets).toEqual([named!, ...chosen].sort());
      expect(inspection.plan.steps.at(-1)).toContain(`over the limit of 2 (policy stopTasks.maxSiblings)): ${left}`);
      expect(inspection.plan.steps.join('\n')).not.toContain(otherRevision);
      expect(await stopEcsTasks.apply(inspection.plan, clients)).toEqual({ applied: [named!, ...chosen].sort(), alreadyGone: [] });
      expect(await stopEcsTasks.verify(inspection.plan, clients)).toEqual({ verified: true, remaining: [] });
      for (const arn of [named!, ...chosen]) expect((await describeTask(arn)).lastStatus).toBe('STOPPED');
      expect((await describeTask(left)).lastStatus).toBe('RUNNING');
      expect((await describeTask(otherRevision!)).lastStatus).toBe('RUNNING');
    });
  });
});

// ---------- harden-task-definition ----------

describe('harden-task-definition', () => {
  const hardenFinding = (arn: string) => finding('ecs-task-root-user', 'harden-task-definition', ref('AWS::ECS::TaskDefinition', arn), ['app']);

  async function unsafeService() {
    const net = await ecsNetwork();
    await cluster();
    const source = await register('web', [
      container('app', { environment: [{ name: 'DB_PASSWORD', value: PASSWORD }] }),
      container('sidecar', { user: '0:0', privileged: true, readonlyRootFilesystem: true, logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': 'x' } } }),
    ], { tags: [{ key: 'Owner', value: 'web-team' }] });
    const web = await service(net, 'web', source);
    // Same family, already compliant: not moved. Another family: not touched.
    const compliant = await register('web', [hardened('app')]);
    const canary = await service(net, 'web-canary', compliant);
    const other = await service(net, 'api', await register('api', [container('app')]));
    // The latest revision of `web` is the unsafe one again.
    const latest = await register('web', [
      container('app', { environment: [{ name: 'DB_PASSWORD', value: PASSWORD }] }),
      container('sidecar', { user: '0:0', privileged: true, readonlyRootFilesystem: true, logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': 'x' } } }),
    ], { tags: [{ key: 'Owner', value: 'web-team' }] });
    return { net, source, web, canary, other, latest };
  }

  test('registers a compliant revision and points the service at it; the plan shows each field change', async () => {
    const s = await unsafeService();
    const { inspection, applied, verified } = await remediate(hardenTaskDefinition, hardenFinding(s.source));
    const { plan } = inspection;
    expect(inspection.stillViolating).toBe(true);
    expect(inspection.tags).toEqual({ Owner: 'web-team' });
    expect(plan.targets).toEqual([s.latest, s.web]);
    expect(plan.steps).toEqual(expect.arrayContaining([
      `register a new revision of web from web:3, tagged ${HARDENED_FROM}=${s.latest}, with:`,
      '  container app: user (absent) → 1000',
      '  container app: readonlyRootFilesystem (absent) → true',
      '  container app: logConfiguration (absent) → awslogs (group /ecs/web, region us-east-1, stream prefix app)',
      '  container sidecar: user 0:0 → 1000',
      '  container sidecar: privileged true → false',
      'UpdateService apps/web: taskDefinition web:1 → the hardened revision',
    ]));
    expect(plan.steps.join('\n')).not.toContain('web-canary');
    expect(JSON.stringify(plan)).not.toContain(PASSWORD);
    expect(applied).toEqual({ applied: [s.latest, s.web], alreadyGone: [] });
    expect(verified).toEqual({ verified: true, remaining: [] });

    const newArn = (await describeService(s.web)).taskDefinition!;
    expect(newArn).toMatch(/task-definition\/web:4$/);
    const out = await ecs().send(new DescribeTaskDefinitionCommand({ taskDefinition: newArn, include: ['TAGS'] }));
    const [app, sidecar] = out.taskDefinition!.containerDefinitions!;
    expect(app).toMatchObject({ user: '1000', readonlyRootFilesystem: true, logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/web', 'awslogs-region': REGION, 'awslogs-stream-prefix': 'app' } } });
    expect(app!.environment).toEqual([{ name: 'DB_PASSWORD', value: PASSWORD }]); // the workload keeps its config
    expect(sidecar).toMatchObject({ user: '1000', privileged: false, readonlyRootFilesystem: true });
    expect(out.tags).toEqual(expect.arrayContaining([{ key: 'Owner', value: 'web-team' }, { key: HARDENED_FROM, value: s.latest }]));
    expect((await describeService(s.canary)).taskDefinition).toBe(s.latest.replace(':3', ':2'));
    expect((await describeService(s.other)).taskDefinition).toMatch(/api:1$/);
  });

  test('re-running reuses the hardened revision: nothing to do, and a repeated apply registers nothing', async () => {
    const s = await unsafeService();
    const { inspection } = await remediate(hardenTaskDefinition, hardenFinding(s.source));
    const count = (await revisions('web')).length;

    const again = await hardenTaskDefinition.inspect(hardenFinding(s.source), clients, policy);
    expect(again.stillViolating).toBe(false);
    expect(await hardenTaskDefinition.apply(inspection.plan, clients)).toEqual({ applied: [], alreadyGone: [s.latest, s.web] });
    expect(await revisions('web')).toHaveLength(count);
  });

  test('an interrupted run (revision registered, service not moved) is finished by reusing the revision', async () => {
    const s = await unsafeService();
    const { inspection } = await remediate(hardenTaskDefinition, hardenFinding(s.source));
    const hardenedArn = (await describeService(s.web)).taskDefinition!;
    await ecs().send(new UpdateServiceCommand({ cluster: 'apps', service: s.web, taskDefinition: s.source }));

    const again = await hardenTaskDefinition.inspect(hardenFinding(s.source), clients, policy);
    expect(again.stillViolating).toBe(true);
    expect(again.plan.steps[0]).toBe(`reuse web:4, already registered by Warden from web:3 (tag ${HARDENED_FROM})`);
    expect(await hardenTaskDefinition.verify(again.plan, clients)).toEqual({ verified: false, remaining: [s.web] });
    expect(await hardenTaskDefinition.apply(again.plan, clients)).toEqual({ applied: [s.web], alreadyGone: [s.latest] });
    expect((await describeService(s.web)).taskDefinition).toBe(hardenedArn);
    expect(await revisions('web')).toHaveLength(4);
    expect(inspection.plan.targets).toEqual(again.plan.targets);
  });

  test('SYS_ADMIN counts as privileged: the hardened revision drops it from capabilities.add, keeps drop and the rest, and the plan says so', async () => {
    const net = await ecsNetwork();
    await cluster();
    const linuxParameters = { initProcessEnabled: true, capabilities: { add: ['SYS_ADMIN', 'NET_ADMIN'], drop: ['NET_RAW'] } };
    const source = await register('fuse', [{ ...hardened('mounter'), linuxParameters }]);
    const svc = await service(net, 'fuse', source);
    const { inspection, applied, verified } = await remediate(hardenTaskDefinition, finding('ecs-task-privileged', 'harden-task-definition', ref('AWS::ECS::TaskDefinition', source), ['mounter']));
    expect(inspection.plan.steps).toEqual(expect.arrayContaining([
      '  container mounter: linuxParameters.capabilities.add SYS_ADMIN, NET_ADMIN → NET_ADMIN',
      'check first: the containers must work without ALL / SYS_ADMIN (mounts, namespaces, raw devices); capabilities.drop is kept as it is',
    ]));
    expect(applied).toEqual({ applied: [source, svc], alreadyGone: [] });
    expect(verified).toEqual({ verified: true, remaining: [] });
    const hardenedArn = (await describeService(svc)).taskDefinition!;
    const out = await ecs().send(new DescribeTaskDefinitionCommand({ taskDefinition: hardenedArn }));
    expect(out.taskDefinition!.containerDefinitions![0]!.linuxParameters).toEqual({ initProcessEnabled: true, capabilities: { add: ['NET_ADMIN'], drop: ['NET_RAW'] } });
  });

  test('a compliant latest revision is not violating; Windows containers keep their user', async () => {
    await cluster();
    const compliant = await register('ok', [hardened('app')]);
    expect((await hardenTaskDefinition.inspect(hardenFinding(compliant), clients, policy)).stillViolating).toBe(false);
    const windows = await register('win', [container('app', { logConfiguration: { logDriver: 'awslogs', options: {} } })], {
      runtimePlatform: { operatingSystemFamily: 'WINDOWS_SERVER_2022_CORE' }, cpu: '1024', memory: '2048',
    });
    const { stillViolating } = await hardenTaskDefinition.inspect(hardenFinding(windows), clients, policy);
    expect(stillViolating).toBe(false);
  });
});

// ---------- disable-service-public-ip ----------

describe('disable-service-public-ip', () => {
  const publicIpFinding = (arn: string) => finding('ecs-service-public-ip', 'disable-service-public-ip', ref('AWS::ECS::Service', arn), [arn]);

  test('updates the service with the same subnets and groups, verifies, and reports no egress in a bare VPC', async () => {
    const net = await ecsNetwork();
    await cluster();
    const arn = await service(net, 'web', await register('web', [hardened('app')]), 'ENABLED');
    const { inspection, applied, verified } = await remediate(disableServicePublicIp, publicIpFinding(arn));
    expect(inspection.stillViolating).toBe(true);
    expect(inspection.plan.steps[0]).toBe(
      `UpdateService apps/web: networkConfiguration.awsvpcConfiguration = {subnets: [${net.subnet}], securityGroups: [${net.sg}], assignPublicIp: DISABLED} (was assignPublicIp ENABLED); ECS replaces the running tasks`,
    );
    expect(inspection.plan.steps[1]).toContain('no NAT/endpoints: tasks lose egress');
    expect(inspection.plan.steps[1]).toContain('ecr.api, ecr.dkr, s3, logs');
    expect(applied).toEqual({ applied: [arn], alreadyGone: [] });
    expect(verified).toEqual({ verified: true, remaining: [] });
    expect((await describeService(arn)).networkConfiguration!.awsvpcConfiguration).toEqual({
      subnets: [net.subnet], securityGroups: [net.sg], assignPublicIp: 'DISABLED',
    });
    expect(await disableServicePublicIp.apply(inspection.plan, clients)).toEqual({ applied: [], alreadyGone: [arn] });
    expect((await disableServicePublicIp.inspect(publicIpFinding(arn), clients, policy)).stillViolating).toBe(false);
  });

  test('verify fails while the service still assigns public IPs', async () => {
    const net = await ecsNetwork();
    await cluster();
    const arn = await service(net, 'web', await register('web', [hardened('app')]), 'ENABLED');
    const { plan } = await disableServicePublicIp.inspect(publicIpFinding(arn), clients, policy);
    expect(await disableServicePublicIp.verify(plan, clients)).toEqual({ verified: false, remaining: [arn] });
  });

  test('reports "NAT present" when the subnet routes 0.0.0.0/0 to a NAT gateway', async () => {
    const net = await ecsNetwork();
    await cluster();
    const allocation = (await ec2().send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId!;
    const nat = (await ec2().send(new CreateNatGatewayCommand({ SubnetId: net.subnet, AllocationId: allocation }))).NatGateway!.NatGatewayId!;
    const table = (await ec2().send(new CreateRouteTableCommand({ VpcId: net.vpc }))).RouteTable!.RouteTableId!;
    await ec2().send(new CreateRouteCommand({ RouteTableId: table, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: nat }));
    await ec2().send(new AssociateRouteTableCommand({ RouteTableId: table, SubnetId: net.subnet }));
    const arn = await service(net, 'web', await register('web', [hardened('app')]), 'ENABLED');
    const { plan } = await disableServicePublicIp.inspect(publicIpFinding(arn), clients, policy);
    expect(plan.steps[1]).toBe(`egress without a public IP: NAT present (${net.subnet} → ${nat})`);
    expect(plan.details).toMatchObject({ egress: { vpcId: net.vpc, subnets: [{ subnetId: net.subnet, routeTableId: table, natGatewayId: nat }] } });
  });

  test('reports the VPC endpoints when all four exist (main route table, no NAT)', async () => {
    const net = await ecsNetwork();
    await cluster();
    for (const name of ['ecr.api', 'ecr.dkr', 'logs']) {
      await ec2().send(new CreateVpcEndpointCommand({ VpcId: net.vpc, ServiceName: `com.amazonaws.${REGION}.${name}`, VpcEndpointType: 'Interface', SubnetIds: [net.subnet] }));
    }
    await ec2().send(new CreateVpcEndpointCommand({ VpcId: net.vpc, ServiceName: `com.amazonaws.${REGION}.s3`, VpcEndpointType: 'Gateway' }));
    const arn = await service(net, 'web', await register('web', [hardened('app')]), 'ENABLED');
    const { plan } = await disableServicePublicIp.inspect(publicIpFinding(arn), clients, policy);
    expect(plan.steps[1]).toContain('VPC endpoints present for ecr.api, ecr.dkr, s3, logs');
    expect((plan.details as { egress: { subnets: { routeTableId?: string }[] } }).egress.subnets[0]!.routeTableId).toMatch(/^rtb-/);
  });
});

// ---------- move-env-secrets ----------

describe('move-env-secrets', () => {
  test('plans secrets, secrets[] entries, role grants and the revisions holding the values, without any value', async () => {
    const net = await ecsNetwork();
    await cluster();
    const role = `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`;
    const env = (password: string) => [{ name: 'DB_PASSWORD', value: password }, { name: 'CONFIG', value: ACCESS_KEY }, { name: 'LOG_LEVEL', value: 'info' }];
    const first = await register('web', [container('app', { environment: env('old-password-1') })]);
    const second = await register('web', [container('app', { environment: env(PASSWORD) })]);
    const latest = await register('web', [container('app', { environment: env(PASSWORD), secrets: [{ name: 'API_TOKEN', valueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:t' }] })], { executionRoleArn: role });
    const web = await service(net, 'web', latest);

    const { stillViolating, plan } = await moveEnvSecrets.inspect(finding('ecs-task-env-secrets', 'move-env-secrets', ref('AWS::ECS::TaskDefinition', first)), clients, policy);
    expect(moveEnvSecrets.apply).toBeUndefined();
    expect(stillViolating).toBe(true);
    expect(plan.targets).toEqual(['app/DB_PASSWORD', 'app/CONFIG']);
    const text = plan.steps.join('\n');
    expect(text).toContain('create Secrets Manager secret web/app/DB_PASSWORD');
    expect(text).toContain(`grant ${role} secretsmanager:GetSecretValue on arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:web/app/CONFIG-XXXXXX, plus kms:Decrypt`);
    expect(text).toContain(`app: { name: DB_PASSWORD, valueFrom: arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:web/app/DB_PASSWORD-XXXXXX }`);
    expect(text).toContain('UpdateService to the new revision: web');
    expect(text).toContain('rotate the leaked credential(s) DB_PASSWORD, CONFIG');
    // web:1 shares the access key (CONFIG), so it holds a leaked value too.
    expect(plan.details).toMatchObject({ revisionsHoldingValues: [latest, second, first], services: [web] });
    expect(text).not.toContain('API_TOKEN');
    for (const value of [PASSWORD, ACCESS_KEY, 'old-password-1']) expect(JSON.stringify(plan)).not.toContain(value);
  });

  test('only revisions with the same value are listed; deregistered ones are searched too', async () => {
    await cluster();
    const first = await register('web', [container('app', { environment: [{ name: 'DB_PASSWORD', value: 'old' }] })]);
    const second = await register('web', [container('app', { environment: [{ name: 'DB_PASSWORD', value: PASSWORD }] })]);
    await ecs().send(new DeregisterTaskDefinitionCommand({ taskDefinition: second }));
    const latest = await register('web', [container('app', { environment: [{ name: 'DB_PASSWORD', value: PASSWORD }] })]);
    const { plan } = await moveEnvSecrets.inspect(finding('ecs-task-env-secrets', 'move-env-secrets', ref('AWS::ECS::TaskDefinition', latest)), clients, policy);
    expect(plan.details).toMatchObject({ revisionsHoldingValues: [latest, second] });
    expect(plan.details!.revisionsHoldingValues).not.toContain(first);
  });

  test('a family without secret-like env vars is not violating', async () => {
    await cluster();
    const td = await register('web', [container('app', { environment: [{ name: 'LOG_LEVEL', value: 'info' }] })]);
    expect((await moveEnvSecrets.inspect(finding('ecs-task-env-secrets', 'move-env-secrets', ref('AWS::ECS::TaskDefinition', td)), clients, policy)).stillViolating).toBe(false);
  });
});

// ---------- notify-owner ----------

describe('notify-owner', () => {
  test('host network: re-checked live, the plan says move to awsvpc', async () => {
    await cluster();
    const td = await register('agent', [hardened('app')], { networkMode: 'host', requiresCompatibilities: ['EC2'] });
    const { stillViolating, plan } = await notifyOwner.inspect(finding('ecs-task-host-network', 'notify-owner', ref('AWS::ECS::TaskDefinition', td)), clients, policy);
    expect(stillViolating).toBe(true);
    expect(plan.steps.join('\n')).toContain('move to awsvpc');
    expect(notifyOwner.apply).toBeUndefined();
  });

  test('untrusted image: the plan names the ECR repository to push to', async () => {
    await cluster();
    const td = await register('web', [hardened('app'), { ...hardened('proxy'), image: 'nginx:1.27' }]);
    const { plan } = await notifyOwner.inspect(finding('ecs-task-untrusted-image', 'notify-owner', ref('AWS::ECS::TaskDefinition', td), ['proxy']), clients, policy);
    expect(plan.targets).toEqual(['proxy']);
    expect(plan.steps[0]).toContain(`push the image to ECR: nginx:1.27 → ${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/library/nginx:1.27`);
  });

  test('dangerous capabilities and host devices: re-checked live, the plan says what to remove (or keep on purpose)', async () => {
    await cluster();
    const wireguard = { ...hardened('wireguard'), linuxParameters: { capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] }, devices: [{ hostPath: '/dev/net/tun' }] } };
    const td = await register('vpn', [hardened('app'), wireguard], { networkMode: 'bridge', requiresCompatibilities: ['EC2'] });
    const f = finding('ecs-task-dangerous-capabilities', 'notify-owner', ref('AWS::ECS::TaskDefinition', td), ['wireguard']);
    const { stillViolating, plan } = await notifyOwner.inspect(f, clients, policy);
    expect(stillViolating).toBe(true);
    expect(plan.targets).toEqual(['wireguard']);
    expect(plan.steps[0]).toContain('wireguard adds NET_ADMIN; wireguard maps host devices /dev/net/tun (read, write, mknod)');
    expect(plan.steps[1]).toBe(
      'register a new revision of vpn without them: remove the capabilities from linuxParameters.capabilities.add (keep capabilities.drop) and the host devices from linuxParameters.devices of wireguard, then UpdateService its services to it',
    );
    const fixed = await register('vpn', [hardened('app'), hardened('wireguard')], { networkMode: 'bridge', requiresCompatibilities: ['EC2'] });
    expect((await notifyOwner.inspect({ ...f, resource: ref('AWS::ECS::TaskDefinition', fixed) }, clients, policy)).stillViolating).toBe(false);
  });

  test('a task definition that no longer fails (or no longer exists) is not violating', async () => {
    await cluster();
    const td = await register('web', [hardened('app')]);
    expect((await notifyOwner.inspect(finding('ecs-task-host-network', 'notify-owner', ref('AWS::ECS::TaskDefinition', td)), clients, policy)).stillViolating).toBe(false);
    await ecs().send(new DeregisterTaskDefinitionCommand({ taskDefinition: td }));
    expect((await notifyOwner.inspect(finding('ecs-task-host-network', 'notify-owner', ref('AWS::ECS::TaskDefinition', td)), clients, policy)).stillViolating).toBe(false);
  });

  test("a service on a non-compliant revision: which controls fail, and harden-task-definition's plan", async () => {
    const net = await ecsNetwork();
    await cluster();
    const arn = await service(net, 'web', await register('web', [container('app')]));
    const { stillViolating, plan, tags } = await notifyOwner.inspect(
      finding('ecs-service-noncompliant-task-definition', 'notify-owner', ref('AWS::ECS::Service', arn), [arn]), clients, policy,
    );
    expect(stillViolating).toBe(true);
    expect(tags).toEqual({ Owner: 'web-team' });
    const text = plan.steps.join('\n');
    expect(text).toContain('fails ecs-task-root-user (app): fix with harden-task-definition');
    expect(text).toContain('harden-task-definition:   container app: user (absent) → 1000');
    expect(text).toContain('harden-task-definition: UpdateService apps/web: taskDefinition web:1 → the hardened revision');
  });

  test('account Container Insights: PutAccountSettingDefault (no live read for account settings)', async () => {
    const f = finding('ecs-cluster-container-insights', 'notify-owner', ref('AWS::::Account', ACCOUNT));
    const { stillViolating, plan } = await notifyOwner.inspect(f, clients, policy);
    expect(stillViolating).toBe(true);
    expect(plan.steps[0]).toContain('PutAccountSettingDefault name=containerInsights value=enabled');
  });
});

// ---------- readEcsResource (triage live state) ----------

describe('readEcsResource', () => {
  const flagged: Facts = { kind: 'flagged', flaggedBy: 'test' };

  test('a task definition: facts with secret verdicts and no values; tags; INACTIVE is gone', async () => {
    const td = await register('web', [container('app', { environment: [{ name: 'DB_PASSWORD', value: PASSWORD }, { name: 'CONFIG', value: ACCESS_KEY }, { name: 'MODE', value: 'x' }], secrets: [{ name: 'TOKEN', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/t' }] })], { tags: [{ key: 'Owner', value: 'web-team' }] });
    const live = await readEcsResource(ref('AWS::ECS::TaskDefinition', td), flagged, triageClients);
    expect(live?.tags).toEqual({ Owner: 'web-team' });
    expect(live?.facts).toEqual({
      kind: 'ecs-task-definition',
      taskDefinition: expect.objectContaining({
        family: 'web', revision: 1, arn: td, networkMode: 'awsvpc',
        containers: [expect.objectContaining({
          name: 'app', logging: false, secrets: ['TOKEN'],
          environment: [{ name: 'DB_PASSWORD', secretLike: 'name' }, { name: 'CONFIG', secretLike: 'value' }, { name: 'MODE' }],
        })],
      }),
    });
    expect(JSON.stringify(live)).not.toContain(PASSWORD);
    expect((await readEcsResource(ref('AWS::ECS::TaskDefinition', 'web'), flagged, triageClients))?.facts).toMatchObject({ taskDefinition: { arn: td } });
    await ecs().send(new DeregisterTaskDefinitionCommand({ taskDefinition: td }));
    expect(await readEcsResource(ref('AWS::ECS::TaskDefinition', td), flagged, triageClients)).toBeUndefined();
    expect(await readEcsResource(ref('AWS::ECS::TaskDefinition', 'nope:1'), flagged, triageClients)).toBeUndefined();
  });

  test('a service: network facts, tags and the task definition it runs; a missing service is gone', async () => {
    const net = await ecsNetwork();
    await cluster();
    const td = await register('web', [container('app')]);
    const arn = await service(net, 'web', td, 'ENABLED');
    const live = await readEcsResource(ref('AWS::ECS::Service', arn), flagged, triageClients);
    expect(live?.tags).toEqual({ Owner: 'web-team' });
    expect(live?.facts).toMatchObject({
      kind: 'ecs-service',
      service: { cluster: 'apps', serviceName: 'web', arn, taskDefinition: td, assignPublicIp: 'ENABLED', subnets: [net.subnet], securityGroups: [net.sg], definition: { family: 'web', revision: 1 } },
    });
    expect(await readEcsResource(ref('AWS::ECS::Service', arn.replace('/web', '/gone')), flagged, triageClients)).toBeUndefined();
    expect(await readEcsResource(ref('AWS::ECS::Service', arn.replace('/apps/', '/nocluster/')), flagged, triageClients)).toBeUndefined();
  });

  test('a task run: only tasks still running, with group and the definition; all stopped is gone', async () => {
    const net = await ecsNetwork();
    await cluster();
    const td = await register('batch', [container('job')], { tags: [{ key: 'Owner', value: 'batch-team' }] });
    const tasks = await run(net, td, { count: 2, group: 'service:jobs' });
    const hint: Facts = { kind: 'ecs-task-run', run: { cluster: 'apps', taskDefinition: td, tasks } };
    await stopEcsTasks.apply({ action: 'stop-ecs-tasks', resource: ref('AWS::ECS::Task', tasks[0]!), targets: [tasks[0]!], steps: [], details: { cluster: 'apps', reason: 'test' } }, clients);
    const live = await readEcsResource(ref('AWS::ECS::Task', tasks[0]!), hint, triageClients);
    expect(live?.tags).toEqual({ Owner: 'batch-team' });
    expect(live?.facts).toMatchObject({ kind: 'ecs-task-run', run: { cluster: 'apps', taskDefinition: td, tasks: [tasks[1]], group: 'service:jobs', definition: { family: 'batch' } } });
    await stopEcsTasks.apply({ action: 'stop-ecs-tasks', resource: ref('AWS::ECS::Task', tasks[1]!), targets: [tasks[1]!], steps: [], details: { cluster: 'apps', reason: 'test' } }, clients);
    expect(await readEcsResource(ref('AWS::ECS::Task', tasks[0]!), hint, triageClients)).toBeUndefined();
  });

  test('a task definition: capabilities and host devices reach the facts', async () => {
    const td = await register('vpn', [container('wireguard', { linuxParameters: { capabilities: { add: ['NET_ADMIN'] }, devices: [{ hostPath: '/dev/net/tun', permissions: ['read', 'write'] }] } })], {
      requiresCompatibilities: ['EC2'], networkMode: 'bridge',
    });
    const live = await readEcsResource(ref('AWS::ECS::TaskDefinition', td), flagged, triageClients);
    expect(live?.facts).toMatchObject({ taskDefinition: { containers: [{ name: 'wireguard', capabilitiesAdded: ['NET_ADMIN'], devices: [{ hostPath: '/dev/net/tun', permissions: ['read', 'write'] }] }] } });
  });

  test('a task run with a secret in its overrides: verdicts from the live task; once every task ended the run is still read (ended), without one it is gone', async () => {
    const net = await ecsNetwork();
    await cluster();
    const td = await register('migrate', [container('job')], { tags: [{ key: 'Owner', value: 'db-team' }] });
    const out = await ecs().send(new RunTaskCommand({
      cluster: 'apps', taskDefinition: td, launchType: 'FARGATE',
      overrides: { containerOverrides: [{ name: 'job', environment: [{ name: 'DB_PASSWORD', value: PASSWORD }, { name: 'MODE', value: 'full' }] }] },
      networkConfiguration: { awsvpcConfiguration: { subnets: [net.subnet], securityGroups: [net.sg], assignPublicIp: 'DISABLED' } },
    }));
    const task = out.tasks![0]!.taskArn!;
    const overrides: TaskRunFacts['environmentOverrides'] = [{ container: 'job', environment: [{ name: 'DB_PASSWORD', secretLike: 'name' }, { name: 'MODE' }] }];
    // Read with a hint that carries no overrides (a flagged resource, or an event without them): the live task's.
    const bare: Facts = { kind: 'ecs-task-run', run: { cluster: 'apps', taskDefinition: td, tasks: [task] } };
    const running = await readEcsResource(ref('AWS::ECS::Task', task), bare, triageClients);
    expect(running?.facts).toMatchObject({ run: { tasks: [task], environmentOverrides: overrides } });
    expect(JSON.stringify(running)).not.toContain(PASSWORD);

    await stopEcsTasks.apply({ action: 'stop-ecs-tasks', resource: ref('AWS::ECS::Task', task), targets: [task], steps: [], details: { cluster: 'apps', reason: 'test' } }, clients);
    const run: TaskRunFacts = { cluster: 'apps', taskDefinition: td, tasks: [task], environmentOverrides: overrides };
    const hint: Facts = { kind: 'ecs-task-run', run };
    expect(await readEcsResource(ref('AWS::ECS::Task', task), hint, triageClients)).toEqual({
      facts: { kind: 'ecs-task-run', run: { cluster: 'apps', taskDefinition: td, tasks: [task], environmentOverrides: overrides, ended: true } },
      tags: { Owner: 'db-team' },
    });
    const settingsOnly: Facts = { kind: 'ecs-task-run', run: { ...run, environmentOverrides: [{ container: 'job', environment: [{ name: 'MODE' }] }] } };
    expect(await readEcsResource(ref('AWS::ECS::Task', task), settingsOnly, triageClients)).toBeUndefined();
  });

  test('a cluster: Container Insights setting and tags; a missing cluster is gone', async () => {
    const arn = (await ecs().send(new CreateClusterCommand({ clusterName: 'insights', settings: [{ name: 'containerInsights', value: 'enhanced' }], tags: [{ key: 'Owner', value: 'ops' }] }))).cluster!.clusterArn!;
    expect(await readEcsResource(ref('AWS::ECS::Cluster', arn), flagged, triageClients)).toEqual({
      facts: { kind: 'ecs-cluster', cluster: { clusterName: 'insights', arn, containerInsights: 'enhanced' } },
      tags: { Owner: 'ops' },
    });
    expect(await readEcsResource(ref('AWS::ECS::Cluster', arn.replace('insights', 'gone')), flagged, triageClients)).toBeUndefined();
  });
});

expectDeclaredCalls();
