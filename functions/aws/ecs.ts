import {
  DescribeClustersCommand, DescribeServicesCommand, DescribeTaskDefinitionCommand, DescribeTasksCommand,
  ListClustersCommand, ListServicesCommand, ListTaskDefinitionFamiliesCommand, ListTaskDefinitionsCommand, ListTasksCommand,
  RegisterTaskDefinitionCommand,
  StopTaskCommand, UpdateClusterSettingsCommand, UpdateServiceCommand,
  type Cluster, type ECSClient, type RegisterTaskDefinitionCommandInput, type Service, type Tag, type Task,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { containerFacts, environmentFacts } from '../domain/events/task-definition';
import type { ClusterFacts, ServiceFacts, Tags, TaskDefinitionFacts, TaskRunFacts } from '../domain/model';
import { errorName, rethrowThrottling } from './errors';
import './clients/ecs'; // ActionClients.ecs() (aws/client-cache.ts)

/** Small typed wrappers over the ECS calls Warden makes, and the mapping of SDK shapes to the model's facts. */

export const toTags = (tags: Tag[] | undefined): Tags =>
  Object.fromEntries((tags ?? []).map((t) => [t.key ?? '', t.value ?? '']));
const fromTags = (tags: Tags): Tag[] => Object.entries(tags).map(([key, value]) => ({ key, value }));

/** `arn:…:task-definition/web:3`, `web:3` or `web` → `web`. */
export const familyOf = (taskDefinition: string): string =>
  (taskDefinition.split(':task-definition/').pop() ?? taskDefinition).split(':')[0] ?? taskDefinition;

/** The last path segment of an ECS ARN, or the name itself. */
export const nameOf = (nameOrArn: string): string => (nameOrArn.startsWith('arn:') ? nameOrArn.split('/').pop() ?? nameOrArn : nameOrArn);

/** `…:task/<cluster>/<id>` → cluster; the old short format (`task/<id>`) names none. */
export function clusterOfTask(taskArn: string): string | undefined {
  const parts = taskArn.split(':task/')[1]?.split('/');
  return parts && parts.length === 2 ? parts[0] : undefined;
}

/** `…:service/<cluster>/<name>` → both; the old format (`service/<name>`) runs on the default cluster. */
export function serviceOfArn(serviceArn: string): { cluster: string; service: string } {
  const parts = (serviceArn.split(':service/')[1] ?? serviceArn).split('/');
  return parts.length >= 2 ? { cluster: parts[0]!, service: parts[1]! } : { cluster: 'default', service: parts[0]! };
}

// ---------- paging and batching ----------

/** Every item of a paginated List call; `page` returns one page's items and the next token. */
async function listAll(page: (nextToken: string | undefined) => Promise<[string[] | undefined, string | undefined]>): Promise<string[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const [items, next] = await page(nextToken);
    arns.push(...(items ?? []));
    nextToken = next;
  } while (nextToken);
  return arns;
}

/** A cluster-scoped read: nothing when the cluster is gone; throttling becomes Warden.Throttled. */
const unlessClusterGone = <T>(read: Promise<T[]>): Promise<T[]> =>
  read.catch((err: unknown) => (errorName(err) === 'ClusterNotFoundException' ? [] : rethrowThrottling(err)));

/** A Describe call made `size` names at a time (the API limit), results in order. */
const inBatches = <T>(names: string[], size: number, describe: (batch: string[]) => Promise<T[] | undefined>): Promise<T[]> =>
  unlessClusterGone((async () => {
    const found: T[] = [];
    for (let i = 0; i < names.length; i += size) found.push(...((await describe(names.slice(i, i + size))) ?? []));
    return found;
  })());

// ---------- task definitions ----------

/** One revision (ARN, `family:rev`) or a family's latest ACTIVE revision, with its tags; undefined when unknown. */
export async function describeTaskDefinition(
  ecs: ECSClient, taskDefinition: string,
): Promise<{ taskDefinition: TaskDefinition; tags: Tags } | undefined> {
  try {
    const out = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition, include: ['TAGS'] }));
    return out.taskDefinition ? { taskDefinition: out.taskDefinition, tags: toTags(out.tags) } : undefined;
  } catch (err) {
    // ECS answers ClientException "Unable to describe task definition." for an unknown family or revision (other
    // ClientExceptions, e.g. permissions, are real errors).
    if (errorName(err) === 'ClientException' && /unable to describe task definition/i.test((err as Error).message)) return undefined;
    return rethrowThrottling(err);
  }
}

