import {
  DescribeClusterCommand, DescribeUpdateCommand, ListClustersCommand, UpdateClusterConfigCommand,
  type Cluster, type EKSClient, type LogType, type Update, type VpcConfigRequest,
} from '@aws-sdk/client-eks';
import type { EksClusterFacts, Tags } from '../domain/model';
import { errorName, rethrowThrottling, WardenError } from './errors';
import './clients/eks'; // ActionClients.eks() (aws/client-cache.ts)

/** Small typed wrappers over the EKS calls Warden makes on clusters. */

/** `arn:aws:eks:<region>:<acct>:cluster/<name>` → `<name>`; a bare name is returned as is. */
export function eksClusterName(id: string): string {
  const at = id.indexOf(':cluster/');
  return at >= 0 ? id.slice(at + ':cluster/'.length) : id;
}

/** The live cluster, or undefined when it no longer exists. */
export async function describeCluster(eks: EKSClient, name: string): Promise<Cluster | undefined> {
  try {
    return (await eks.send(new DescribeClusterCommand({ name }))).cluster;
  } catch (err) {
    if (errorName(err) === 'ResourceNotFoundException') return undefined;
    return rethrowThrottling(err);
  }
}

/** Names of every cluster of the Region (all pages). */
export async function listClusters(eks: EKSClient): Promise<string[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await eks.send(new ListClustersCommand({ nextToken })).catch(rethrowThrottling);
    names.push(...(page.clusters ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return names;
}

/** The model's view of a cluster. Fields DescribeCluster leaves out get the API defaults (public, 0.0.0.0/0). */
export function toEksClusterFacts(c: Cluster): { facts: EksClusterFacts; tags: Tags } {
  const vpc = c.resourcesVpcConfig ?? {};
  const endpointPublicAccess = vpc.endpointPublicAccess ?? true;
  const facts: EksClusterFacts = {
    name: c.name ?? '',
    ...(c.arn ? { arn: c.arn } : {}),
    endpointPublicAccess,
    endpointPrivateAccess: vpc.endpointPrivateAccess ?? false,
    publicAccessCidrs: vpc.publicAccessCidrs ?? (endpointPublicAccess ? ['0.0.0.0/0'] : []),
    enabledLogTypes: enabledLogTypes(c),
    secretsEncrypted: (c.encryptionConfig ?? []).some((e) => e.resources?.includes('secrets')),
  };
  return { facts, tags: { ...(c.tags ?? {}) } };
}

/** Control-plane log types whose setup says enabled, sorted. */
export const enabledLogTypes = (c: Cluster): string[] =>
  [...new Set((c.logging?.clusterLogging ?? []).filter((s) => s.enabled).flatMap((s) => s.types ?? []))].sort();

/** Polling of an asynchronous cluster update: short, because Step Functions retries `Warden.UpdateInProgress`. */
export const updatePolling = { attempts: 5, delayMs: 2000 };

export type UpdateOutcome = 'successful' | 'unchanged' | 'untracked' | 'gone';

/**
 * Start one cluster config update (EKS allows one type per call: logging OR endpoint access) and follow it.
 * - `unchanged`: EKS says the cluster already has this configuration (idempotent re-apply).
 * - `untracked`: the response carried no `update` (moto returns `{cluster}`); the caller verifies by reading the cluster.
 * - `successful`: DescribeUpdate reported Successful.
 * - `gone`: the cluster no longer exists.
 * Throws `Warden.UpdateInProgress` (retryable) when another update is running or ours is not done after the polls,
 * and `Warden.UpdateFailed` when it ended Failed or Cancelled.
 */
export async function updateClusterConfig(
  eks: EKSClient, name: string, change: { logging: { types: string[] } } | { resourcesVpcConfig: VpcConfigRequest },
): Promise<UpdateOutcome> {
  const input = 'logging' in change
    ? { name, logging: { clusterLogging: [{ types: change.logging.types as LogType[], enabled: true }] } }
    : { name, resourcesVpcConfig: change.resourcesVpcConfig };
  let update: Update | undefined;
  try {
    update = (await eks.send(new UpdateClusterConfigCommand(input))).update;
  } catch (err) {
    const message = (err as Error).message ?? '';
    if (errorName(err) === 'InvalidParameterException' && /no changes needed|already at the desired configuration/i.test(message)) {
      return 'unchanged';
    }
    if (errorName(err) === 'ResourceNotFoundException') return 'gone';
    if (isUpdateInProgress(err)) throw new WardenError('Warden.UpdateInProgress', `${name}: ${errorName(err)}: ${message}`);
    return rethrowThrottling(err);
  }
  if (!update?.id) return 'untracked';
  await waitForUpdate(eks, name, update);
  return 'successful';
}

/** ResourceInUseException ("… currently has update <id> in progress"), or a request refused because of the cluster's state. */
const isUpdateInProgress = (err: unknown): boolean =>
  errorName(err) === 'ResourceInUseException' ||
  (errorName(err) === 'InvalidRequestException' && /in progress|updating|creating|state of the cluster/i.test((err as Error).message ?? ''));

/** Poll DescribeUpdate a few times. */
export async function waitForUpdate(eks: EKSClient, name: string, started: Update): Promise<void> {
  let update = started;
  for (let attempt = 0; ; attempt++) {
    if (update.status === 'Successful') return;
    if (update.status === 'Failed' || update.status === 'Cancelled') {
      const errors = (update.errors ?? []).map((e) => `${e.errorCode ?? 'Error'}: ${e.errorMessage ?? ''}`).join('; ');
      throw new WardenError('Warden.UpdateFailed', `${name}: update ${update.id} ${update.status}${errors ? `: ${errors}` : ''}`);
    }
    if (attempt >= updatePolling.attempts) {
      throw new WardenError('Warden.UpdateInProgress', `${name}: update ${update.id} still ${update.status ?? 'InProgress'}`);
    }
    if (updatePolling.delayMs > 0) await new Promise((r) => setTimeout(r, updatePolling.delayMs));
    const out = await eks.send(new DescribeUpdateCommand({ name, updateId: started.id })).catch(rethrowThrottling);
    update = out.update ?? update;
  }
}
