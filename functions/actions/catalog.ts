/**
 * Every action, declared once: its id, title, whether it only plans, and the IAM permissions of each phase it has.
 * Pure data (no action code, no SDK), so the template generator, the tests and the registry read it without loading
 * a client. The code is in functions/actions/<id>.ts (`fixingAction` / `planOnlyAction` take id and title from here);
 * the registry (index.ts) loads it on first use. `npm run gen:template` writes LoadLiveState's statements from every
 * `inspect`, ApplyRemediation's from every `apply`, VerifyRemediation's from every `verify`.
 */
import {
  anyResource, arn, ecsTagReads, ECR_REPOSITORY_READS, ECS_RESOURCE_READS, EKS_CLUSTER_READS, FRONT_END_READS,
  SECURITY_GROUP_READS, type Grant,
} from '../aws/permissions';

export type Phase = 'inspect' | 'apply' | 'verify';

interface Declared {
  id: string;
  title: string;
}

/** Changes the account: inspect → apply → verify. */
export interface FixingDeclaration extends Declared {
  planOnly: false;
  permissions: Record<Phase, readonly Grant[]>;
}

/** Plans only: tells the owner the exact change; its mode is never below approval. */
export interface PlanOnlyDeclaration extends Declared {
  planOnly: true;
  permissions: { inspect: readonly Grant[] };
}

export type ActionDeclaration = FixingDeclaration | PlanOnlyDeclaration;

// ---------- grants shared by several actions ----------

const describeTasks: Grant = { actions: ['ecs:DescribeTasks'], resources: [arn('ecs', 'task/*')], why: 'the tasks named, and whether they still run' };
const describeServices: Grant = { actions: ['ecs:DescribeServices'], resources: [arn('ecs', 'service/*')], why: 'the service as it is now' };
const describeTaskDefinitions = anyResource(['ecs:DescribeTaskDefinition'], 'task definitions (they have no resource-level permissions)');
const revisions = anyResource(
  ['ecs:DescribeTaskDefinition', 'ecs:ListTaskDefinitions'],
  "a family's revisions (task definitions and ListTaskDefinitions have no resource-level permissions)",
);
/** ecs.ts familyServices: ACTIVE services of a family, in every cluster when none is known. */
const familyServices: readonly Grant[] = [
  anyResource(['ecs:ListClusters', 'ecs:ListServices'], 'the services of a family, in every cluster when none is known (no resource-level permissions)'),
  describeServices,
];
const describeEcsClusters: Grant = { actions: ['ecs:DescribeClusters'], resources: [arn('ecs', 'cluster/*')], why: "the cluster's Container Insights setting" };
const updateEksCluster: Grant = {
  actions: ['eks:UpdateClusterConfig', 'eks:DescribeUpdate'],
  resources: [arn('eks', 'cluster/*')],
  why: 'one cluster config update (logging or endpoint access), followed with DescribeUpdate',
};
const describeRepositories: Grant = { actions: ['ecr:DescribeRepositories'], resources: [arn('ecr', 'repository/*')], why: 'the repository setting, read again' };

/** harden-task-definition's re-check; notify-owner runs it too, for a service on a non-compliant revision. */
const hardenInspect: readonly Grant[] = [describeTaskDefinitions, ecsTagReads(['task-definition']), ...familyServices];

