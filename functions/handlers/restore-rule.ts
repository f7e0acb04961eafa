import { dynamodb } from '../aws/clients/dynamodb';
import { ec2 } from '../aws/clients/ec2';
import { saveProgress } from '../audit/progress';
import { WardenError } from '../aws/errors';
import type { RunbookState, StepDeps } from '../runbooks/model';
import { restoreSecurityGroupRule } from '../runbooks/restore-security-group-rule';
import { runStep } from '../runbooks/run-step';
import { requireEnv } from '../runtime/env';
import { lambda } from '../runtime/lambda';
import { logger } from '../runtime/logger';
import { toRecord } from './state';

/** The one step this function runs: the only Warden code with ec2:AuthorizeSecurityGroupIngress. */
export const RESTORE_STEP = 'restore-security-group-rule.restore-rules';
const REGISTRY = { 'restore-security-group-rule': restoreSecurityGroupRule };

const only = (service: string) => () => {
  throw new WardenError('Warden.UnknownStep', `the restore function has no ${service} client`);
};

/**
 * RestoreRule: runs only the restore step of restore-security-group-rule, after approval. It has its own role so that
 * the permission to add access is held by nothing else, and it bundles only that runbook's code and the EC2 client.
 * Env: AUDIT_TABLE.
 */
export async function restoreRule(
  input: { step: string; state: RunbookState },
  deps: Pick<StepDeps, 'clients' | 'audit' | 'now'> & { progress?: (state: RunbookState) => Promise<void> },
): Promise<RunbookState> {
  if (input.step !== RESTORE_STEP) throw new WardenError('Warden.UnknownStep', `the restore function runs only ${RESTORE_STEP}, not ${input.step}`);
  const state = await runStep(input.step, input.state, REGISTRY, { ...deps, policy: () => input.state.policy });
  await deps.progress?.(state).catch((err: unknown) => logger.warn('progress not saved', { id: state.context.id, error: (err as Error).message }));
  return state;
}

const audit = () => ({ dynamodb: dynamodb(), tableName: requireEnv('AUDIT_TABLE') });

export const handler = lambda((input: { step: string; state: RunbookState }) =>
  restoreRule(input, {
    clients: { ec2, ecs: only('ECS'), eks: only('EKS'), ecr: only('ECR') },
    audit, now: () => new Date(),
    progress: async (state) => {
      await saveProgress(toRecord(state), audit());
    },
  }),
);
