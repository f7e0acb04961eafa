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
import { fixingAction, type Inspection } from './action';
import { anyResource, arn, ecsTagReads } from '../aws/permissions';
import { describeTasks as describeTasksGrant, describeTaskDefinitions } from './grants';
import type { FixingDeclaration } from './declaration';

/** What a human needs to start a stopped task again (never env values: those stay in the task definition). */
export interface StoppedTask {
  taskArn: string;
  taskDefinition: string;
  group?: string;
  startedBy?: string;
  launchType?: string;
  lastStatus?: string;
}

export interface Details {
  cluster: string;
  reason: string;
  /** Everything this run stops: the finding's tasks, then the siblings policy lets it stop. */
  tasks: StoppedTask[];
  /** Named by the finding, but no longer running or no longer violating: left alone. */
  skipped: { taskArn: string; why: string }[];
  /** Other running tasks of the same task definition that still fail the control; `stop` when this run stops them. */
  siblings: (StoppedTask & { stop: boolean })[];
}

type StopPolicy = Policy['stopTasks'];

/** StopTask's reason (≤ 255 characters) names the control. */
export const stopReason = (control: Pick<Control, 'id' | 'title'>): string => `Warden ${control.id}: ${control.title}`.slice(0, 255);

const isServiceTask = (t: { group?: string | undefined }): boolean => t.group?.startsWith('service:') ?? false;
const revision = (taskDefinition: string): string => taskDefinition.split('/').pop() ?? taskDefinition;

/** What it is and the IAM it needs per phase: `npm run gen` writes the registry and template.yaml's statements from it. */
export const declaration = {
  id: 'stop-ecs-tasks',
  title: 'Stop ECS tasks that run as root or privileged',
  planOnly: false,
  permissions: {
    inspect: [
      describeTasksGrant, describeTaskDefinitions, ecsTagReads(['task', 'task-definition']),
      anyResource(['ecs:ListTasks'], 'other running tasks of the same family (ListTasks names only container instances, not clusters)'),
    ],
    apply: [describeTasksGrant, { actions: ['ecs:StopTask'], resources: [arn('ecs', 'task/*')], why: 'stop the planned tasks, with the control in the reason' }],
    verify: [describeTasksGrant],
  },
} as const satisfies FixingDeclaration;

/**
 * Stop the tasks a finding names (its targets, else its task) while they still run a definition that fails the
 * finding's control (re-run on live facts). Other running tasks of the same task definition, of the same kind
 * (standalone, or the same service: the mode was decided for that kind), are listed in the plan; policy
 * `stopTasks.siblings: stop` stops them too, at most `stopTasks.maxSiblings`.
 */
