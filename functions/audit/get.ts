import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { RemediationRecord } from '../domain/remediation';
import { fromItem } from './item';

export interface GetAuditDeps {
  dynamodb: DynamoDBClient;
  tableName: string;
}

/** One audit record by id (the execution name), or undefined when there is none. For `warden audit show`. */
export async function getAuditRecord(id: string, deps: GetAuditDeps): Promise<RemediationRecord | undefined> {
  const out = await deps.dynamodb.send(
    new GetItemCommand({ TableName: deps.tableName, Key: { id: { S: id } }, ConsistentRead: true }),
  );
  return fromItem(out.Item);
}
