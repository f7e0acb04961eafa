import { names } from './ecs-containers';
import { taskDefinitionControl } from './task-definition-control';

/** ECS.3: `pidMode: host` lets containers see and signal every process on the instance. */
export const ecsTaskHostPid = taskDefinitionControl(
  {
    id: 'ecs-task-host-pid',
    title: "The task definition shares the host's process namespace",
    severity: 'HIGH',
    seedRef: '1 Least privilege: restrict permissions (filesystem, network, etc.) to the minimum necessary',
    seed: ['1/restrict-permissions-filesystem-network'],
    mappings: { securityHub: ['ECS.3'], configRules: ['ecs-task-definition-pid-mode-check'], prowler: ['ecs_task_definitions_host_namespace_not_shared'] },
    remediation: {
      action: 'harden-task-definition',
      defaultMode: 'approval',
      summary: 'Register a revision without pidMode host (task namespace), then point services at it',
    },
  },
  (td) =>
    td.pidMode === 'host'
      ? { targets: names(td.containers), evidence: `pidMode host: containers see every process of the instance` }
      : undefined,
);
