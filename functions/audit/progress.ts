import type { RemediationRecord } from '../domain/remediation';
import { IN_PROGRESS, put, type AuditDeps } from './record';

/**
 * Save a runbook run's record so far (outcome "in-progress"), so `warden audit show <id>` shows the timeline while
 * the run waits for an approval or a step. Never overwrites a final record: returns false when the run already ended.
 */
export async function saveProgress(record: RemediationRecord, deps: Pick<AuditDeps, 'dynamodb' | 'tableName'>): Promise<boolean> {
  return put({ ...record, outcome: IN_PROGRESS }, deps);
}
