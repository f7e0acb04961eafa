import type { EnvFacts, Observation, TaskRunFacts } from '../model';
import type { Policy } from '../policy/schema';
import type { Control, ControlResult } from './control';
import { findingOf } from './control-kit';
import { TASK } from './ecs-task-root-or-privileged';
import { TASK_DEFINITION, taskDefinitionControl } from './task-definition-control';

type Hit = { target: string; by: 'name' | 'value' };

/** Entries the normalizer judged secret (by value, or a secret-like name holding more than a setting). */
const hitsOf = (owner: string, environment: EnvFacts[]): Hit[] =>
  environment.flatMap((e) => (e.secretLike ? [{ target: `${owner}/${e.name}`, by: e.secretLike }] : []));

const listed = (hits: Hit[]) => hits.map((h) => `${h.target} (by ${h.by})`).join(', ');

const MAPPINGS = { securityHub: ['ECS.8'], configRules: ['ecs-no-environment-secrets'], prowler: ['ecs_task_definitions_no_environment_secrets'] };

/**
 * ECS.8: secrets in plain `environment`, judged by the normalizer's `secretLike` (values never reach here).
 * `secrets[]` entries (Secrets Manager / Parameter Store `valueFrom`) are the fix, never a finding.
 */
const onTaskDefinition = taskDefinitionControl(
  {
    id: 'ecs-task-env-secrets',
    title: 'A secret sits in a plain environment variable',
    severity: 'HIGH',
    seedRef: '2.4 Secrets management: do not store passwords or API keys in plain environment variables',
    seed: ['2.2/give-each-task-role', '2.4/no-passwords-api-keys', '2.4/secrets-services-rotation-protection', '2.4/tasks-retrieve-secrets-dynamically'],
    mappings: MAPPINGS,
    remediation: {
      action: 'move-env-secrets',
      defaultMode: 'approval',
      summary:
        'Plan only: create one Secrets Manager secret per variable, reference it in secrets[], grant the execution role, rotate the value, then deregister and delete the old revisions. ' +
        'A secret passed in RunTask/StartTask overrides: notify the owner to rotate it and move it to the task definition\'s secrets[] (notify-owner, plan only; the tasks are not stopped)',
    },
  },
  (td) => {
    const hits = td.containers.flatMap((c) => hitsOf(c.name, c.environment));
    if (hits.length === 0) return undefined;
    return { targets: hits.map((h) => h.target), evidence: `plain environment variables that look secret (values not shown): ${listed(hits)}` };
  },
);

/**
 * A secret passed in `overrides.containerOverrides[].environment` of RunTask / StartTask is in CloudTrail (and in
 * DescribeTasks) for good: the owner is told to rotate it (notify-owner, plan only). Stopping the tasks would not
 * take the value back, so they are never stopped for it.
 */
function onTaskRun(o: Observation, run: TaskRunFacts, policy: Policy): ControlResult {
  const hits = (run.environmentOverrides ?? []).flatMap((c) => hitsOf(c.container, c.environment));
  if (hits.length === 0) return { findings: [] };
  const call = o.eventName === 'RunTask' || o.eventName === 'StartTask' ? o.eventName : 'RunTask/StartTask';
  const state = run.ended ? 'no longer running' : `${run.tasks.length} task(s)`;
  const definition = run.taskDefinition.split('/').pop() ?? run.taskDefinition;
  const evidence =
    `${call} of ${definition} on cluster ${run.cluster} (${state}) passed environment overrides that look secret ` +
    `(values not shown; they are recorded in CloudTrail with the call): ${listed(hits)}`;
  const finding = findingOf(ecsTaskEnvSecrets, o, policy, hits.map((h) => h.target), evidence, { action: 'notify-owner', defaultMode: 'notify' });
  return { findings: [finding] };
}

/** The task-definition control, extended to the environment overrides of task runs. */
export const ecsTaskEnvSecrets: Control = {
  ...onTaskDefinition,
  resourceTypes: [TASK_DEFINITION, TASK],
  triggers: { cloudTrail: ['ecs:RegisterTaskDefinition', 'ecs:RunTask', 'ecs:StartTask'], cloudTrailNote: 'RunTask and StartTask: overrides.containerOverrides[].environment', configItems: true },
  appliesTo: (o) => o.resource.type === TASK_DEFINITION || o.resource.type === TASK,
  evaluate(o, policy) {
    if (o.facts.kind === 'ecs-task-run') return onTaskRun(o, o.facts.run, policy);
    return o.resource.type === TASK_DEFINITION ? onTaskDefinition.evaluate(o, policy) : { findings: [] };
  },
};
