import { names } from './ecs-containers';
import { taskDefinitionControl } from './task-definition-control';

/** ECS.17: `networkMode: host` shares the instance's network stack (and its security group) with every container. */
export const ecsTaskHostNetwork = taskDefinitionControl(
  {
    id: 'ecs-task-host-network',
    title: 'The task definition uses the host network mode',
    severity: 'MEDIUM',
    seedRef: '2.3 Network and isolation: each task has a security group that allows only essential traffic',
    seed: ['1/restrict-permissions-filesystem-network', '2.3/each-task-instance-host'],
    mappings: { securityHub: ['ECS.17'], configRules: ['ecs-task-definition-network-mode-not-host'] },
    remediation: {
      action: 'notify-owner',
      defaultMode: 'notify',
      summary: 'Ask the owner to move the task definition to awsvpc (needs subnets and security groups on its services)',
    },
  },
  (td) =>
    td.networkMode === 'host'
      ? { targets: names(td.containers), evidence: `networkMode host: every container shares the instance network` }
      : undefined,
);
