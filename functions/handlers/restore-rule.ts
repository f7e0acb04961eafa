import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ActionClients } from '../aws/action-clients';
import { loadedClient } from '../aws/client-cache';
import { runClients } from '../runtime/run-clients';
import { WardenError } from '../aws/errors';
import type { RunbookState, StepDeps, StepRegistry } from '../runbooks/model';
import { runStep } from '../runbooks/run-step';
import { lambda } from '../runtime/lambda';
import { auditTable, keepProgress, saveRunProgress } from './progress';

/** The one step this function runs: the only Warden code with ec2:AuthorizeSecurityGroupIngress. */
export const RESTORE_STEP = 'restore-security-group-rule.restore-rules';
/** Loaded on the first run, with the EC2 client its code imports (aws/security-groups.ts): init stays small. */
const REGISTRY: StepRegistry = {
  'restore-security-group-rule': async () => (await import('../runbooks/restore-security-group-rule')).restoreSecurityGroupRule,
};

const only = (service: string) => () => {
  throw new WardenError('Warden.UnknownStep', `the restore function has no ${service} client`);
};

/**
 * RestoreRule: runs only the restore step of restore-security-group-rule, after approval. It has its own role so that
 * the permission to add access is held by nothing else, and it bundles only that runbook's code and the EC2 client
 * (loaded on first use, like the actions' code).
 * Env: AUDIT_TABLE.
 */
export async function restoreRule(
  input: { step: string; state: RunbookState },
  deps: Pick<StepDeps, 'clients' | 'audit' | 'now'> & { progress?: (state: RunbookState) => Promise<void> },
): Promise<RunbookState> {
  if (input.step !== RESTORE_STEP) throw new WardenError('Warden.UnknownStep', `the restore function runs only ${RESTORE_STEP}, not ${input.step}`);
  const state = await runStep(input.step, input.state, REGISTRY, { ...deps, policy: () => input.state.policy });
  await keepProgress(state, deps.progress);
  return state;
}

const home: ActionClients = { ec2: () => loadedClient<EC2Client>('ec2'), ecs: only('ECS'), eks: only('EKS'), ecr: only('ECR'), elbv2: only('ELBv2'), elb: only('ELB') };

export const handler = lambda(async (input: { step: string; state: RunbookState }) =>
  restoreRule(input, {
    // In a member account, its restore role (runtime/run-clients.ts): the only spoke role that may add access.
    clients: await runClients(input.state, 'restore', home),
    audit: auditTable, now: () => new Date(), progress: saveRunProgress,
  }),
);
