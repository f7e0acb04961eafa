import type { ECSClient, Task } from '@aws-sdk/client-ecs';
import {
  clusterOfTask, describeTaskDefinition, describeTasks, familyOf, isTaskLive, listTasks, stopTask, toTags,
  toTaskDefinitionFacts,
} from '../aws/ecs';
import { WardenError } from '../aws/errors';
import { controlById, type Control } from '../domain/controls';
import type { Finding, Observation, Tags, TaskDefinitionFacts } from '../domain/model';
import type { Policy } from '../domain/policy/schema';
import type { Plan } from '../domain/remediation';
import type { FixingAction, Inspection } from './action';

/** What a human needs to start a stopped task again (never env values: those stay in the task definition). */
interface StoppedTask {
  taskArn: string;
  taskDefinition: string;
  group?: string;
  startedBy?: string;
  launchType?: string;
  lastStatus?: string;
}

interface Details {
  cluster: string;
  reason: string;
  tasks: StoppedTask[];
  /** Named by the finding, but no longer running or no longer violating: left alone. */
  skipped: { taskArn: string; why: string }[];
}

/** StopTask's reason (≤ 255 characters) names the control. */
export const stopReason = (control: Pick<Control, 'id' | 'title'>): string => `Warden ${control.id}: ${control.title}`.slice(0, 255);

const isServiceTask = (t: Task): boolean => t.group?.startsWith('service:') ?? false;

/**
 * Stop the running tasks of a task definition that runs as root or privileged. Only tasks still running whose
 * definition still fails the finding's control (re-run on live facts) are stopped. With no task ARNs in the finding,
 * the family's running tasks on the cluster are listed, of the same kind as the finding's task (standalone tasks, or
 * the same service): the mode was decided for that kind.
 */
export const stopEcsTasks: FixingAction = {
  id: 'stop-ecs-tasks',
  title: 'Stop ECS tasks that run as root or privileged',

  async inspect(finding, clients, policy): Promise<Inspection> {
    const control = controlById(finding.control);
    if (!control) throw new WardenError('Warden.UnknownControl', `no control ${finding.control} to re-check tasks with`);
    const ecs = clients.ecs();
    const named = finding.remediation.targets;
    const cluster = [finding.resource.id, ...named].map(clusterOfTask).find((c) => c !== undefined) ?? 'default';
    const candidates = named.length ? await describeTasks(ecs, cluster, named) : await sameKindTasks(ecs, cluster, finding.resource.id);

    const reason = stopReason(control);
    const details: Details = { cluster, reason, tasks: [], skipped: [] };
    const definitions = new Map<string, { facts: TaskDefinitionFacts; tags: Tags } | undefined>();
    let liveTags: Tags | undefined;
    for (const arn of named.filter((a) => !candidates.some((t) => t.taskArn === a))) details.skipped.push({ taskArn: arn, why: 'not found' });

    for (const task of candidates) {
      const taskArn = task.taskArn ?? '';
      const tdArn = task.taskDefinitionArn ?? '';
      if (!isTaskLive(task)) {
        details.skipped.push({ taskArn, why: `already ${task.desiredStatus === 'STOPPED' ? 'stopping or stopped' : task.lastStatus}` });
        continue;
      }
      if (!definitions.has(tdArn)) {
        const found = await describeTaskDefinition(ecs, tdArn);
        definitions.set(tdArn, found && { facts: toTaskDefinitionFacts(found.taskDefinition), tags: found.tags });
      }
      const definition = definitions.get(tdArn);
      if (!definition) {
        details.skipped.push({ taskArn, why: `task definition ${tdArn} cannot be read: not re-checked` });
        continue;
      }
      liveTags ??= { ...definition.tags, ...toTags(task.tags) };
      if (!stillViolates(control, finding, policy, cluster, task, definition.facts)) {
        details.skipped.push({ taskArn, why: `${familyOf(tdArn)}:${definition.facts.revision ?? '?'} no longer fails ${control.id}` });
        continue;
      }
      details.tasks.push(stoppedTask(task));
    }

    const readTags = finding.resource.tags === undefined && liveTags !== undefined;
    return { stillViolating: details.tasks.length > 0, plan: planFor(finding, details), ...(readTags ? { tags: liveTags } : {}) };
  },

  async apply(plan, clients) {
    const { cluster, reason } = plan.details as unknown as Details;
    const ecs = clients.ecs();
    const live = new Set((await describeTasks(ecs, cluster, plan.targets)).filter(isTaskLive).map((t) => t.taskArn));
    const result = { applied: [] as string[], alreadyGone: [] as string[] };
    for (const arn of plan.targets) {
      const outcome = live.has(arn) ? await stopTask(ecs, cluster, arn, reason) : 'gone';
      (outcome === 'stopped' ? result.applied : result.alreadyGone).push(arn);
    }
    return result;
  },

  async verify(plan, clients) {
    const { cluster } = plan.details as unknown as Details;
    const tasks = await describeTasks(clients.ecs(), cluster, plan.targets);
    // Gone, or desiredStatus STOPPED (ECS stops it within seconds to minutes): nothing runs any more.
    const remaining = tasks.filter(isTaskLive).map((t) => t.taskArn ?? '').sort();
    return { verified: remaining.length === 0, remaining };
  },
};

