import { actionClients } from '../aws/action-clients';
import { dynamodb } from '../aws/clients/dynamodb';
import { saveProgress } from '../audit/progress';
import { WardenError } from '../aws/errors';
import { runbookSteps, type RunbookState } from '../runbooks';
import { runtimePolicy } from '../runtime/config';
import { requireEnv } from '../runtime/env';
import { lambda } from '../runtime/lambda';
import { runbookStep } from './runbook-step';
import { toRecord } from './state';

/** The one step this function runs: the only Warden code with ec2:AuthorizeSecurityGroupIngress. */
export const RESTORE_STEP = 'restore-security-group-rule.restore-rules';

/**
 * RestoreRule: runs only the restore step of restore-security-group-rule, after approval. It has its own role so that
 * the permission to add access is held by nothing else. Env: AUDIT_TABLE.
 */
export async function restoreRule(input: { step: string; state: RunbookState }, deps: Parameters<typeof runbookStep>[1]): Promise<RunbookState> {
  if (input.step !== RESTORE_STEP) throw new WardenError('Warden.UnknownStep', `the restore function runs only ${RESTORE_STEP}, not ${input.step}`);
  return runbookStep(input, deps);
}

const audit = () => ({ dynamodb: dynamodb(), tableName: requireEnv('AUDIT_TABLE') });

export const handler = lambda((input: { step: string; state: RunbookState }) =>
  restoreRule(input, {
    clients: actionClients, audit, policy: runtimePolicy, now: () => new Date(), registry: runbookSteps,
    progress: async (state) => {
      await saveProgress(toRecord(state), audit());
    },
  }),
);
