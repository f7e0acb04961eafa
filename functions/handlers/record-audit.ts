import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { recordAudit } from '../audit/record';
import { dynamodb } from '../aws/clients/dynamodb';
import { events } from '../aws/clients/events';
import { requireEnv } from '../runtime/env';
import { lambda } from '../runtime/lambda';
import { logger } from '../runtime/logger';
import { toRecord, type RemediationState } from '../domain/state';

/** Write the audit item and emit "Warden Remediation Completed|Failed". Idempotent: a retry finds the item there. */
export async function recordRemediation(
  state: RemediationState,
  deps: { dynamodb: () => DynamoDBClient; events: () => EventBridgeClient; tableName: string; busName: string } = {
    dynamodb, events, tableName: requireEnv('AUDIT_TABLE'), busName: requireEnv('EVENT_BUS_NAME'),
  },
) {
  const record = toRecord(state);
  const result = await recordAudit(record, { dynamodb: deps.dynamodb(), events: deps.events(), tableName: deps.tableName, busName: deps.busName });
  logger.info('recorded', { id: record.id, outcome: record.outcome, durationMs: record.durationMs, ...result });
  return { outcome: record.outcome, ...result };
}

export const handler = lambda((state: RemediationState) => recordRemediation(state));
