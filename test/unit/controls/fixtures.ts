/** Facts built directly (no event files): the controls' input contract. */
import type {
  ContainerFacts,
  EksClusterFacts,
  Facts,
  Observation,
  ResourceType,
  ServiceFacts,
  TaskDefinitionFacts,
  TaskRunFacts,
} from '../../../functions/domain/model';
import { defaultPolicy, type PolicyInput } from '../../../functions/domain/policy';

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';
export const OWN_ECR = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;

export const policy = (over: PolicyInput = {}) => defaultPolicy(over);

export const container = (over: Partial<ContainerFacts> = {}): ContainerFacts => ({
  name: 'web',
  image: `${OWN_ECR}/web:1.2.3`,
  user: '1000',
  privileged: false,
  readonlyRootFilesystem: true,
  logging: true,
  environment: [],
  secrets: [],
  ...over,
});

export const taskDefinition = (containers: ContainerFacts[] = [container()], over: Partial<TaskDefinitionFacts> = {}): TaskDefinitionFacts => ({
  family: 'web',
  revision: 3,
  arn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/web:3`,
  networkMode: 'awsvpc',
  containers,
  ...over,
});

const RESOURCE_ID: Record<string, string> = {
  'AWS::ECS::TaskDefinition': `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/web:3`,
  'AWS::ECS::Service': `arn:aws:ecs:${REGION}:${ACCOUNT}:service/main/web`,
  'AWS::ECS::Task': `arn:aws:ecs:${REGION}:${ACCOUNT}:task/main/0123456789abcdef`,
  'AWS::ECS::Cluster': `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/main`,
  'AWS::::Account': ACCOUNT,
  'AWS::EKS::Cluster': `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/prod`,
  'AWS::ECR::Repository': `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/web`,
  'AWS::EC2::Instance': `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/i-0123456789abcdef0`,
};

const TYPE_OF: Record<Exclude<Facts['kind'], 'flagged' | 'sg-rules' | 'sg-flagged'>, ResourceType> = {
  'ecs-task-definition': 'AWS::ECS::TaskDefinition',
  'ecs-service': 'AWS::ECS::Service',
  'ecs-task-run': 'AWS::ECS::Task',
  'ecs-cluster': 'AWS::ECS::Cluster',
  'ecs-account-setting': 'AWS::::Account',
  'eks-cluster': 'AWS::EKS::Cluster',
  'ecr-repository': 'AWS::ECR::Repository',
  'guardduty-finding': 'AWS::ECS::Task',
};

/** An observation around facts; the resource type follows the facts kind (or `type` for flagged facts). */
export function observation(facts: Facts, over: { type?: ResourceType; eventName?: string; tags?: Record<string, string>; source?: Observation['source'] } = {}): Observation {
  const type = over.type ?? (facts.kind in TYPE_OF ? TYPE_OF[facts.kind as keyof typeof TYPE_OF] : 'AWS::ECS::TaskDefinition');
  return {
    source: over.source ?? 'cloudtrail',
    eventId: 'evt-1',
    eventName: over.eventName ?? 'Test',
    time: '2025-01-01T00:00:00Z',
    account: ACCOUNT,
    region: REGION,
    resource: { type, id: RESOURCE_ID[type] ?? 'x', account: ACCOUNT, region: REGION, ...(over.tags ? { tags: over.tags } : {}) },
    facts,
  };
}

export const tdObs = (td: TaskDefinitionFacts, over: Parameters<typeof observation>[1] = {}) =>
  observation({ kind: 'ecs-task-definition', taskDefinition: td }, { eventName: 'RegisterTaskDefinition', ...over });

export const serviceObs = (service: Partial<ServiceFacts>, over: Parameters<typeof observation>[1] = {}) =>
  observation({ kind: 'ecs-service', service: { cluster: 'main', serviceName: 'web', ...service } }, over);

export const runObs = (run: Partial<TaskRunFacts>, over: Parameters<typeof observation>[1] = {}) =>
  observation(
    { kind: 'ecs-task-run', run: { cluster: 'main', taskDefinition: 'web:3', tasks: [`arn:aws:ecs:${REGION}:${ACCOUNT}:task/main/0123456789abcdef`], ...run } },
    { eventName: 'RunTask', ...over },
  );

export const eksObs = (cluster: Partial<EksClusterFacts>, over: Parameters<typeof observation>[1] = {}) =>
  observation({ kind: 'eks-cluster', cluster: { name: 'prod', ...cluster } }, over);

/** Config / Security Hub without resource data, naming `controls`. */
export const flagged = (type: ResourceType, controls: string[], flaggedBy = 'Security Hub ECS.x') =>
  observation({ kind: 'flagged', flaggedBy, controls }, { type, source: 'securityhub' });