export const stopEcsTasks = fixingAction(declaration, {
  async inspect(finding, clients, policy): Promise<Inspection> {
    const control = controlById(finding.control);
    if (!control) throw new WardenError('Warden.UnknownControl', `no control ${finding.control} to re-check tasks with`);
    const ecs = clients.ecs();
    const named = finding.remediation.targets.length ? finding.remediation.targets : [finding.resource.id];
    const cluster = [finding.resource.id, ...named].map(clusterOfTask).find((c) => c !== undefined) ?? 'default';
    const found = await describeTasks(ecs, cluster, named);

    const skipped: Details['skipped'] = named.filter((a) => !found.some((t) => t.taskArn === a)).map((taskArn) => ({ taskArn, why: 'not found' }));
    const violates = recheck(ecs, control, finding, policy, cluster);
    const running: StoppedTask[] = [];
    for (const task of found) {
      const why = await violates(task);
      if (why) skipped.push({ taskArn: task.taskArn ?? '', why });
      else running.push(stoppedTask(task));
    }
    const siblings = running.length ? await siblingsOf(ecs, cluster, running, violates) : [];

    const details = chooseStops({ cluster, reason: stopReason(control), named: running, skipped, siblings }, policy.stopTasks);
    const tags = violates.tags();
    const readTags = finding.resource.tags === undefined && tags !== undefined;
    // Not one named task found: they are gone (ECS forgets stopped tasks after about an hour), not "already stopped".
    const gone = found.length === 0;
    return {
      stillViolating: details.tasks.length > 0,
      plan: planFor(finding, details, policy.stopTasks),
      ...(readTags ? { tags } : {}),
      ...(gone ? { gone } : {}),
    };
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
});

type Recheck = ((task: Task) => Promise<string | undefined>) & { tags: () => Tags | undefined };

/**
 * Why a task is left alone (not running, its definition unreadable, or no longer failing the control), or undefined
 * when it must stop. Task definitions are read once each; `tags()` are the first running task's (and definition's).
 */
function recheck(ecs: ECSClient, control: Control, finding: Finding, policy: Policy, cluster: string): Recheck {
  const definitions = new Map<string, { facts: TaskDefinitionFacts; tags: Tags } | undefined>();
  let liveTags: Tags | undefined;
  const why = async (task: Task): Promise<string | undefined> => {
    const tdArn = task.taskDefinitionArn ?? '';
    if (!isTaskLive(task)) return `already ${task.desiredStatus === 'STOPPED' ? 'stopping or stopped' : task.lastStatus}`;
    if (!definitions.has(tdArn)) {
      const found = await describeTaskDefinition(ecs, tdArn);
      definitions.set(tdArn, found && { facts: toTaskDefinitionFacts(found.taskDefinition), tags: found.tags });
    }
    const definition = definitions.get(tdArn);
    if (!definition) return `task definition ${tdArn} cannot be read: not re-checked`;
    liveTags ??= { ...definition.tags, ...toTags(task.tags) };
    if (!stillViolates(control, finding, policy, cluster, task, definition.facts)) {
      return `${familyOf(tdArn)}:${definition.facts.revision ?? '?'} no longer fails ${control.id}`;
    }
    return undefined;
  };
  return Object.assign(why, { tags: () => liveTags });
}

/**
 * The other running tasks of the named tasks' task definitions on the cluster, of the same kind (standalone tasks,
 * or the same service), that still fail the control. ListTasks filters by family; the revision is matched here.
 */
async function siblingsOf(ecs: ECSClient, cluster: string, named: StoppedTask[], violates: Recheck): Promise<StoppedTask[]> {
  const definitions = new Set(named.map((t) => t.taskDefinition));
  const groups = new Set(named.map((t) => t.group));
  const standalone = named.some((t) => !isServiceTask(t));
  const known = new Set(named.map((t) => t.taskArn));
  const arns = new Set<string>();
  for (const family of new Set([...definitions].map(familyOf))) {
    for (const arn of await listTasks(ecs, cluster, family)) if (!known.has(arn)) arns.add(arn);
  }
  const siblings: StoppedTask[] = [];
  for (const task of await describeTasks(ecs, cluster, [...arns])) {
    const sameKind = isServiceTask(task) ? groups.has(task.group) : standalone;
    if (!definitions.has(task.taskDefinitionArn ?? '') || !sameKind || (await violates(task))) continue;
    siblings.push(stoppedTask(task));
  }
  return siblings.sort((a, b) => a.taskArn.localeCompare(b.taskArn));
}

/** Which tasks this run stops: every named one, and the siblings policy allows, in ARN order up to the limit. Pure. */
export function chooseStops(
  found: { cluster: string; reason: string; named: StoppedTask[]; skipped: Details['skipped']; siblings: StoppedTask[] },
  policy: StopPolicy,
): Details {
  const allowed = policy.siblings === 'stop' ? policy.maxSiblings : 0;
  const siblings = found.siblings.map((t, i) => ({ ...t, stop: i < allowed }));
  return {
    cluster: found.cluster, reason: found.reason, skipped: found.skipped, siblings,
    tasks: [...found.named, ...siblings.filter((t) => t.stop).map(({ stop: _stop, ...t }) => t)],
  };
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

/** The plan: each stop, then the siblings left running (and why), then what the service will do. Pure. */
export function planFor(finding: Finding, details: Details, policy: StopPolicy): Plan {
  const kind = (t: StoppedTask) => (isServiceTask(t) ? `task of ${t.group}` : 'standalone task');
  const stop = (t: StoppedTask, sibling: boolean) =>
    `stop ${kind(t)} ${t.taskArn} (${revision(t.taskDefinition)})${sibling ? ', another task of the same task definition,' : ''} on cluster ${details.cluster} (StopTask reason "${details.reason}")`;
  const siblingArns = new Set(details.siblings.map((t) => t.taskArn));
  const steps = details.tasks.map((t) => stop(t, siblingArns.has(t.taskArn)));
  const left = details.siblings.filter((t) => !t.stop);
  if (left.length) {
    const why = policy.siblings === 'stop'
      ? `over the limit of ${policy.maxSiblings} (policy stopTasks.maxSiblings)`
      : 'policy stopTasks.siblings is list; set it to stop to stop them too';
    steps.push(`left running, ${left.length} other task(s) of the same task definition that fail ${finding.control} too (${why}): ${left.map((t) => `${t.taskArn} (${revision(t.taskDefinition)})`).join(', ')}`);
  }
  if (details.skipped.length && details.tasks.length === 0) {
    steps.push(...details.skipped.map((s) => `nothing to stop: ${s.taskArn} ${s.why}`));
  }
  if ([...details.tasks, ...left].some(isServiceTask)) {
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
