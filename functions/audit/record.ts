import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { RemediationRecord } from '../domain/remediation';
import { isConditionFailed } from '../aws/errors';
import { EVENT_MAX_BYTES, ITEM_MAX_BYTES, fitRecord } from './fit';
import { toItem } from './item';

export interface AuditDeps {
  dynamodb: DynamoDBClient;
  events: EventBridgeClient;
  tableName: string;
  busName: string;
}

export interface AuditResult {
  /** This call wrote the item. */
  stored: boolean;
  /** The item already existed (a retried Record step): not an error, and never overwritten. */
  duplicate: boolean;
  /** The EventBridge event id of the "Warden Remediation *" event, when known. */
  eventId?: string;
}

export const EVENT_SOURCE = 'warden';
export const detailType = (record: RemediationRecord): string =>
  record.outcome === 'failed' ? 'Warden Remediation Failed' : 'Warden Remediation Completed';

// Room for the item's query attributes next to `record`, and for the event's envelope next to Detail.
const ITEM_RECORD_BUDGET = ITEM_MAX_BYTES - 16 * 1024;
const EVENT_DETAIL_BUDGET = EVENT_MAX_BYTES - 4 * 1024;

export const IN_PROGRESS = 'in-progress';


export async function put(record: RemediationRecord, deps: Pick<AuditDeps, 'dynamodb' | 'tableName'>): Promise<boolean> {
  try {
    await deps.dynamodb.send(
      new PutItemCommand({
        TableName: deps.tableName,
        Item: toItem(fitRecord(record, ITEM_RECORD_BUDGET)),
        // A runbook's progress item (outcome in-progress) is replaced by the final record; a final record never is.
        ConditionExpression: 'attribute_not_exists(id) OR outcome = :progress',
        ExpressionAttributeValues: { ':progress': { S: IN_PROGRESS } },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailed(err)) return false;
    throw err;
  }
}

/** The event id already published for this record, if a previous attempt got that far. */
async function publishedEventId(id: string, deps: AuditDeps): Promise<string | undefined> {
  const out = await deps.dynamodb.send(
    new GetItemCommand({
      TableName: deps.tableName,
      Key: { id: { S: id } },
      ConsistentRead: true,
      ProjectionExpression: 'publishedEventId',
    }),
  );
  return out.Item?.publishedEventId?.S;
}

async function publish(record: RemediationRecord, deps: AuditDeps): Promise<string> {
  const detail = fitRecord(record, EVENT_DETAIL_BUDGET);
  const time = new Date(record.finishedAt);
  const out = await deps.events.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: deps.busName,
          Source: EVENT_SOURCE,
          DetailType: detailType(record),
          Detail: JSON.stringify(detail),
          ...(record.finding.resource.arn && { Resources: [record.finding.resource.arn] }),
          ...(!Number.isNaN(time.getTime()) && { Time: time }),
        },
      ],
    }),
  );
  const entry = out.Entries?.[0];
  if ((out.FailedEntryCount ?? 0) > 0 || !entry?.EventId) {
    const why = entry?.ErrorCode ? `${entry.ErrorCode}: ${entry.ErrorMessage ?? ''}` : 'no event id returned';
    throw new Error(`PutEvents to ${deps.busName} failed for audit record ${record.id}: ${why}`);
  }
  return entry.EventId;
}

/**
 * Write the audit record once, then publish "Warden Remediation Completed|Failed" on the custom bus.
 * Idempotent for a retried Record step: the PutItem is conditional, and the published event id is stored on
 * the item, so a retry after a failed PutEvents publishes, and a retry after a successful one does not.
 */
export async function recordAudit(record: RemediationRecord, deps: AuditDeps): Promise<AuditResult> {
  const stored = await put(record, deps);
  if (!stored) {
    const eventId = await publishedEventId(record.id, deps);
    if (eventId) return { stored: false, duplicate: true, eventId };
  }
  const eventId = await publish(record, deps);
  await deps.dynamodb.send(
    new UpdateItemCommand({
      TableName: deps.tableName,
      Key: { id: { S: record.id } },
      UpdateExpression: 'SET publishedEventId = :e',
      ConditionExpression: 'attribute_exists(id)',
      ExpressionAttributeValues: { ':e': { S: eventId } },
    }),
  );
  return { stored, duplicate: !stored, eventId };
}
