import { saveProgress } from '../audit/progress';
import { dynamodb } from '../aws/clients/dynamodb';
import type { RunbookState } from '../runbooks/model';
import { requireEnv } from '../runtime/env';
import { logger } from '../runtime/logger';
import { toRecord } from '../domain/state';

/** The audit table (env AUDIT_TABLE), for the runbook step functions. */
export const auditTable = () => ({ dynamodb: dynamodb(), tableName: requireEnv('AUDIT_TABLE') });

/** Save a runbook run's record so far (outcome in-progress) in the audit table. */
export const saveRunProgress = async (state: RunbookState): Promise<void> => {
  await saveProgress(toRecord(state), auditTable());
};

/** Run `progress`, if any: a failure is logged, never thrown (the final Record step writes the whole timeline). */
export async function keepProgress(state: RunbookState, progress?: (state: RunbookState) => Promise<void>): Promise<void> {
  await progress?.(state).catch((err: unknown) => logger.warn('progress not saved', { id: state.context.id, error: (err as Error).message }));
}
