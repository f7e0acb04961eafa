import { isLinux, names } from './ecs-containers';
import { taskDefinitionControl } from './task-definition-control';

/** ECS.5: Linux containers should mount their root filesystem read-only (Windows: not applicable). */
export const ecsTaskWritableRootFs = taskDefinitionControl(
  {
    id: 'ecs-task-writable-root-fs',
    title: 'A container of the task definition has a writable root filesystem',
    severity: 'HIGH',
    seedRef: '1 Least privilege: restrict permissions (filesystem, network, etc.) to the minimum necessary',
    seed: ['1/restrict-permissions-filesystem-network'],
    mappings: { securityHub: ['ECS.5'], configRules: ['ecs-containers-readonly-access'], prowler: ['ecs_task_definitions_containers_readonly_access'] },
    remediation: {
      action: 'harden-task-definition',
      defaultMode: 'approval',
      summary: 'Register a revision with readonlyRootFilesystem true for these containers, then point services at it',
    },
  },
  (td) => {
    if (!isLinux(td)) return undefined;
    const writable = td.containers.filter((c) => c.readonlyRootFilesystem !== true);
    if (writable.length === 0) return undefined;
    return { targets: names(writable), evidence: `writable root filesystem: ${names(writable).join(', ')}` };
  },
);
