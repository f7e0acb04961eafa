import {
  DescribeNetworkInterfacesCommand, DescribeSecurityGroupsCommand, type EC2Client, type NetworkInterface, type SecurityGroup,
} from '@aws-sdk/client-ec2';
import { TagResourceCommand, type ECSClient, type Task, type TaskDefinition } from '@aws-sdk/client-ecs';
import type { Tags } from '../domain/model';
import { describeKnown, rethrowThrottling } from './errors';
import './clients/ec2'; // ActionClients.ec2() (aws/client-cache.ts)
import './clients/ecs'; // ActionClients.ecs() (aws/client-cache.ts)

/** Reads and tags the runbooks use to capture evidence. Every read tolerates a resource that is already gone. */

/** ENIs by id; ids that no longer exist are left out. */
export const describeEnis = (ec2: EC2Client, ids: string[]): Promise<NetworkInterface[]> =>
  describeKnown(ids, 'InvalidNetworkInterfaceID.NotFound', async (NetworkInterfaceIds) =>
    (await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds }))).NetworkInterfaces);

/** Security groups by id, with their rules; ids that no longer exist are left out. */
export const describeGroups = (ec2: EC2Client, ids: string[]): Promise<SecurityGroup[]> =>
  describeKnown(ids, 'InvalidGroup.NotFound', async (GroupIds) => (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds }))).SecurityGroups);

/** Tag an ECS resource (task, service, cluster). */
export async function tagEcsResource(ecs: ECSClient, resourceArn: string, tags: Tags): Promise<void> {
  await ecs
    .send(new TagResourceCommand({ resourceArn, tags: Object.entries(tags).map(([key, value]) => ({ key, value })) }))
    .catch(rethrowThrottling);
}

/** The ENI ids attached to an awsvpc task. */
export const taskEniIds = (task: Task): string[] =>
  (task.attachments ?? [])
    .filter((a) => a.type === 'ElasticNetworkInterface')
    .flatMap((a) => (a.details ?? []).filter((d) => d.name === 'networkInterfaceId').map((d) => d.value ?? ''))
    .filter(Boolean);

const redactEnv = <T extends { environment?: { name?: string; value?: string }[] }>(c: T): T =>
  c.environment ? { ...c, environment: c.environment.map((e) => ({ name: e.name, value: '[redacted]' })) } : c;

/** A task as evidence: environment values passed at RunTask (overrides) are dropped; names stay. */
export function redactedTask(task: Task): Task {
  const overrides = task.overrides;
  if (!overrides?.containerOverrides) return task;
  return { ...task, overrides: { ...overrides, containerOverrides: overrides.containerOverrides.map(redactEnv) } };
}

/** A task definition as evidence: environment values are dropped (they may hold secrets); names stay. */
export function redactedTaskDefinition(td: TaskDefinition): Record<string, unknown> {
  return {
    ...td,
    containerDefinitions: (td.containerDefinitions ?? []).map((c) => ({
      ...c,
      environment: (c.environment ?? []).map((e) => ({ name: e.name, value: '[redacted]' })),
    })),
  };
}
