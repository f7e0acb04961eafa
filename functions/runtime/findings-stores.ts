import type { DecisionMemory } from '../domain/decisions';
import type { ResourceLocks } from '../domain/locks';

/**
 * The decisions that stick and the resource locks, both items of the findings table (`table()`: env FINDINGS_TABLE),
 * for triage, the sweep items and Record. The stores and the DynamoDB client load on first use, so an event that
 * needs no fix loads neither.
 */
export function findingsStores(table: () => string): { decisions: DecisionMemory; locks: ResourceLocks } {
  const load = async () => {
    const [{ dynamoDecisionMemory }, { dynamoResourceLocks }, { dynamodb }] = await Promise.all([
      import('../aws/sticky-decisions'), import('../aws/resource-locks'), import('../aws/clients/dynamodb'),
    ]);
    const tableName = table();
    return { decisions: dynamoDecisionMemory({ dynamodb, tableName }), locks: dynamoResourceLocks({ dynamodb, tableName }) };
  };
  return {
    decisions: { recall: async (key) => (await load()).decisions.recall(key), remember: async (d) => (await load()).decisions.remember(d) },
    locks: { take: async (req) => (await load()).locks.take(req), release: async (key, run) => (await load()).locks.release(key, run) },
  };
}
