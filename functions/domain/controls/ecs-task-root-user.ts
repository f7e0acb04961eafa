import { describeUser, isLinux, isRootUser, names } from './ecs-containers';
import { taskDefinitionControl } from './task-definition-control';

/** ECS.20: every Linux container, sidecars included, must name a non-root user. */
export const ecsTaskRootUser = taskDefinitionControl(
  {
    id: 'ecs-task-root-user',
    title: 'A container of the task definition runs as root',
    severity: 'HIGH',
    seedRef: '1 Least privilege: avoid running containers as the root user',
    seed: ['1/avoid-running-containers-root'],
    mappings: {
      securityHub: ['ECS.20'],
      configRules: ['ecs-task-definition-linux-user-non-root', 'ecs-task-definition-nonroot-user'],
    },
    remediation: {
      action: 'harden-task-definition',
      defaultMode: 'approval',
      summary: 'Register a revision whose root containers run as the policy user (hardening.user), then point services at it',
    },
  },
  (td) => {
    if (!isLinux(td)) return undefined;
    const root = td.containers.filter((c) => isRootUser(c.user));
    if (root.length === 0) return undefined;
    return { targets: names(root), evidence: `runs as root: ${root.map((c) => `${c.name} (${describeUser(c)})`).join(', ')}` };
  },
);
