import { PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** A person's action on the brakes, kept in the audit table beside the runs (`warden breaker reset`). */
export interface BrakeAction {
  action: 'reset';
  /** Who (the caller's ARN, or local:<user>). */
  by: string;
  at: string;
  reason?: string;
  /** What it did, for people: "cleared control:x 5/5, total 5/50". */
  detail: string;
}

/**
 * Write a brake action to the audit table, as item `brakes#<action>#<at>#<suffix>` (no audit record id has a `#`),
 * once (conditional put). It has no `record`: `warden audit show` reads runs, and this is not one.
 */
export async function recordBrakeAction(a: BrakeAction, deps: { dynamodb: DynamoDBClient; tableName: string }, suffix: string): Promise<string> {
  const id = `brakes#${a.action}#${a.at}#${suffix}`;
  await deps.dynamodb.send(new PutItemCommand({
    TableName: deps.tableName, ConditionExpression: 'attribute_not_exists(id)',
    Item: {
      id: { S: id }, kind: { S: 'brakes' }, action: { S: a.action }, by: { S: a.by }, at: { S: a.at }, detail: { S: a.detail },
      ...(a.reason ? { reason: { S: a.reason } } : {}),
    },
  }));
  return id;
}
