import type { ECRClient } from '@aws-sdk/client-ecr';
import type { EKSClient } from '@aws-sdk/client-eks';
import { ecrRepositoryRef, eksClusterRef } from '../../domain/events/refs';
import type { ScannedResource } from '../../domain/scan';
import { listRepositories, repositoryTags } from '../ecr';
import { describeCluster, listClusters } from '../eks';
import { ecrRepositoryLive, eksClusterLive } from '../live-eks-ecr';
import { mapLimit, PARALLEL, whereOfArn, type Inventory, type OnGap } from './kit';

/** Every EKS cluster of the Region: ListClusters, then DescribeCluster each (tags come with it). */
export async function eksInventory(eks: EKSClient, region: string, gap: OnGap): Promise<Inventory> {
  const names = await listClusters(eks);
  const read = await mapLimit(names, PARALLEL, async (name): Promise<ScannedResource[]> => {
    const cluster = await describeCluster(eks, name).catch((err: unknown) => void gap(`EKS cluster ${name}`, err));
    if (!cluster) return []; // deleted since it was listed, or a gap
    return [{ ref: eksClusterRef(whereOfArn(cluster.arn ?? '', region), name, cluster.arn), ...eksClusterLive(cluster) }];
  });
  return { 'EKS clusters': read.flat() };
}

/** Every repository of the Region's private registry: DescribeRepositories (all pages), then each one's tags. */
export async function ecrInventory(ecr: ECRClient, region: string, gap: OnGap): Promise<Inventory> {
  const repositories = await listRepositories(ecr);
  const read = await mapLimit(repositories, PARALLEL, async (repo): Promise<ScannedResource[]> => {
    const name = repo.repositoryName ?? '';
    if (!repo.repositoryArn) return [];
    const tags = await repositoryTags(ecr, repo.repositoryArn).catch((err: unknown) => void gap(`tags of ECR repository ${name}`, err));
    if (!tags) return []; // deleted since it was listed, or a gap
    return [{ ref: ecrRepositoryRef(whereOfArn(repo.repositoryArn, region), name, repo.repositoryArn), ...ecrRepositoryLive(repo, tags) }];
  });
  return { 'ECR repositories': read.flat() };
}
