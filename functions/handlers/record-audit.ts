import { recordAudit } from '../audit/record';
import { clients, type Clients } from '../aws/clients';
import { requireEnv, runtimePolicy } from '../runtime/config';
import { lambda } from '../runtime/lambda';
import { logger } from '../runtime/logger';
import { toRecord, type RemediationState } from './state';

/** Write the audit item and emit "Warden Remediation Completed|Failed". Idempotent: a retry finds the item there. */
export async function recordRemediation(
  state: RemediationState,
  deps: { clients: Clients; tableName: string; busName: string; fallbackChannel: string } = {
    clients, tableName: requireEnv('AUDIT_TABLE'), busName: requireEnv('EVENT_BUS_NAME'),
    fallbackChannel: runtimePolicy().owners.fallback,
  },
) {
  const record = toRecord(state, deps.fallbackChannel);
  const result = await recordAudit(record, {
    dynamodb: deps.clients.dynamodb(), events: deps.clients.events(), tableName: deps.tableName, busName: deps.busName,
  });
  logger.info('recorded', { id: record.id, outcome: record.outcome, durationMs: record.durationMs, ...result });
  return { outcome: record.outcome, ...result };
}

export const handler = lambda((state: RemediationState) => recordRemediation(state));
