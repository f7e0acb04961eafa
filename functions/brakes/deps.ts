import { requireEnv } from '../runtime/env';
import type { GateDeps } from './gate';

/**
 * The brakes as the Lambdas use them: the deployed policy, read through the function's policy loader (its SSM
 * parameter, cached for PolicyCacheSeconds; a refused document keeps the last good one; with none, the brakes hold
 * every change: loaded on first use, with the SSM client and zod), and the brakes table (env BRAKES_TABLE, its
 * DynamoDB client on first use).
 */
export const deployedBrakes: GateDeps['deployed'] = async () => {
  const { policy, version } = await (await import('../runtime/deployed-policy')).deployedPolicy().current();
  return version?.status === 'fail-closed' ? { ...policy, failedClosed: version.problem ?? 'unknown problem' } : policy;
};

export async function brakesTableOfEnv() {
  const [{ brakesTable }, { dynamodb }] = await Promise.all([import('../aws/brakes-table'), import('../aws/clients/dynamodb')]);
  return brakesTable({ dynamodb, tableName: requireEnv('BRAKES_TABLE') });
}
