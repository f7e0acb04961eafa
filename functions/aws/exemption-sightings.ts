import { GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ExemptionSightings } from '../domain/policy/exemption';
import { isConditionFailed, rethrowThrottling } from './errors';

export interface ExemptionSightingsDeps {
  dynamodb: () => DynamoDBClient;
  /** The audit table: sightings are its items keyed `exemption#…` (no audit id has a `#`). */
  tableName: string;
}

/**
 * When Warden first saw each exemption, in the audit table: one item per exemption (`id` = the sighting key,
 * `firstSeen`). A read first (the usual case: already seen); the first sighting is a conditional put
 * (`attribute_not_exists(id)`), so concurrent functions agree: the one that loses reads the winner's time.
 */
export function dynamoExemptionSightings(deps: ExemptionSightingsDeps): ExemptionSightings {
  const read = async (key: string): Promise<string | undefined> => {
    const out = await deps.dynamodb().send(new GetItemCommand({
      TableName: deps.tableName, Key: { id: { S: key } }, ConsistentRead: true, ProjectionExpression: 'firstSeen',
    }));
    return out.Item?.firstSeen?.S;
  };
  return {
    async firstSeen(key, now, record) {
      try {
        const known = await read(key);
        if (known || !record) return known;
        const at = now.toISOString();
        try {
          await deps.dynamodb().send(new PutItemCommand({
            TableName: deps.tableName,
            Item: { id: { S: key }, kind: { S: 'exemption-sighting' }, firstSeen: { S: at } },
            ConditionExpression: 'attribute_not_exists(id)',
          }));
          return at;
        } catch (err) {
          if (!isConditionFailed(err)) throw err;
          return await read(key); // another function saw it first: its time stands
        }
      } catch (err) {
        return rethrowThrottling(err);
      }
    },
  };
}
