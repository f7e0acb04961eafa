/** Grants several actions share (pure data, no SDK). Each action declares its own in its file. */
import { anyResource, arn, ecsTagReads, type Grant } from '../aws/permissions';

export const describeTasks: Grant = { actions: ['ecs:DescribeTasks'], resources: [arn('ecs', 'task/*')], why: 'the tasks named, and whether they still run' };
export const describeServices: Grant = { actions: ['ecs:DescribeServices'], resources: [arn('ecs', 'service/*')], why: 'the service as it is now' };
export const describeTaskDefinitions = anyResource(['ecs:DescribeTaskDefinition'], 'task definitions (they have no resource-level permissions)');
export const revisions = anyResource(
  ['ecs:DescribeTaskDefinition', 'ecs:ListTaskDefinitions'],
  "a family's revisions (task definitions and ListTaskDefinitions have no resource-level permissions)",
);
/** ecs.ts familyServices: ACTIVE services of a family, in every cluster when none is known. */
export const familyServices: readonly Grant[] = [
  anyResource(['ecs:ListClusters', 'ecs:ListServices'], 'the services of a family, in every cluster when none is known (no resource-level permissions)'),
  describeServices,
];
export const describeEcsClusters: Grant = { actions: ['ecs:DescribeClusters'], resources: [arn('ecs', 'cluster/*')], why: "the cluster's Container Insights setting" };
export const updateEksCluster: Grant = {
  actions: ['eks:UpdateClusterConfig', 'eks:DescribeUpdate'],
  resources: [arn('eks', 'cluster/*')],
  why: 'one cluster config update (logging or endpoint access), followed with DescribeUpdate',
};
export const describeRepositories: Grant = { actions: ['ecr:DescribeRepositories'], resources: [arn('ecr', 'repository/*')], why: 'the repository setting, read again' };

/** harden-task-definition's re-check; notify-owner runs it too, for a service on a non-compliant revision. */
export const hardenInspect: readonly Grant[] = [describeTaskDefinitions, ecsTagReads(['task-definition']), ...familyServices];
