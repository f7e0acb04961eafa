import { isSecretName } from './secret-patterns';
import { taskDefinitionControl } from './task-definition-control';

/**
 * ECS.8: secrets in plain `environment`, by name or by value (the normalizer's `secretLike`; values never reach
 * here). `secrets[]` entries (Secrets Manager / Parameter Store `valueFrom`) are the fix, never a finding.
 */
export const ecsTaskEnvSecrets = taskDefinitionControl(
  {
    id: 'ecs-task-env-secrets',
    title: 'A secret sits in a plain environment variable of the task definition',
    severity: 'HIGH',
    seedRef: '2.4 Secrets management: do not store passwords or API keys in plain environment variables',
    mappings: { securityHub: ['ECS.8'], configRules: ['ecs-no-environment-secrets'], prowler: ['ecs_task_definitions_no_environment_secrets'] },
    remediation: {
      action: 'move-env-secrets',
      defaultMode: 'approval',
      summary:
        'Plan only: create one Secrets Manager secret per variable, reference it in secrets[], grant the execution role, rotate the value, then deregister and delete the old revisions',
    },
  },
  (td) => {
    const hits = td.containers.flatMap((c) =>
      c.environment
        .filter((e) => e.secretLike !== undefined || isSecretName(e.name))
        .map((e) => ({ target: `${c.name}/${e.name}`, by: e.secretLike ?? 'name' })),
    );
    if (hits.length === 0) return undefined;
    const evidence = `plain environment variables that look secret (values not shown): ${hits
      .map((h) => `${h.target} (by ${h.by})`)
      .join(', ')}`;
    return { targets: hits.map((h) => h.target), evidence };
  },
);
