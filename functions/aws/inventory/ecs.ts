import type { Cluster, ECSClient, Service, Task, TaskDefinition } from '@aws-sdk/client-ecs';
import { isServiceGroup } from '../../domain/controls/ecs-task-root-or-privileged';
import { clusterRef, serviceRef, taskDefinitionRef, taskRef } from '../../domain/events/refs';
import type { ScannedResource } from '../../domain/scan';
import type { Tags } from '../../domain/model';
import {
  describeClusters, describeServices, describeTaskDefinition, describeTasks, isTaskLive, listClusters, listFamilies,
  listServices, listTasks, nameOf, toEnvironmentOverrides,
} from '../ecs';
import { clusterLive, serviceLive, taskDefinitionLive, taskRunLive } from '../live-ecs';
import { mapLimit, PARALLEL, whereOfArn, type Inventory, type OnGap } from './kit';

type Described = { taskDefinition: TaskDefinition; tags: Tags };

/**
 * The ECS resources of a Region, read as the event path's live read reads each one (live-ecs.ts):
 * - clusters (DescribeClusters with settings and tags, 100 a call);
 * - each cluster's services (10 a call) and standalone running tasks (ListTasks desiredStatus RUNNING, 100 a call;
 *   tasks of a service are the service's business), one task run per cluster, revision, group and startedBy;
 * - task definitions: the latest ACTIVE revision of each family (ListTaskDefinitionFamilies, then DescribeTaskDefinition
 *   of the family), and every revision a service or a standalone task runs (an INACTIVE one is judged through them).
 */
export async function ecsInventory(ecs: ECSClient, region: string, gap: OnGap): Promise<Inventory> {
  const clusters = await describeClusters(ecs, await listClusters(ecs));
  const services: Service[] = [];
  const tasks: Task[] = [];
  for (const cluster of clusters) {
    const arn = cluster.clusterArn ?? cluster.clusterName ?? '';
    const name = cluster.clusterName ?? nameOf(arn);
    const orGap = async <T>(what: string, read: () => Promise<T[]>): Promise<T[]> => {
      try {
        return await read();
      } catch (err) {
        gap(`${what} of cluster ${name}`, err);
        return [];
      }
    };
    const [inCluster, running] = await Promise.all([
      orGap('services', async () => describeServices(ecs, arn, await listServices(ecs, arn))),
      orGap('tasks', async () => describeTasks(ecs, arn, await listTasks(ecs, arn))),
    ]);
    services.push(...inCluster.filter((s) => s.status !== 'INACTIVE'));
    tasks.push(...running.filter((t) => isTaskLive(t) && !isServiceGroup(t.group)));
  }
  const definitions = await taskDefinitions(ecs, gap, [...services.map((s) => s.taskDefinition), ...tasks.map((t) => t.taskDefinitionArn)]);
  const active = [...definitions.values()].filter((d): d is Described => d?.taskDefinition.status === 'ACTIVE');
  return {
    'ECS clusters': clusters.map((c) => clusterResource(c, region)),
    'ECS services': services.map((s) => serviceResource(s, region, definitions)),
    'ECS task runs': taskRuns(tasks).map((run) => taskRunResource(run, region, definitions)),
    'ECS task definitions': active.map((d) => {
      const arn = d.taskDefinition.taskDefinitionArn ?? '';
      return { ref: taskDefinitionRef(whereOfArn(arn, region), d.taskDefinition.family ?? '', arn), ...taskDefinitionLive(d) };
    }),
  };
}

/**
 * Task definitions by ARN: the latest ACTIVE revision of each family, then each revision in `named` not read yet.
 * A revision that cannot be described is left out (it no longer exists); a failed read is a gap.
 */
async function taskDefinitions(ecs: ECSClient, gap: OnGap, named: (string | undefined)[]): Promise<Map<string, Described | undefined>> {
  const byArn = new Map<string, Described | undefined>();
  const read = async (which: string, what: string) => {
    const found = await describeTaskDefinition(ecs, which).catch((err: unknown) => void gap(what, err));
    if (found?.taskDefinition.taskDefinitionArn) byArn.set(found.taskDefinition.taskDefinitionArn, found);
  };
  const families = await listFamilies(ecs).catch((err: unknown) => (gap('task-definition families', err), []));
  await mapLimit(families, PARALLEL, (family) => read(family, `task definition family ${family}`));
  const rest = [...new Set(named.filter((a): a is string => !!a))].filter((a) => !byArn.has(a));
  await mapLimit(rest, PARALLEL, (arn) => read(arn, `task definition ${arn}`));
  return byArn;
}

const clusterResource = (c: Cluster, region: string): ScannedResource => {
  const arn = c.clusterArn ?? '';
  return { ref: clusterRef(whereOfArn(arn, region), c.clusterName ?? nameOf(arn), arn || undefined), ...clusterLive(c) };
};

function serviceResource(s: Service, region: string, definitions: Map<string, Described | undefined>): ScannedResource {
  const arn = s.serviceArn ?? '';
  const cluster = nameOf(s.clusterArn ?? 'default');
  const td = s.taskDefinition ? definitions.get(s.taskDefinition)?.taskDefinition : undefined;
  return { ref: serviceRef(whereOfArn(arn, region), cluster, s.serviceName ?? nameOf(arn), arn || undefined), ...serviceLive(s, td) };
}

/** Standalone tasks grouped as one call would have started them: same cluster, revision, group and startedBy. */
function taskRuns(tasks: Task[]): [Task, ...Task[]][] {
  const runs = new Map<string, [Task, ...Task[]]>();
  for (const t of tasks) {
    const key = JSON.stringify([t.clusterArn, t.taskDefinitionArn, t.group ?? '', t.startedBy ?? '']);
    const run = runs.get(key);
    if (run) run.push(t);
    else runs.set(key, [t]);
  }
  return [...runs.values()];
}

function taskRunResource(run: [Task, ...Task[]], region: string, definitions: Map<string, Described | undefined>): ScannedResource {
  const [first] = run;
  const td = definitions.get(first.taskDefinitionArn ?? '');
  const live = taskRunLive({ cluster: nameOf(first.clusterArn ?? 'default') }, run, td, toEnvironmentOverrides(first));
  return { ref: taskRef(whereOfArn(first.taskArn ?? '', region), first.taskArn ?? ''), ...live };
}
