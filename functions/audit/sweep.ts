import { GetItemCommand, PutItemCommand, UpdateItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { isConditionFailed } from '../aws/errors';
import type { SweepSummary } from '../domain/sweep';
import { EVENT_SOURCE } from './record';

export interface SweepAuditDeps {
  dynamodb: DynamoDBClient;
  events: EventBridgeClient;
  tableName: string;
  busName: string;
}

/** A sweep's summary item in the audit table: `sweep#<sweep id>` (no run's audit id has a `#`). */
export const sweepItemId = (sweepId: string): string => `sweep#${sweepId}`;

export const sweepDetailType = (s: SweepSummary): string => (s.status === 'failed' ? 'Warden Sweep Failed' : 'Warden Sweep Completed');

function toItem(s: SweepSummary): Record<string, AttributeValue> {
  const n = (v: number): AttributeValue => ({ N: String(v) });
  return {
    id: { S: sweepItemId(s.sweepId) }, kind: { S: 'sweep' }, outcome: { S: s.status }, source: { S: 'sweep' },
    requestedAt: { S: s.startedAt }, finishedAt: { S: s.finishedAt },
    items: n(s.items), resources: n(s.resources), findings: n(s.findings), runsStarted: n(s.runsStarted),
    suppressed: n(s.suppressed), locked: n(s.locked), gaps: n(s.gaps), summary: { S: JSON.stringify(s) },
  };
}

/** The summary back from its item, or undefined. */
export async function getSweepSummary(sweepId: string, deps: Pick<SweepAuditDeps, 'dynamodb' | 'tableName'>): Promise<SweepSummary | undefined> {
  const out = await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: { id: { S: sweepItemId(sweepId) } }, ConsistentRead: true }));
  const json = out.Item?.summary?.S;
  return json ? (JSON.parse(json) as SweepSummary) : undefined;
}

/**
 * Write the sweep's summary once, then publish "Warden Sweep Completed|Failed" on the Warden bus, as a run's record is
 * (audit/record.ts): the put is conditional and the published event id is kept on the item, so a retried Summarize
 * publishes once.
 */
export async function recordSweep(s: SweepSummary, deps: SweepAuditDeps): Promise<{ stored: boolean; eventId: string }> {
  const id = sweepItemId(s.sweepId);
  let stored = true;
  try {
    await deps.dynamodb.send(new PutItemCommand({ TableName: deps.tableName, Item: toItem(s), ConditionExpression: 'attribute_not_exists(id)' }));
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
    stored = false;
    const known = await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: { id: { S: id } }, ConsistentRead: true, ProjectionExpression: 'publishedEventId' }));
    const eventId = known.Item?.publishedEventId?.S;
    if (eventId) return { stored, eventId };
  }
  const out = await deps.events.send(new PutEventsCommand({
    Entries: [{ EventBusName: deps.busName, Source: EVENT_SOURCE, DetailType: sweepDetailType(s), Detail: JSON.stringify(s), Time: new Date(s.finishedAt) }],
  }));
  const entry = out.Entries?.[0];
  if ((out.FailedEntryCount ?? 0) > 0 || !entry?.EventId) {
    throw new Error(`PutEvents to ${deps.busName} failed for sweep ${s.sweepId}: ${entry?.ErrorCode ?? 'no event id returned'}`);
  }
  await deps.dynamodb.send(new UpdateItemCommand({
    TableName: deps.tableName, Key: { id: { S: id } }, UpdateExpression: 'SET publishedEventId = :e',
    ConditionExpression: 'attribute_exists(id)', ExpressionAttributeValues: { ':e': { S: entry.EventId } },
  }));
  return { stored, eventId: entry.EventId };
}
