import type { Cluster, ECSClient, Service, Task, TaskDefinition } from '@aws-sdk/client-ecs';
import type { Facts, ResourceRef, Tags, TaskRunFacts } from '../domain/model';
import {
  clusterOfTask, describeCluster, describeService, describeTaskDefinition, describeTasks, isTaskLive, serviceOfArn,
  toClusterFacts, toEnvironmentOverrides, toServiceFacts, toTaskDefinitionFacts, toTags,
} from './ecs';

/** Live facts + tags of ECS resources, for triage and `warden evaluate --live`. Env values never leave ecs.ts. */

export type LiveFacts = { facts: Facts; tags: Tags } | undefined;

/**
 * The live facts of an ECS resource, or undefined when it is gone (INACTIVE task definition or service, MISSING or
 * INACTIVE cluster, no task still running). `hint` is the event's facts: task runs need it (the tasks and the task
 * definition they run). Calls: task definition 1; service 2; task run 2; cluster 1.
 */
export async function readEcsResource(ref: ResourceRef, hint: Facts, clients: { ecs: () => ECSClient }): Promise<LiveFacts> {
  const ecs = clients.ecs();
  switch (ref.type) {
    case 'AWS::ECS::TaskDefinition': {
      const found = await describeTaskDefinition(ecs, ref.id);
      if (!found || found.taskDefinition.status !== 'ACTIVE') return undefined;
      return taskDefinitionLive(found);
    }
    case 'AWS::ECS::Service': {
      const cluster = hint.kind === 'ecs-service' ? hint.service.cluster : serviceOfArn(ref.id).cluster;
      const service = await describeService(ecs, ref.id, cluster);
      if (!service) return undefined;
      const td = service.taskDefinition ? await describeTaskDefinition(ecs, service.taskDefinition) : undefined;
      return serviceLive(service, td?.taskDefinition);
    }
    case 'AWS::ECS::Task':
      return readTaskRun(ecs, ref, hint);
    case 'AWS::ECS::Cluster': {
      const cluster = await describeCluster(ecs, ref.id);
      return cluster ? clusterLive(cluster) : undefined;
    }
    default:
      throw new Error(`readEcsResource: ${ref.type} is not an ECS resource it reads`);
  }
}

/**
 * The run's tasks still running, with the task definition they run. Tags: the definition's, then the first task's.
 * Environment overrides: the event's, else the live task's. When no task runs any more but the call passed a
 * secret-like override, the run is still returned (`ended`): the value leaked with the call, whatever became of it.
 */
async function readTaskRun(ecs: ECSClient, ref: ResourceRef, hint: Facts): Promise<LiveFacts> {
  const run = hint.kind === 'ecs-task-run' ? hint.run : undefined;
  const arns = run?.tasks.length ? run.tasks : [ref.id];
  const cluster = run?.cluster ?? clusterOfTask(ref.id) ?? 'default';
  const described = await describeTasks(ecs, cluster, arns);
  const overrides = run?.environmentOverrides ?? toEnvironmentOverrides(described[0]);
  const live = described.filter(isTaskLive);
  const first = live[0];
  if (!first) {
    const leaked = overrides.some((o) => o.environment.some((e) => e.secretLike));
    if (!run || !leaked) return undefined;
    const td = await describeTaskDefinition(ecs, run.taskDefinition);
    return { facts: { kind: 'ecs-task-run', run: { ...run, environmentOverrides: overrides, ended: true } }, tags: td?.tags ?? {} };
  }
  const td = await describeTaskDefinition(ecs, run?.taskDefinition ?? first.taskDefinitionArn ?? '');
  return taskRunLive({ cluster: run?.cluster ?? cluster, taskDefinition: run?.taskDefinition }, [first, ...live.slice(1)], td, overrides);
}

// ---------- described SDK shapes → live facts and tags (shared with `warden scan`'s inventory, inventory/ecs.ts) ----------

export const taskDefinitionLive = (found: { taskDefinition: TaskDefinition; tags: Tags }): NonNullable<LiveFacts> =>
  ({ facts: { kind: 'ecs-task-definition', taskDefinition: toTaskDefinitionFacts(found.taskDefinition) }, tags: found.tags });

/** A service with the task definition it runs (when it could be read). */
export const serviceLive = (service: Service, td: TaskDefinition | undefined): NonNullable<LiveFacts> =>
  ({ facts: { kind: 'ecs-service', service: toServiceFacts(service, td ? toTaskDefinitionFacts(td) : undefined) }, tags: toTags(service.tags) });

export const clusterLive = (cluster: Cluster): NonNullable<LiveFacts> =>
  ({ facts: { kind: 'ecs-cluster', cluster: toClusterFacts(cluster) }, tags: toTags(cluster.tags) });

/**
 * Running tasks (the first names the run) with the task definition they run. Tags: the definition's, then the first
 * task's. `run`: the cluster's name, and the task definition the call named (used when a task names none).
 * `overrides`: the environment overrides of the call (the event's, else the first task's).
 */
export function taskRunLive(
  run: { cluster: string; taskDefinition?: string | undefined }, live: [Task, ...Task[]], td: { taskDefinition: TaskDefinition; tags: Tags } | undefined,
  overrides: NonNullable<TaskRunFacts['environmentOverrides']>,
): NonNullable<LiveFacts> {
  const [first] = live;
  const facts: Facts = {
    kind: 'ecs-task-run',
    run: {
      cluster: run.cluster,
      taskDefinition: first.taskDefinitionArn ?? run.taskDefinition ?? '',
      tasks: live.map((t) => t.taskArn ?? '').filter(Boolean),
      ...(first.group ? { group: first.group } : {}),
      ...(first.startedBy ? { startedBy: first.startedBy } : {}),
      ...(td ? { definition: toTaskDefinitionFacts(td.taskDefinition) } : {}),
      ...(overrides.length ? { environmentOverrides: overrides } : {}),
    },
  };
  return { facts, tags: { ...(td?.tags ?? {}), ...toTags(first.tags) } };
}