/** ARNs of a family's revisions, newest first (ECS may ignore `sort`, so it is sorted here). */
export async function listRevisions(ecs: ECSClient, family: string, status: 'ACTIVE' | 'INACTIVE' = 'ACTIVE'): Promise<string[]> {
  const arns = await listAll(async (nextToken) => {
    const page = await ecs
      .send(new ListTaskDefinitionsCommand({ familyPrefix: family, status, sort: 'DESC', nextToken }))
      .catch(rethrowThrottling);
    return [page.taskDefinitionArns, page.nextToken];
  });
  return arns.filter((a) => familyOf(a) === family).sort((a, b) => revisionOf(b) - revisionOf(a));
}

/** Families with at least one ACTIVE revision. */
export const listFamilies = (ecs: ECSClient): Promise<string[]> =>
  listAll(async (nextToken) => {
    const page = await ecs.send(new ListTaskDefinitionFamiliesCommand({ status: 'ACTIVE', nextToken })).catch(rethrowThrottling);
    return [page.families, page.nextToken];
  });

export const revisionOf = (taskDefinition: string): number => Number(/:(\d+)$/.exec(taskDefinition)?.[1] ?? 0);

/** Keys DescribeTaskDefinition returns that RegisterTaskDefinition does not accept. */
const READ_ONLY_KEYS = [
  'taskDefinitionArn', 'revision', 'status', 'requiresAttributes', 'compatibilities', 'registeredAt', 'registeredBy',
  'deregisteredAt', 'deleteRequestedAt',
] as const;

/** A described revision as RegisterTaskDefinition input: read-only keys stripped, tags attached. */
export function registerInputOf(td: TaskDefinition, tags: Tags): RegisterTaskDefinitionCommandInput {
  const input: Record<string, unknown> = { ...td };
  for (const key of READ_ONLY_KEYS) delete input[key];
  const tagList = fromTags(tags);
  return { ...(input as unknown as RegisterTaskDefinitionCommandInput), ...(tagList.length ? { tags: tagList } : {}) };
}

export async function registerTaskDefinition(ecs: ECSClient, input: RegisterTaskDefinitionCommandInput): Promise<TaskDefinition> {
  const out = await ecs.send(new RegisterTaskDefinitionCommand(input)).catch(rethrowThrottling);
  if (!out.taskDefinition?.taskDefinitionArn) throw new Error(`RegisterTaskDefinition of ${input.family} returned no ARN`);
  return out.taskDefinition;
}

// ---------- services ----------

export const listClusters = (ecs: ECSClient): Promise<string[]> =>
  listAll(async (nextToken) => {
    const page = await ecs.send(new ListClustersCommand({ nextToken })).catch(rethrowThrottling);
    return [page.clusterArns, page.nextToken];
  });

/** Service ARNs of a cluster; none when the cluster is gone. */
export const listServices = (ecs: ECSClient, cluster: string): Promise<string[]> =>
  unlessClusterGone(listAll(async (nextToken) => {
    const page = await ecs.send(new ListServicesCommand({ cluster, nextToken }));
    return [page.serviceArns, page.nextToken];
  }));

/** Services with their tags (10 per call, the API limit). Missing services and clusters are left out. */
export const describeServices = (ecs: ECSClient, cluster: string, services: string[]): Promise<Service[]> =>
  inBatches(services, 10, async (batch) =>
    (await ecs.send(new DescribeServicesCommand({ cluster, services: batch, include: ['TAGS'] }))).services);

/** One service, or undefined when it is missing or INACTIVE (deleted). */
export async function describeService(ecs: ECSClient, serviceArn: string, cluster?: string): Promise<Service | undefined> {
  const where = cluster ?? serviceOfArn(serviceArn).cluster;
  const [service] = await describeServices(ecs, where, [serviceArn]);
  return service && service.status !== 'INACTIVE' ? service : undefined;
}

