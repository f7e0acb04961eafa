import { clusterOfTask, describeTaskDefinition, describeTasks, isTaskLive, stopTask, toTags } from '../aws/ecs';
import { describeEnis, describeGroups, redactedTask, redactedTaskDefinition, tagEcsResource, taskEniIds } from '../aws/evidence';
import { errorName, WardenError } from '../aws/errors';
import { isServiceGroup } from '../domain/controls/ecs-task-root-or-privileged';
import type { Plan } from '../domain/remediation';
import type { RunbookState, RunbookSteps } from './model';
import { findingEvidence, incidentTags, planned, tagText, targetAbsent, withEvidence } from './plan-kit';

/** contain-ecs-task: evidence, tag, stop, verify. Only the stop needs a decision (policy: auto for standalone tasks). */

interface Details {
  cluster: string;
  taskArn: string;
  group?: string;
  reason: string;
}

const TASK_ARN = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task\/[A-Za-z0-9_/-]+$/;
const details = (s: RunbookState): Details => s.live?.result.plan.details as unknown as Details;

const reasonOf = (s: RunbookState): string => {
  const g = s.context.guardduty;
  return `Warden contain-ecs-task ${s.context.id}: ${g ? `GuardDuty ${g.type} (severity ${g.severity})` : 'incident response'}`.slice(0, 255);
};

export const containEcsTask: RunbookSteps = {
  async plan(s, deps) {
    const taskArn = s.runbook.target;
    if (!TASK_ARN.test(taskArn)) throw new WardenError('Warden.InvalidInput', `contain-ecs-task needs a task ARN (arn:aws:ecs:<region>:<account>:task/<cluster>/<id>), got ${taskArn}`);
    const cluster = clusterOfTask(taskArn) ?? s.context.guardduty?.clusterName ?? 'default';
    const [task] = await describeTasks(deps.clients.ecs(), cluster, [taskArn]);
    const reason = reasonOf(s);
    const base: Plan = { action: 'contain-ecs-task', resource: { ...s.context.finding.resource, type: 'AWS::ECS::Task', id: taskArn, arn: taskArn }, targets: [], steps: [] };
    if (!task) {
      // ECS shows a stopped task for about an hour, then forgets it: not found is "unknown", never "contained".
      const why = `task ${taskArn} not found on cluster ${cluster} in ${base.resource.region}: no such task, or it stopped over an hour ago`;
      return planned(s, deps, { stillViolating: false, absent: targetAbsent(s), plan: { ...base, steps: [why] }, runbookDefault: 'auto', detail: why });
    }
    if (!isTaskLive(task)) {
      const why = `task ${taskArn} is already ${task.desiredStatus === 'STOPPED' ? 'stopping or stopped' : task.lastStatus}`;
      return planned(s, deps, { stillViolating: false, plan: { ...base, steps: [why] }, runbookDefault: 'auto', detail: why });
    }
    const tags = toTags(task.tags);
    const kind = isServiceGroup(task.group) ? `task of ${task.group}` : 'standalone task';
    const d: Details = { cluster, taskArn, reason, ...(task.group ? { group: task.group } : {}) };
    const plan: Plan = {
      ...base,
      resource: { ...base.resource, tags },
      targets: [taskArn],
      steps: [
        `capture evidence: the task, its task definition ${task.taskDefinitionArn ?? ''}, its ENIs and security groups, image digests, the finding`,
        `tag ${taskArn} warden:incident=${s.context.id}`,
        `stop ${kind} ${taskArn} on cluster ${cluster} (StopTask reason "${reason}")`,
        ...(isServiceGroup(task.group) ? [`the service starts a replacement task from the same image: investigate the image before it is compromised again`] : []),
        'notify the owner with the timeline',
      ],
      details: d as unknown as Record<string, unknown>,
    };
    return planned(s, deps, { stillViolating: true, plan, tags, runbookDefault: isServiceGroup(task.group) ? 'approval' : 'auto', detail: `${kind} ${taskArn} is running on ${cluster}` });
  },

  async 'capture-evidence'(s, deps) {
    const { cluster, taskArn } = details(s);
    const ecs = deps.clients.ecs();
    const ec2 = deps.clients.ec2();
    const [task] = await describeTasks(ecs, cluster, [taskArn]);
    const td = task?.taskDefinitionArn ? await describeTaskDefinition(ecs, task.taskDefinitionArn) : undefined;
    const enis = task ? await describeEnis(ec2, taskEniIds(task)) : [];
    const groupIds = [...new Set(enis.flatMap((e) => (e.Groups ?? []).map((g) => g.GroupId ?? '')).filter(Boolean))];
    const groups = await describeGroups(ec2, groupIds);
    const images = (task?.containers ?? []).map((c) => ({ name: c.name, image: c.image, imageDigest: c.imageDigest, runtimeId: c.runtimeId, lastStatus: c.lastStatus }));
    const state = withEvidence(s, {
      task: task ? redactedTask(task) : null,
      taskDefinition: td ? { ...redactedTaskDefinition(td.taskDefinition), tags: td.tags } : null,
      networkInterfaces: enis,
      securityGroups: groups,
      images,
      finding: findingEvidence(s),
    });
    const digests = images.filter((i) => i.imageDigest).length;
    return { state, detail: `task, task definition${td ? '' : ' (unreadable)'}, ${enis.length} ENI(s), ${groups.length} security group(s), ${images.length} container(s) with ${digests} image digest(s), the finding` };
  },

  async 'tag-task'(s, deps) {
    const { taskArn } = details(s);
    const tags = incidentTags(s);
    try {
      await tagEcsResource(deps.clients.ecs(), taskArn, tags);
    } catch (err) {
      // The tag only marks the task: a task that cannot be tagged (50 tags, an old ARN format) is still contained.
      if (errorName(err) === 'Warden.Throttled') throw err;
      return { result: 'failed', detail: `could not tag ${taskArn} (${errorName(err) || 'Error'}: ${(err as Error).message}); containment goes on` };
    }
    return { detail: `tagged ${taskArn} ${tagText(tags)}` };
  },

  async 'stop-task'(s, deps) {
    const { cluster, taskArn, reason } = details(s);
    const outcome = await stopTask(deps.clients.ecs(), cluster, taskArn, reason);
    const applied = { applied: outcome === 'stopped' ? [taskArn] : [], alreadyGone: outcome === 'gone' ? [taskArn] : [] };
    return { state: { ...s, applied: { result: applied } }, detail: outcome === 'stopped' ? `StopTask ${taskArn}` : `${taskArn} was already gone` };
  },

  async 'verify-stopped'(s, deps) {
    const { cluster, taskArn } = details(s);
    const [task] = await describeTasks(deps.clients.ecs(), cluster, [taskArn]);
    if (task && isTaskLive(task)) throw new WardenError('Warden.VerificationFailed', `${taskArn} still has desiredStatus ${task.desiredStatus}`);
    return {
      state: { ...s, verified: { result: { verified: true, remaining: [] } } },
      detail: task ? `desiredStatus ${task.desiredStatus}, lastStatus ${task.lastStatus}` : 'the task is gone',
    };
  },
};
