import { describePrivileged, isPrivileged, names } from './ecs-containers';
import { taskDefinitionControl } from './task-definition-control';

/**
 * ECS.4: no container may run privileged (root on the host). Adding ALL or SYS_ADMIN counts as privileged: same
 * finding, same hardening (the capability is dropped). Other dangerous capabilities: ecs-task-dangerous-capabilities.
 */
export const ecsTaskPrivileged = taskDefinitionControl(
  {
    id: 'ecs-task-privileged',
    title: 'A container of the task definition is privileged (or adds ALL or SYS_ADMIN)',
    severity: 'HIGH',
    seedRef: '1 Least privilege: restrict permissions (filesystem, network, etc.) to the minimum necessary',
    seed: ['1/restrict-permissions-filesystem-network'],
    mappings: { securityHub: ['ECS.4'], configRules: ['ecs-containers-nonprivileged'], prowler: ['ecs_task_definitions_no_privileged_containers'] },
    remediation: {
      action: 'harden-task-definition',
      defaultMode: 'approval',
      summary: 'Register a revision with privileged off and ALL / SYS_ADMIN removed from capabilities.add for these containers, then point services at it',
    },
  },
  (td) => {
    const privileged = td.containers.filter(isPrivileged);
    if (privileged.length === 0) return undefined;
    return { targets: names(privileged), evidence: `privileged containers: ${privileged.map(describePrivileged).join(', ')}` };
  },
);