/**
 * ACTIVE services running any revision of a family: in one cluster when known, else in every cluster
 * (ListClusters, then ListServices + DescribeServices per cluster).
 */
export async function familyServices(ecs: ECSClient, family: string, cluster?: string): Promise<Service[]> {
  const found: Service[] = [];
  for (const c of cluster ? [cluster] : await listClusters(ecs)) {
    const services = await describeServices(ecs, c, await listServices(ecs, c));
    found.push(...services.filter((s) => s.status === 'ACTIVE' && familyOf(s.taskDefinition ?? '') === family));
  }
  return found;
}

const GONE_SERVICE = ['ServiceNotFoundException', 'ServiceNotActiveException', 'ClusterNotFoundException'];

/** UpdateService; `gone` when the service or its cluster no longer exists. */
export async function updateService(
  ecs: ECSClient, input: ConstructorParameters<typeof UpdateServiceCommand>[0],
): Promise<'updated' | 'gone'> {
  try {
    await ecs.send(new UpdateServiceCommand(input));
    return 'updated';
  } catch (err) {
    if (GONE_SERVICE.includes(errorName(err))) return 'gone';
    return rethrowThrottling(err);
  }
}

// ---------- tasks ----------

/** Tasks with their tags (100 per call, the API limit). Unknown tasks are left out. */
export const describeTasks = (ecs: ECSClient, cluster: string, tasks: string[]): Promise<Task[]> =>
  inBatches(tasks, 100, async (batch) =>
    (await ecs.send(new DescribeTasksCommand({ cluster, tasks: batch, include: ['TAGS'] }))).tasks);

/**
 * Task ARNs on a cluster that ECS still wants running (ListTasks' own filter: desiredStatus RUNNING), of one family or,
 * without one, all of them.
 */
export const listTasks = (ecs: ECSClient, cluster: string, family?: string): Promise<string[]> =>
  unlessClusterGone(listAll(async (nextToken) => {
    const page = await ecs.send(new ListTasksCommand({ cluster, family, desiredStatus: 'RUNNING', nextToken }));
    return [page.taskArns, page.nextToken];
  }));

/**
 * A task still runs (or is about to) while its desiredStatus is RUNNING or PENDING: the status ListTasks filters on.
 * ECS sets it to STOPPED whenever a task stops, whatever stopped it, so lastStatus adds nothing (and moto's
 * "immediate" progression reports lastStatus STOPPED for tasks that were never stopped).
 */
export const isTaskLive = (t: Task): boolean => t.desiredStatus === 'RUNNING' || t.desiredStatus === 'PENDING';

/** StopTask; `gone` when the task (or cluster) is unknown. Stopping a stopped task is a no-op in ECS. */
export async function stopTask(ecs: ECSClient, cluster: string, task: string, reason: string): Promise<'stopped' | 'gone'> {
  try {
    await ecs.send(new StopTaskCommand({ cluster, task, reason: reason.slice(0, 255) }));
    return 'stopped';
  } catch (err) {
    // "The referenced task was not found."
    if (errorName(err) === 'InvalidParameterException' && /not found/i.test((err as Error).message)) return 'gone';
    if (errorName(err) === 'ClusterNotFoundException') return 'gone';
    return rethrowThrottling(err);
  }
}

// ---------- clusters ----------

/** The cluster with settings and tags; undefined when MISSING or INACTIVE. */
export async function describeCluster(ecs: ECSClient, cluster: string): Promise<Cluster | undefined> {
  const out = await ecs
    .send(new DescribeClustersCommand({ clusters: [cluster], include: ['SETTINGS', 'TAGS'] }))
    .catch(rethrowThrottling);
  const found = out.clusters?.[0];
  return found && found.status !== 'INACTIVE' ? found : undefined;
}

/** Clusters with settings and tags (100 per call, the API limit); MISSING and INACTIVE ones are left out. */
export const describeClusters = async (ecs: ECSClient, clusters: string[]): Promise<Cluster[]> =>
  (await inBatches(clusters, 100, async (batch) =>
    (await ecs.send(new DescribeClustersCommand({ clusters: batch, include: ['SETTINGS', 'TAGS'] }))).clusters))
    .filter((c) => c.status !== 'INACTIVE');