/** The finding's task, then every running task of its family on the cluster of the same kind. */
async function sameKindTasks(ecs: ECSClient, cluster: string, taskArn: string): Promise<Task[]> {
  const [ref] = await describeTasks(ecs, cluster, [taskArn]);
  if (!ref?.taskDefinitionArn) return ref ? [ref] : [];
  const arns = await listTasks(ecs, cluster, familyOf(ref.taskDefinitionArn));
  const tasks = await describeTasks(ecs, cluster, [...new Set([taskArn, ...arns])]);
  return tasks.filter((t) => (isServiceTask(ref) ? t.group === ref.group : !isServiceTask(t)));
}

/** Re-run the finding's control on this task's live facts. */
function stillViolates(control: Control, finding: Finding, policy: Policy, cluster: string, task: Task, definition: TaskDefinitionFacts): boolean {
  const taskArn = task.taskArn ?? '';
  const live: Observation = {
    source: 'cloudtrail', eventId: 'live-recheck', eventName: 'LiveRecheck', time: new Date().toISOString(),
    account: finding.resource.account, region: finding.resource.region,
    resource: { ...finding.resource, type: 'AWS::ECS::Task', id: taskArn, arn: taskArn },
    facts: {
      kind: 'ecs-task-run',
      run: {
        cluster, taskDefinition: task.taskDefinitionArn ?? '', tasks: [taskArn], definition,
        ...(task.group ? { group: task.group } : {}),
        ...(task.startedBy ? { startedBy: task.startedBy } : {}),
      },
    },
  };
  return control.evaluate(live, policy).findings.some((f) => f.remediation.targets.includes(taskArn));
}

function stoppedTask(t: Task): StoppedTask {
  return {
    taskArn: t.taskArn ?? '',
    taskDefinition: t.taskDefinitionArn ?? '',
    ...(t.group ? { group: t.group } : {}),
    ...(t.startedBy ? { startedBy: t.startedBy } : {}),
    ...(t.launchType ? { launchType: t.launchType } : {}),
    ...(t.lastStatus ? { lastStatus: t.lastStatus } : {}),
  };
}

function planFor(finding: Finding, details: Details): Plan {
  const steps = details.tasks.map((t) => {
    const kind = t.group?.startsWith('service:') ? `task of ${t.group}` : 'standalone task';
    return `stop ${kind} ${t.taskArn} (${t.taskDefinition.split('/').pop()}) on cluster ${details.cluster} (StopTask reason "${details.reason}")`;
  });
  if (details.tasks.some((t) => t.group?.startsWith('service:'))) {
    steps.push('the service starts replacement tasks from the same task definition: harden it (harden-task-definition) and update the service');
  }
  return {
    action: 'stop-ecs-tasks',
    resource: finding.resource,
    targets: details.tasks.map((t) => t.taskArn).sort(),
    steps,
    details: details as unknown as Record<string, unknown>,
  };
}
