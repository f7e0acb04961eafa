import type { ECRClient, Repository } from '@aws-sdk/client-ecr';
import type { Cluster, EKSClient } from '@aws-sdk/client-eks';
import type { Facts, ResourceRef, Tags } from '../domain/model';
import { describeRepository, ecrRepositoryName, repositoryTags, toRepositoryFacts } from './ecr';
import { describeCluster, eksClusterName, toEksClusterFacts } from './eks';

/** Live facts + tags of EKS clusters and ECR repositories, for triage and `warden evaluate --live`. */

export type LiveFacts = { facts: Facts; tags: Tags } | undefined;

/** DescribeCluster (1 call; tags come with it). Undefined when the cluster no longer exists. */
export async function readEksCluster(ref: ResourceRef, clients: { eks: () => EKSClient }): Promise<LiveFacts> {
  const cluster = await describeCluster(clients.eks(), eksClusterName(ref.id));
  return cluster ? eksClusterLive(cluster) : undefined;
}

/** DescribeRepositories + ListTagsForResource (2 calls). Undefined when the repository no longer exists. */
export async function readEcrRepository(ref: ResourceRef, clients: { ecr: () => ECRClient }): Promise<LiveFacts> {
  const repository = await describeRepository(clients.ecr(), ecrRepositoryName(ref.id));
  if (!repository) return undefined;
  const tags = repository.repositoryArn ? await repositoryTags(clients.ecr(), repository.repositoryArn) : {};
  if (tags === undefined) return undefined; // deleted between the two calls
  return ecrRepositoryLive(repository, tags);
}

// ---------- described SDK shapes → live facts and tags (shared with `warden scan`'s inventory, inventory/eks-ecr.ts) ----------

export function eksClusterLive(cluster: Cluster): NonNullable<LiveFacts> {
  const { facts, tags } = toEksClusterFacts(cluster);
  return { facts: { kind: 'eks-cluster', cluster: facts }, tags };
}

export const ecrRepositoryLive = (repository: Repository, tags: Tags): NonNullable<LiveFacts> =>
  ({ facts: { kind: 'ecr-repository', repository: toRepositoryFacts(repository) }, tags });
