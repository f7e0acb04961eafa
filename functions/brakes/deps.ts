import { requireEnv } from '../runtime/env';
import type { GateDeps } from './gate';

/**
 * The brakes as the Lambdas use them: the deployed policy (parsing it loads zod, so it loads on first use) and the
 * brakes table (env BRAKES_TABLE, its DynamoDB client loaded on first use).
 */
export const deployedBrakes: GateDeps['deployed'] = async () => (await import('../runtime/config')).runtimePolicy();

export async function brakesTableOfEnv() {
  const [{ brakesTable }, { dynamodb }] = await Promise.all([import('../aws/brakes-table'), import('../aws/clients/dynamodb')]);
  return brakesTable({ dynamodb, tableName: requireEnv('BRAKES_TABLE') });
}