/** Turn Container Insights on; false when the cluster no longer exists. */
export async function enableClusterInsights(ecs: ECSClient, cluster: string): Promise<boolean> {
  try {
    await ecs.send(new UpdateClusterSettingsCommand({ cluster, settings: [{ name: 'containerInsights', value: 'enabled' }] }));
    return true;
  } catch (err) {
    if (errorName(err) === 'ClusterNotFoundException') return false;
    return rethrowThrottling(err);
  }
}

// ---------- SDK shapes → facts (env values are inspected for secrets, then dropped) ----------

export function toTaskDefinitionFacts(td: TaskDefinition): TaskDefinitionFacts {
  const facts: TaskDefinitionFacts = {
    family: td.family ?? familyOf(td.taskDefinitionArn ?? ''),
    containers: (td.containerDefinitions ?? []).map((c) =>
      containerFacts({
        name: c.name ?? '',
        image: c.image,
        user: c.user,
        privileged: c.privileged,
        readonlyRootFilesystem: c.readonlyRootFilesystem,
        logDriver: c.logConfiguration?.logDriver,
        capabilitiesAdded: c.linuxParameters?.capabilities?.add,
        devices: c.linuxParameters?.devices?.map((d) => ({ hostPath: d.hostPath ?? '', containerPath: d.containerPath, permissions: d.permissions })),
        environment: (c.environment ?? []).map((e) => ({ name: e.name ?? '', value: e.value })),
        secrets: (c.secrets ?? []).map((s) => ({ name: s.name ?? '' })),
      }),
    ),
  };
  if (td.revision !== undefined) facts.revision = td.revision;
  if (td.taskDefinitionArn) facts.arn = td.taskDefinitionArn;
  if (td.networkMode) facts.networkMode = td.networkMode;
  if (td.pidMode) facts.pidMode = td.pidMode;
  if (td.runtimePlatform?.operatingSystemFamily) facts.osFamily = td.runtimePlatform.operatingSystemFamily;
  if (td.taskRoleArn) facts.taskRoleArn = td.taskRoleArn;
  if (td.executionRoleArn) facts.executionRoleArn = td.executionRoleArn;
  return facts;
}

/** A task's environment overrides (values judged, then dropped), per container. */
export const toEnvironmentOverrides = (task: Task | undefined): NonNullable<TaskRunFacts['environmentOverrides']> =>
  (task?.overrides?.containerOverrides ?? [])
    .filter((o) => (o.environment ?? []).length > 0)
    .map((o) => ({
      container: o.name ?? '(unnamed)',
      environment: environmentFacts((o.environment ?? []).map((e) => ({ name: e.name ?? '', value: e.value }))),
    }));

export function toServiceFacts(s: Service, definition?: TaskDefinitionFacts): ServiceFacts {
  const vpc = s.networkConfiguration?.awsvpcConfiguration;
  const facts: ServiceFacts = {
    cluster: nameOf(s.clusterArn ?? (s.serviceArn ? serviceOfArn(s.serviceArn).cluster : 'default')),
    serviceName: s.serviceName ?? nameOf(s.serviceArn ?? ''),
  };
  if (s.serviceArn) facts.arn = s.serviceArn;
  if (s.taskDefinition) facts.taskDefinition = s.taskDefinition;
  if (vpc?.assignPublicIp) facts.assignPublicIp = vpc.assignPublicIp;
  if (vpc?.subnets) facts.subnets = [...vpc.subnets];
  if (vpc?.securityGroups) facts.securityGroups = [...vpc.securityGroups];
  if (definition) facts.definition = definition;
  return facts;
}

export function toClusterFacts(c: Cluster): ClusterFacts {
  const facts: ClusterFacts = { clusterName: c.clusterName ?? nameOf(c.clusterArn ?? '') };
  if (c.clusterArn) facts.arn = c.clusterArn;
  const insights = c.settings?.find((s) => s.name === 'containerInsights')?.value;
  if (insights) facts.containerInsights = insights;
  return facts;
}
