import type { ECSClient, TaskDefinition } from '@aws-sdk/client-ecs';
import {
  describeTaskDefinition, familyOf, familyServices, listRevisions, nameOf, revisionOf, toTaskDefinitionFacts,
} from '../aws/ecs';
import type { Plan } from '../domain/remediation';
import { planOnlyAction, type Inspection } from './action';
import { ecsTagReads } from '../aws/permissions';
import { revisions, familyServices as familyServicesGrant } from './grants';
import type { PlanOnlyDeclaration } from './declaration';

/** How many revisions are searched for the leaked values (newest first, ACTIVE and INACTIVE). */
export const REVISIONS_SEARCHED = 25;

/** One plain env var to move. Names only: the value is never copied into the plan. */
export interface SecretMove {
  container: string;
  name: string;
  /** Secrets Manager secret to create: `<family>/<container>/<NAME>`. */
  secretName: string;
  /** The `secrets[]` entry's valueFrom: the ARN CreateSecret returns (its 6-character suffix is random). */
  valueFrom: string;
  by: 'name' | 'value';
}

/** What it is and the IAM it needs per phase: `npm run gen` writes the registry and template.yaml's statements from it. */
export const declaration = {
  id: 'move-env-secrets',
  title: 'Move plain environment secrets to Secrets Manager',
  planOnly: true,
  permissions: { inspect: [revisions, ecsTagReads(['task-definition']), ...familyServicesGrant] },
} as const satisfies PlanOnlyDeclaration;

/**
 * Plan only: move secret-like plain env vars of a task definition's latest ACTIVE revision to Secrets Manager.
 * The plan names the secrets, the `secrets[]` entries, the execution-role permissions, the services to update and
 * the old revisions that hold the same values (compared in memory, never copied) to deregister and delete.
 */
export const moveEnvSecrets = planOnlyAction(declaration, {
  async inspect(finding, clients): Promise<Inspection> {
    const ecs = clients.ecs();
    const family = familyOf(finding.resource.id);
    const latest = await describeTaskDefinition(ecs, family);
    const tags = latest && finding.resource.tags === undefined ? latest.tags : undefined;
    const moves = latest ? secretMoves(latest.taskDefinition) : [];
    if (!latest || moves.length === 0) {
      const plan: Plan = { action: 'move-env-secrets', resource: finding.resource, targets: [], steps: [], details: { family } };
      return { stillViolating: false, plan, ...(tags ? { tags } : {}) };
    }
    const td = latest.taskDefinition;
    const { revisions, searched } = await revisionsHolding(ecs, family, td, moves);
    const services = (await familyServices(ecs, family)).map((s) => s.serviceArn ?? '');
    const details = {
      family,
      revision: td.taskDefinitionArn ?? family,
      executionRoleArn: td.executionRoleArn ?? null,
      secrets: moves,
      services,
      revisionsHoldingValues: revisions,
      revisionsSearched: searched,
    };
    const plan: Plan = {
      action: 'move-env-secrets',
      resource: finding.resource,
      targets: moves.map((m) => `${m.container}/${m.name}`),
      steps: steps(details),
      details,
    };
    return { stillViolating: true, plan, ...(tags ? { tags } : {}) };
  },
});

/** Secret-like plain env vars, as the normalizers judge them (the value's shape, or a secret name over a non-setting). */
export function secretMoves(td: TaskDefinition): SecretMove[] {
  const arn = td.taskDefinitionArn ?? '';
  const [, partition = 'aws', , region = '<region>', account = '<account>'] = arn.split(':');
  const family = td.family ?? familyOf(arn);
  return toTaskDefinitionFacts(td).containers.flatMap((c) =>
    c.environment.flatMap(({ name, secretLike }) => {
      if (!secretLike) return [];
      const secretName = `${family}/${c.name}/${name}`;
      const valueFrom = `arn:${partition}:secretsmanager:${region}:${account}:secret:${secretName}-XXXXXX`;
      return [{ container: c.name, name, secretName, valueFrom, by: secretLike }];
    }),
  );
}

/** Revisions of the family whose env holds one of the same values (compared here, never kept). */
async function revisionsHolding(
  ecs: ECSClient, family: string, latest: TaskDefinition, moves: SecretMove[],
): Promise<{ revisions: string[]; searched: number }> {
  const valueOf = (td: TaskDefinition, m: SecretMove) =>
    td.containerDefinitions?.find((c) => c.name === m.container)?.environment?.find((e) => e.name === m.name)?.value;
  const arns = [...(await listRevisions(ecs, family, 'ACTIVE')), ...(await listRevisions(ecs, family, 'INACTIVE'))]
    .sort((a, b) => revisionOf(b) - revisionOf(a))
    .slice(0, REVISIONS_SEARCHED);
  const revisions: string[] = [];
  for (const arn of arns) {
    const td = arn === latest.taskDefinitionArn ? latest : (await describeTaskDefinition(ecs, arn))?.taskDefinition;
    if (td && moves.some((m) => valueOf(latest, m) !== undefined && valueOf(td, m) === valueOf(latest, m))) revisions.push(arn);
  }
  return { revisions, searched: arns.length };
}

interface StepInput {
  family: string;
  revision: string;
  executionRoleArn: string | null;
  secrets: SecretMove[];
  services: string[];
  revisionsHoldingValues: string[];
  revisionsSearched: number;
}

export function steps(d: StepInput): string[] {
  const role = d.executionRoleArn ?? 'a new task execution role (the task definition has no executionRoleArn: set one)';
  return [
    ...d.secrets.map((m) => `create Secrets Manager secret ${m.secretName} (CreateSecret) with the current value of ${m.container}/${m.name} (not shown)`),
    ...d.secrets.map((m) => `grant ${role} secretsmanager:GetSecretValue on ${m.valueFrom}, plus kms:Decrypt on its key if it uses a customer managed KMS key`),
    `register a new revision of ${d.family} from ${nameOf(d.revision)} with, per variable, environment entry removed and secrets[] entry added: ` +
      d.secrets.map((m) => `${m.container}: { name: ${m.name}, valueFrom: ${m.valueFrom} }`).join('; '),
    d.services.length
      ? `UpdateService to the new revision: ${d.services.map((s) => nameOf(s)).join(', ')}`
      : 'no ACTIVE service runs this family: re-run its standalone tasks with the new revision',
    `rotate the leaked credential(s) ${d.secrets.map((m) => m.name).join(', ')} where they are issued and store the new values in the secrets (PutSecretValue): the old values stay readable in every revision that holds them`,
    `deregister (DeregisterTaskDefinition), then delete (DeleteTaskDefinitions) the revisions that hold the values: ` +
      `${d.revisionsHoldingValues.map(nameOf).join(', ')} (the ${d.revisionsSearched} newest revisions were searched)`,
  ];
}
