import { GetItemCommand, PutItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DecisionMemory, StickyDecision } from '../domain/decisions';
import { rethrowThrottling } from './errors';

export interface StickyDecisionsDeps {
  dynamodb: () => DynamoDBClient;
  /** The findings table: decisions are its items keyed `decision#…`. */
  tableName: string;
}

/** A day after a decision ends, DynamoDB's TTL (`purgeAt`) may delete its item; the check reads `until`. */
const PURGE_AFTER_SECONDS = 86_400;

/**
 * Decisions that stick, as items of the findings table: `{ id: decision#…, until, purgeAt, decision: <JSON> }`. The
 * latest decision on a fix replaces the one before (an unconditional put: Record's retries write the same item).
 */
export function dynamoDecisionMemory(deps: StickyDecisionsDeps): DecisionMemory {
  return {
    async recall(key) {
      try {
        const out = await deps.dynamodb().send(new GetItemCommand({ TableName: deps.tableName, Key: { id: { S: key } }, ConsistentRead: true }));
        const json = out.Item?.decision?.S;
        return json ? (JSON.parse(json) as StickyDecision) : undefined;
      } catch (err) {
        return rethrowThrottling(err);
      }
    },
    async remember(d) {
      const purgeAt = Math.floor(Date.parse(d.until) / 1000) + PURGE_AFTER_SECONDS;
      const item: Record<string, AttributeValue> = {
        id: { S: d.key }, kind: { S: 'decision' }, until: { S: d.until }, purgeAt: { N: String(purgeAt) }, decision: { S: JSON.stringify(d) },
      };
      try {
        await deps.dynamodb().send(new PutItemCommand({ TableName: deps.tableName, Item: item }));
      } catch (err) {
        rethrowThrottling(err);
      }
    },
  };
}
