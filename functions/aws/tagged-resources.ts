import { DescribeRepositoriesCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { ListClustersCommand, type EKSClient } from '@aws-sdk/client-eks';
import { GetResourcesCommand, type ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { containerRef } from '../domain/events/refs';
import type { ResourceType, Tags } from '../domain/model';
import { repositoryTags } from './ecr';
import { describeCluster } from './eks';
import { rethrowThrottling } from './errors';
import { fromAwsTags } from './tags';
import './clients/ecr'; // the clients ActionClients finds (aws/client-cache.ts)
import './clients/eks';

/** A resource Warden watches that carries one of the given tag keys. */
export interface TaggedResource {
  type: ResourceType;
  /** What findings name it by (the same ref the event path builds): the group id, else as `containerRef` names it. */
  id: string;
  arn: string;
  tags: Tags;
}

export interface TaggedResourceClients {
  tagging: () => ResourceGroupsTaggingAPIClient;
  ecr: () => ECRClient;
  eks: () => EKSClient;
}

/** The Resource Groups Tagging API's type filters for the resources it lists here (EC2 and ECS). */
const TAGGING_TYPES: Record<string, ResourceType> = {
  'ec2:security-group': 'AWS::EC2::SecurityGroup',
  'ecs:cluster': 'AWS::ECS::Cluster',
  'ecs:service': 'AWS::ECS::Service',
  'ecs:task-definition': 'AWS::ECS::TaskDefinition',
};

const typeOfArn = (arn: string): ResourceType | undefined => {
  const [, , service, , , resource = ''] = arn.split(':');
  return TAGGING_TYPES[`${service}:${resource.split('/')[0]}`];
};

/**
 * Every security group, ECS cluster, service and task definition, ECR repository and EKS cluster of the Region that
 * carries at least one of `keys`. Security groups and ECS resources come from the Resource Groups Tagging API (one
 * GetResources per key, all pages); ECR repositories and EKS clusters are listed and read one by one, because the
 * tagging API's emulator does not serve them and their own APIs return their tags directly.
 */
export async function resourcesTagged(c: TaggedResourceClients, keys: readonly string[]): Promise<TaggedResource[]> {
  const found = new Map<string, TaggedResource>();
  const add = (type: ResourceType, arn: string, tags: Tags) => {
    const [, , , region = '', account = ''] = arn.split(':');
    const id = type === 'AWS::EC2::SecurityGroup' ? arn.split('/').pop()! : containerRef(type, arn, { account, region })?.id ?? arn;
    found.set(arn, { type, id, arn, tags });
  };
  const has = (tags: Tags) => keys.some((k) => Object.hasOwn(tags, k));
  for (const Key of keys) {
    let PaginationToken: string | undefined;
    do {
      const page = await c.tagging().send(new GetResourcesCommand({
        TagFilters: [{ Key }], ResourceTypeFilters: Object.keys(TAGGING_TYPES), PaginationToken,
      })).catch(rethrowThrottling);
      for (const r of page.ResourceTagMappingList ?? []) {
        const type = r.ResourceARN ? typeOfArn(r.ResourceARN) : undefined;
        if (!type || !r.ResourceARN) continue;
        add(type, r.ResourceARN, fromAwsTags(r.Tags));
      }
      PaginationToken = page.PaginationToken || undefined;
    } while (PaginationToken);
  }
  let nextToken: string | undefined;
  do {
    const page = await c.ecr().send(new DescribeRepositoriesCommand({ nextToken })).catch(rethrowThrottling);
    for (const repo of page.repositories ?? []) {
      if (!repo.repositoryArn) continue;
      const tags = (await repositoryTags(c.ecr(), repo.repositoryArn)) ?? {};
      if (has(tags)) add('AWS::ECR::Repository', repo.repositoryArn, tags);
    }
    nextToken = page.nextToken;
  } while (nextToken);
  do {
    const page = await c.eks().send(new ListClustersCommand({ nextToken })).catch(rethrowThrottling);
    for (const name of page.clusters ?? []) {
      const cluster = await describeCluster(c.eks(), name);
      const tags = cluster?.tags ?? {};
      if (cluster?.arn && has(tags)) add('AWS::EKS::Cluster', cluster.arn, tags);
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return [...found.values()];
}
