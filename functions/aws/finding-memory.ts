import { GetItemCommand, UpdateItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { FindingMemory, SeenFinding } from '../domain/repeats';
import { isConditionFailed, rethrowThrottling } from './errors';

/** How long a handled finding is remembered (TTL attribute `purgeAt`, epoch seconds). */
export const REMEMBER_SECONDS = 90 * 86_400;

export interface FindingMemoryDeps {
  dynamodb: () => DynamoDBClient;
  tableName: string;
  /** Epoch milliseconds; defaults to Date.now. */
  now?: () => number;
}

const num = (v: AttributeValue | undefined): number | undefined => (v?.N !== undefined ? Number(v.N) : undefined);

export function fromItem(item: Record<string, AttributeValue> | undefined): SeenFinding | undefined {
  const severity = num(item?.severity);
  if (!item?.id?.S || severity === undefined || !item.handledAt?.S) return undefined;
  const count = num(item.count);
  return {
    id: item.id.S, severity, handledAt: item.handledAt.S,
    ...(item.updatedAt?.S ? { updatedAt: item.updatedAt.S } : {}), ...(count !== undefined ? { count } : {}),
  };
}

/**
 * The findings table (key `id`): one item per handled GuardDuty finding, written with plain AttributeValues. A write
 * never lowers the stored severity: the conditional check fails and is swallowed (a higher one was recorded first).
 */
export function dynamoFindingMemory(deps: FindingMemoryDeps): FindingMemory {
  return {
    async recall(id) {
      try {
        const out = await deps.dynamodb().send(new GetItemCommand({ TableName: deps.tableName, Key: { id: { S: id } }, ConsistentRead: true }));
        return fromItem(out.Item);
      } catch (err) {
        return rethrowThrottling(err);
      }
    },
    async remember(f) {
      const purgeAt = Math.floor((deps.now ?? Date.now)() / 1000) + REMEMBER_SECONDS;
      const values: Record<string, AttributeValue> = {
        ':s': { N: String(f.severity) }, ':h': { S: f.handledAt }, ':p': { N: String(purgeAt) },
      };
      const set = ['#severity = :s', 'handledAt = :h', 'purgeAt = :p'];
      const remove: string[] = [];
      if (f.updatedAt) {
        values[':u'] = { S: f.updatedAt };
        set.push('updatedAt = :u');
      } else remove.push('updatedAt');
      // COUNT is a DynamoDB reserved word.
      if (f.count !== undefined) {
        values[':c'] = { N: String(f.count) };
        set.push('#count = :c');
      } else remove.push('#count');
      try {
        await deps.dynamodb().send(new UpdateItemCommand({
          TableName: deps.tableName,
          Key: { id: { S: f.id } },
          UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
          ConditionExpression: 'attribute_not_exists(id) OR #severity <= :s',
          ExpressionAttributeNames: { '#severity': 'severity', '#count': 'count' },
          ExpressionAttributeValues: values,
        }));
      } catch (err) {
        if (isConditionFailed(err)) return;
        rethrowThrottling(err);
      }
    },
  };
}
