import type { Observation } from '../model';
import type { Policy } from '../policy/schema';
import type { Control, ControlResult } from './control';
import { findingOf, flaggedResult, NEEDS_DEFINITION, NONE } from './control-kit';
import { describePrivileged, describeUser, isLinux, isPrivileged, isRootUser, taskDefinitionLabel } from './ecs-containers';

export const TASK = 'AWS::ECS::Task';

/** Tasks started by a service carry `group: service:<name>`; anything else is a standalone run. */
export const isServiceGroup = (group: string | undefined): boolean => group?.startsWith('service:') ?? false;

/**
 * RunTask / StartTask of a definition with a root (Linux) or privileged container: stop the tasks. Standalone runs
 * stop automatically; tasks of a service wait for approval, since the service would only start them again.
 */
export const ecsTaskRootOrPrivileged: Control = {
  id: 'ecs-task-root-or-privileged',
  title: 'Tasks were started from a task definition that runs as root or privileged',
  severity: 'HIGH',
  seedRef: '1 Least privilege: avoid running containers as the root user',
  seed: ['1/avoid-running-containers-root', '1/restrict-permissions-filesystem-network'],
  mappings: {},
  resourceTypes: [TASK],
  triggers: { cloudTrail: ['ecs:RunTask', 'ecs:StartTask'], cloudTrailNote: 'task definition read live' },
  remediation: {
    action: 'stop-ecs-tasks',
    defaultMode: 'auto',
    summary: 'StopTask on the started tasks with a reason naming the control (auto for standalone tasks, approval for tasks of a service)',
  },

  appliesTo: (o) => o.resource.type === TASK,

  evaluate(o: Observation, policy: Policy): ControlResult {
    if (o.facts.kind === 'flagged') return flaggedResult(ecsTaskRootOrPrivileged, o, policy);
    if (o.facts.kind !== 'ecs-task-run') return NONE;
    const run = o.facts.run;
    // Nothing runs any more: nothing to stop (a secret the call passed is ecs-task-env-secrets' finding).
    if (run.ended) return NONE;
    const td = run.definition;
    if (!td) return { findings: [], note: NEEDS_DEFINITION };

    const root = isLinux(td) ? td.containers.filter((c) => isRootUser(c.user)) : [];
    const privileged = td.containers.filter(isPrivileged);
    if (root.length === 0 && privileged.length === 0) return NONE;

    const parts = [
      ...(privileged.length ? [`privileged: ${privileged.map(describePrivileged).join(', ')}`] : []),
      ...(root.length ? [`root: ${root.map((c) => `${c.name} (${describeUser(c)})`).join(', ')}`] : []),
    ];
    const started = isServiceGroup(run.group) ? `started by ${run.group}` : 'standalone';
    const evidence = `${run.tasks.length} task(s) of ${taskDefinitionLabel(td)} on cluster ${run.cluster} (${started}); ${parts.join('; ')}`;
    const finding = findingOf(ecsTaskRootOrPrivileged, o, policy, [...run.tasks], evidence, {
      severity: privileged.length ? 'CRITICAL' : 'HIGH',
      defaultMode: isServiceGroup(run.group) ? 'approval' : 'auto',
    });
    const note = run.tasks.length === 0 ? 'the event lists no task ARNs: the running tasks are listed at remediation time' : undefined;
    return { findings: [finding], ...(note ? { note } : {}) };
  },
};
