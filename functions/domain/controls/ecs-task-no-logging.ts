import { names } from './ecs-containers';
import { taskDefinitionControl } from './task-definition-control';

/** ECS.9: every container needs a logConfiguration with a logDriver. */
export const ecsTaskNoLogging = taskDefinitionControl(
  {
    id: 'ecs-task-no-logging',
    title: 'A container of the task definition has no log configuration',
    severity: 'HIGH',
    seedRef: '2.5 Observability and auditing: send application and container logs to CloudWatch',
    seed: ['2.1/logs-metrics-cloudwatch-continuous', '2.5/send-application-container-logs'],
    mappings: { securityHub: ['ECS.9'], configRules: ['ecs-task-definition-log-configuration'], prowler: ['ecs_task_definitions_logging_enabled'] },
    remediation: {
      action: 'harden-task-definition',
      defaultMode: 'approval',
      summary: 'Register a revision with an awslogs configuration (log group: hardening.logGroupPrefix + family), then point services at it',
    },
  },
  (td) => {
    const silent = td.containers.filter((c) => !c.logging);
    if (silent.length === 0) return undefined;
    return { targets: names(silent), evidence: `no logConfiguration: ${names(silent).join(', ')}` };
  },
);