export const ACTION_CATALOG = [
  {
    id: 'revoke-sg-ingress',
    title: 'Revoke world-open security-group ingress rules',
    planOnly: false,
    permissions: {
      inspect: [...SECURITY_GROUP_READS, ...FRONT_END_READS],
      apply: [{ actions: ['ec2:RevokeSecurityGroupIngress'], resources: [arn('ec2', 'security-group/*')], why: 'revoke the planned rules, by rule id' }],
      verify: [anyResource(['ec2:DescribeSecurityGroupRules'], 'are the revoked rules gone? (ec2:Describe* has no resource-level permissions)')],
    },
  },
  {
    id: 'enable-container-insights',
    title: 'Enable Container Insights on an ECS cluster',
    planOnly: false,
    permissions: {
      inspect: [describeEcsClusters, ecsTagReads(['cluster'])],
      apply: [{ actions: ['ecs:UpdateClusterSettings'], resources: [arn('ecs', 'cluster/*')], why: 'containerInsights=enabled' }],
      verify: [describeEcsClusters],
    },
  },
  {
    id: 'enable-eks-logging',
    title: 'Enable EKS control-plane logging (api, audit, authenticator)',
    planOnly: false,
    permissions: { inspect: EKS_CLUSTER_READS, apply: [updateEksCluster], verify: EKS_CLUSTER_READS },
  },
  {
    id: 'restrict-eks-endpoint',
    title: 'Restrict the EKS API endpoint to admin CIDRs, or make it private',
    planOnly: false,
    permissions: { inspect: EKS_CLUSTER_READS, apply: [updateEksCluster], verify: EKS_CLUSTER_READS },
  },
  {
    id: 'enable-ecr-scan-on-push',
    title: 'Enable ECR scan on push',
    planOnly: false,
    permissions: {
      inspect: ECR_REPOSITORY_READS,
      apply: [{ actions: ['ecr:PutImageScanningConfiguration'], resources: [arn('ecr', 'repository/*')], why: 'scanOnPush=true' }],
      verify: [describeRepositories],
    },
  },
  {
    id: 'set-ecr-tag-immutability',
    title: 'Set ECR tag immutability',
    planOnly: false,
    permissions: {
      inspect: ECR_REPOSITORY_READS,
      apply: [{ actions: ['ecr:PutImageTagMutability'], resources: [arn('ecr', 'repository/*')], why: 'imageTagMutability=IMMUTABLE' }],
      verify: [describeRepositories],
    },
  },
  {
    id: 'stop-ecs-tasks',
    title: 'Stop ECS tasks that run as root or privileged',
    planOnly: false,
    permissions: {
      inspect: [
        describeTasks, describeTaskDefinitions, ecsTagReads(['task', 'task-definition']),
        anyResource(['ecs:ListTasks'], 'other running tasks of the same family (ListTasks names only container instances, not clusters)'),
      ],
      apply: [describeTasks, { actions: ['ecs:StopTask'], resources: [arn('ecs', 'task/*')], why: 'stop the planned tasks, with the control in the reason' }],
      verify: [describeTasks],
    },
  },
  {
    id: 'harden-task-definition',
    title: 'Register a hardened task definition revision and update its services',
    planOnly: false,
    permissions: {
      inspect: hardenInspect,
      apply: [
        revisions,
        anyResource(['ecs:RegisterTaskDefinition'], 'register the hardened revision (RegisterTaskDefinition has no resource-level permissions)'),
        { actions: ['ecs:TagResource'], resources: [arn('ecs', 'task-definition/*')], why: 'the new revision is tagged as it is registered' },
        {
          actions: ['iam:PassRole'],
          resources: ['arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*'],
          condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
          why: 'a revision keeps its task and execution roles: registering it passes them, to ECS tasks only',
        },
        { actions: ['ecs:DescribeServices', 'ecs:UpdateService'], resources: [arn('ecs', 'service/*')], why: 'each planned service still on the old revision moves to the hardened one' },
      ],
      verify: [revisions, describeServices],
    },
  },
  {
    id: 'move-env-secrets',
    title: 'Move plain environment secrets to Secrets Manager',
    planOnly: true,
    permissions: { inspect: [revisions, ecsTagReads(['task-definition']), ...familyServices] },
  },
  {
    id: 'disable-service-public-ip',
    title: "Disable public IPs on an ECS service's tasks",
    planOnly: false,
    permissions: {
      inspect: [
        describeServices, ecsTagReads(['service']),
        anyResource(
          ['ec2:DescribeSubnets', 'ec2:DescribeRouteTables', 'ec2:DescribeVpcEndpoints'],
          "egress of the service's subnets without a public IP: NAT routes and VPC endpoints (ec2:Describe* has no resource-level permissions)",
        ),
      ],
      apply: [{ actions: ['ecs:DescribeServices', 'ecs:UpdateService'], resources: [arn('ecs', 'service/*')], why: 'assignPublicIp=DISABLED, with the live subnets and groups' }],
      verify: [describeServices],
    },
  },
  {
    id: 'notify-owner',
    title: 'Tell the owner the exact change to make',
    planOnly: true,
    permissions: { inspect: [...ECS_RESOURCE_READS, ...EKS_CLUSTER_READS, ...hardenInspect] },
  },
] as const satisfies readonly ActionDeclaration[];

export type ActionId = (typeof ACTION_CATALOG)[number]['id'];
export type FixingActionId = Extract<(typeof ACTION_CATALOG)[number], { planOnly: false }>['id'];
export type PlanOnlyActionId = Extract<(typeof ACTION_CATALOG)[number], { planOnly: true }>['id'];

export const declarationOf = (id: string): ActionDeclaration | undefined =>
  (ACTION_CATALOG as readonly ActionDeclaration[]).find((a) => a.id === id);

/** The grants of one phase, over every action that has it. */
export const phaseGrants = (phase: Phase): { action: string; grant: Grant }[] =>
  (ACTION_CATALOG as readonly ActionDeclaration[]).flatMap((a) =>
    ((a.permissions as Partial<Record<Phase, readonly Grant[]>>)[phase] ?? []).map((grant) => ({ action: a.id, grant })));
