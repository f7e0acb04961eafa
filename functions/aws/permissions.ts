import type { SpokeRole } from '../domain/accounts';

/**
 * IAM permissions as data: what Warden's AWS calls need, each declared once with its reason. Pure data (no SDK
 * import), so scripts and tests read it without loading a client. The actions' grants are in
 * each action's file (its `declaration`), the runbook steps' in functions/runbooks/grants.ts; `npm run gen:template` writes the
 * statements of the remediation and runbook functions and of triage's live reads into template.yaml from them
 * (scripts/gen-template.ts).
 */

/** One grant: IAM actions on resource patterns, and why the code needs them. */
export interface Grant {
  /** `service:Action`. */
  actions: readonly string[];
  /** ARN patterns in CloudFormation `!Sub` syntax (see `arn`), or `['*']` for actions without resource-level permissions. */
  resources: readonly string[];
  /** An IAM Condition block that narrows the grant further. */
  condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
  /** Why the code needs it; for `*`, why nothing narrower works. */
  why: string;
}

/** The resources of one type in this account and Region: `arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:task/*`. */
export const arn = (service: string, resource: string): string =>
  `arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}`;

/** Resources whose ARN names no account (EC2 snapshots): `arn:${AWS::Partition}:ec2:${AWS::Region}::snapshot/*`. */
export const accountlessArn = (service: string, resource: string): string =>
  `arn:\${AWS::Partition}:${service}:\${AWS::Region}::${resource}`;

/** The ARN of a resource of the template, by logical id (`${AuditTable.Arn}`; the template says `!GetAtt AuditTable.Arn`). */
export const arnOf = (logicalId: string): string => `\${${logicalId}.Arn}`;

/**
 * Actions with no resource-level permissions (the Service Authorization Reference lists no resource type for them, or,
 * for ecs:ListTasks, only container instances, which do not name the cluster): the only actions granted on `*`,
 * anywhere in the template (test/template/iam.test.ts).
 */
export const WITHOUT_RESOURCE_LEVEL = [
  'ec2:DescribeSecurityGroups', 'ec2:DescribeSecurityGroupRules', 'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeRouteTables', 'ec2:DescribeSubnets', 'ec2:DescribeVpcEndpoints',
  'ec2:DescribeInstances', 'ec2:DescribeSnapshots', 'ec2:DescribeVolumes',
  'elasticloadbalancing:DescribeLoadBalancers', 'elasticloadbalancing:DescribeTargetGroups',
  'elasticloadbalancing:DescribeTargetGroupAttributes', 'elasticloadbalancing:DescribeTargetHealth',
  'ecs:DescribeTaskDefinition', 'ecs:RegisterTaskDefinition',
  'ecs:ListClusters', 'ecs:ListServices', 'ecs:ListTaskDefinitions', 'ecs:ListTasks',
  // warden scan's inventory (SCAN_READS).
  'ec2:DescribeRegions', 'ecs:ListTaskDefinitionFamilies', 'eks:ListClusters',
  // Step Functions log deliveries (the state machines' roles).
  'logs:CreateLogDelivery', 'logs:GetLogDelivery', 'logs:UpdateLogDelivery', 'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups',
  // X-Ray traces of the state machines' executions (their roles).
  'xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets',
  // The organization's accounts (a hub deployment whose members are the whole organization).
  'organizations:ListAccounts',
  // Task-token callbacks name no resource (to our knowledge; the IAM reference lists no resource type for them).
  'states:SendTaskSuccess', 'states:SendTaskFailure',
] as const;

export type WithoutResourceLevel = (typeof WITHOUT_RESOURCE_LEVEL)[number];

/** A grant on `*`: only for actions without resource-level permissions (checked by the type). */
export const anyResource = (actions: readonly WithoutResourceLevel[], why: string): Grant => ({ actions, resources: ['*'], why });

/**
 * ecs:ListTagsForResource on the given ECS resource types, for the reads whose tags Warden uses (mode, owner and
 * exemption come from them). Warden never calls ListTagsForResource on ECS: the tags come with Describe* include
 * TAGS. Apply and Verify make the same Describe calls and ignore the tags, and hold no such grant.
 */
export const ecsTagReads = (types: readonly string[]): Grant => ({
  actions: ['ecs:ListTagsForResource'],
  resources: types.map((t) => arn('ecs', `${t}/*`)),
  why: 'the tags that come with Describe* include TAGS (they decide mode, owner and exemption)',
});

// ---------- shared readers (functions/aws/*), for triage's live state and the actions' re-checks ----------

/** security-groups.ts: describeGroupTags, describeRules (ec2LiveState reads both). */
export const SECURITY_GROUP_READS: readonly Grant[] = [
  anyResource(['ec2:DescribeSecurityGroups', 'ec2:DescribeSecurityGroupRules'], "a group's tags and its rules (ec2:Describe* has no resource-level permissions)"),
];

/** front-ends.ts publicFrontEnd: is a group a public front end? */
export const FRONT_END_READS: readonly Grant[] = [
  anyResource(
    [
      'elasticloadbalancing:DescribeLoadBalancers', 'elasticloadbalancing:DescribeTargetGroups',
      'elasticloadbalancing:DescribeTargetGroupAttributes', 'elasticloadbalancing:DescribeTargetHealth',
      'ec2:DescribeNetworkInterfaces',
    ],
    'is a group a public front end: internet-facing load balancers, the targets of NLBs and the ENIs carrying the group (elasticloadbalancing:Describe* and ec2:Describe* have no resource-level permissions)',
  ),
];

/** live-ecs.ts readEcsResource: a task definition, a service with its task definition, a run's tasks, a cluster. */
export const ECS_RESOURCE_READS: readonly Grant[] = [
  anyResource(['ecs:DescribeTaskDefinition'], 'task definitions (they have no resource-level permissions)'),
  { actions: ['ecs:DescribeServices'], resources: [arn('ecs', 'service/*')], why: 'a service and its network configuration' },
  { actions: ['ecs:DescribeTasks'], resources: [arn('ecs', 'task/*')], why: 'the tasks of a run' },
  { actions: ['ecs:DescribeClusters'], resources: [arn('ecs', 'cluster/*')], why: "a cluster's settings" },
  ecsTagReads(['cluster', 'service', 'task', 'task-definition']),
];

/** eks.ts describeCluster (live-eks-ecr.ts readEksCluster): tags come with it. */
export const EKS_CLUSTER_READS: readonly Grant[] = [
  { actions: ['eks:DescribeCluster'], resources: [arn('eks', 'cluster/*')], why: "an EKS cluster's endpoint access, logging, encryption and tags" },
];

/** ecr.ts describeRepository, repositoryTags (live-eks-ecr.ts readEcrRepository). */
export const ECR_REPOSITORY_READS: readonly Grant[] = [
  { actions: ['ecr:DescribeRepositories', 'ecr:ListTagsForResource'], resources: [arn('ecr', 'repository/*')], why: 'an ECR repository and its tags' },
];

/** instances.ts findContainerInstance, with no cluster named: every cluster of the Region is searched. */
export const CONTAINER_INSTANCE_LOOKUP: readonly Grant[] = [
  anyResource(['ecs:ListClusters'], 'a host whose cluster nobody named is looked for in every cluster (ListClusters has no resource-level permissions)'),
  { actions: ['ecs:ListContainerInstances'], resources: [arn('ecs', 'cluster/*')], why: 'is an EC2 instance an ECS container instance? (ec2InstanceId filter, per cluster)' },
  { actions: ['ecs:DescribeContainerInstances'], resources: [arn('ecs', 'container-instance/*')], why: 'the container instance found, checked again' },
];

/** live-state.ts awsLiveState: everything triage may read live, by reader. */
export const TRIAGE_LIVE_READS: Readonly<Record<string, readonly Grant[]>> = {
  'security groups': SECURITY_GROUP_READS,
  'front ends': FRONT_END_READS,
  'ECS resources': ECS_RESOURCE_READS,
  'EKS clusters': EKS_CLUSTER_READS,
  'ECR repositories': ECR_REPOSITORY_READS,
  'container hosts': CONTAINER_INSTANCE_LOOKUP,
};

/**
 * `warden scan` (functions/aws/scan-account.ts and inventory/): what its inventory and decisions read, by reader. Read
 * only: `npm run gen` writes infra/scan-policy.json from it (scripts/gen-scan-policy.ts), and a test fails on any
 * action that is not a Describe, List, Get or BatchGet.
 */
export const SCAN_READS: Readonly<Record<string, readonly Grant[]>> = {
  regions: [anyResource(['ec2:DescribeRegions'], '--region all: the Regions enabled for the account (no resource-level permissions)')],
  'security groups': SECURITY_GROUP_READS,
  'front ends': FRONT_END_READS,
  'ECS resources': [
    anyResource(
      ['ecs:ListTaskDefinitionFamilies', 'ecs:ListClusters', 'ecs:ListServices', 'ecs:ListTasks'],
      'every task-definition family, cluster, service and running task of the Region (List* have no resource-level permissions)',
    ),
    ...ECS_RESOURCE_READS,
  ],
  'EKS clusters': [anyResource(['eks:ListClusters'], 'every EKS cluster of the Region (no resource-level permissions)'), ...EKS_CLUSTER_READS],
  'ECR repositories': ECR_REPOSITORY_READS,
};

/**
 * exemption-sightings.ts: when Warden first saw each exemption, as items `exemption#…` of the audit table (a read,
 * then a conditional put). The condition keeps these functions to those items: no audit record can be written.
 */
export const EXEMPTION_SIGHTINGS: readonly Grant[] = [
  {
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
    resources: ['${AuditTable.Arn}'],
    condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['exemption#*'] } },
    why: 'when each exemption was first seen (the cap counts from it): only the items whose key starts with exemption#',
  },
];

/**
 * brakes-table.ts, the breaker (Apply, a runbook's Brake step): one transaction per run (a conditional put of the
 * run's spend, a conditional ADD per count: Put and Update in a transaction need PutItem and UpdateItem), the count
 * that was full read back, a trip's conditional put, the runs held in the window (an ADD to a set).
 */
export const BREAKER_SPEND: readonly Grant[] = [
  {
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
    resources: [arnOf('BrakesTable')],
    why: 'the breaker: spend one token per run (one transaction: conditional put and conditional ADDs), mark a trip once, count the runs held',
  },
];

/** brakes-table.ts putHeld (RecordAudit): a held run is listed for `warden breaker status` and release. */
export const HELD_RUNS_WRITE: readonly Grant[] = [
  { actions: ['dynamodb:PutItem'], resources: [arnOf('BrakesTable')], why: 'list a held run for warden breaker status and release (a conditional put)' },
];

/**
 * audit/securityhub.ts (RecordAudit: the Record steps and SecurityHubNotified): a finding's workflow status and note,
 * on the account's hub (BatchUpdateFindings authorizes on the `hub` resource type, whatever product made the finding);
 * Warden's own findings imported into the account's default product (BatchImportFindings: the `product` type).
 */
export const SECURITY_HUB_WRITE_BACK: readonly Grant[] = [
  { actions: ['securityhub:BatchUpdateFindings'], resources: [arn('securityhub', 'hub/default')], why: "a finding's workflow status and note when a run from it asks for an approval or ends" },
  {
    actions: ['securityhub:BatchImportFindings'], resources: [arn('securityhub', 'product/${AWS::AccountId}/default')],
    why: "Warden's own findings as ASFF, into the account's default product (policy securityHub.importFindings)",
  },
];

/** runbooks/start.ts, a release (`warden breaker release`): the held run's audit record, its entry marked released. */
export const HELD_RUN_RELEASE: readonly Grant[] = [
  { actions: ['dynamodb:GetItem'], resources: [arnOf('AuditTable')], why: "a release reads the held run's audit record" },
  { actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], resources: [arnOf('BrakesTable')], why: "a release marks the held run's entry released, once (a conditional update)" },
];

/** The policy document's parameter, as template.yaml names it (PolicyParameter); `warden policy` defaults to it. */
export const POLICY_PARAMETER_NAME = '/warden/${AWS::StackName}/policy';

/**
 * runtime/deployed-policy.ts: the deployed policy document, read with a short cache by the functions that decide with
 * it (triage, and the runbook Start step) and by those that check the brakes (LoadLiveState, Apply, and the runbook
 * Plan and Brake steps); only that one parameter.
 */
export const POLICY_READS: readonly Grant[] = [
  { actions: ['ssm:GetParameter'], resources: [arn('ssm', `parameter${POLICY_PARAMETER_NAME}`)], why: 'the deployed policy document (PolicyParameter), read with a short cache' },
];

// ---------- the sweep, decisions that stick, resource locks ----------

/**
 * resource-locks.ts: take a resource's lock before starting a run (join, or a conditional put over none or an
 * expired one; read the holder when refused), and give the run's part back (a start that failed: triage, sweep items;
 * a run that ended: RecordAudit). Only the findings table's items whose key starts with lock#.
 */
export const RESOURCE_LOCKS: readonly Grant[] = [
  {
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
    resources: [arnOf('FindingsTable')],
    condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['lock#*'] } },
    why: 'resource locks, so that a sweep and an event never fix the same resource at once: only the items whose key starts with lock#',
  },
];

/** resource-locks.ts release (RecordAudit): the run's part of its lock removed, the lock deleted when it was the last. */
export const LOCK_RELEASE: readonly Grant[] = [
  {
    actions: ['dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
    resources: [arnOf('FindingsTable')],
    condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['lock#*'] } },
    why: "give the run's resource lock back: only the items whose key starts with lock#",
  },
];

/** sticky-decisions.ts recall (triage, sweep items): is a denial or an accepted risk still in force? */
export const STICKY_DECISION_READS: readonly Grant[] = [
  {
    actions: ['dynamodb:GetItem'],
    resources: [arnOf('FindingsTable')],
    condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['decision#*'] } },
    why: 'decisions that stick (a denial, an accepted risk): only the items whose key starts with decision#',
  },
];

/** sticky-decisions.ts remember (RecordAudit): a run that ended denied, or notified under an exemption in force. */
export const STICKY_DECISION_WRITES: readonly Grant[] = [
  {
    actions: ['dynamodb:PutItem'],
    resources: [arnOf('FindingsTable')],
    condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['decision#*'] } },
    why: 'remember a denial or an accepted risk so that it sticks: only the items whose key starts with decision#',
  },
];

/**
 * A sweep item (handlers/sweep-item.ts): the scan's reads of its resource type (SCAN_READS but the Regions list: the
 * plan names the Regions), its decisions' exemption sightings and policy, and what triage needs to start a run (its
 * locks and sticky decisions; starting the remediate workflow itself is hand-written in template.yaml, as triage's).
 */
export const SWEEP_ITEM_READS: Readonly<Record<string, readonly Grant[]>> = Object.fromEntries(
  Object.entries(SCAN_READS).filter(([by]) => by !== 'regions'),
);

/** audit/sweep.ts (the Sweep function's Summarize step): the sweep's summary item and its event. */
export const SWEEP_SUMMARY: readonly Grant[] = [
  {
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
    resources: [arnOf('AuditTable')],
    condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['sweep#*'] } },
    why: "the sweep's summary, written once (a conditional put; on a retry, the published event id read and kept): only the items whose key starts with sweep#",
  },
  { actions: ['events:PutEvents'], resources: [arnOf('WardenEventBus')], why: "'Warden Sweep Completed' (or Failed) on the Warden bus" },
];

/**
 * A hub deployment's way into a member account: the spoke role of one hub function (infra/spoke.yaml), assumed for
 * one run (or one sweep, or triage's live reads) with the run tagged on the session, and only inside the
 * organization (aws:ResourceOrgID). Granted by the template's SpokeAccess policies, which exist only in a hub.
 */
export const spokeRoleAccess = (role: SpokeRole): readonly Grant[] => [{
  actions: ['sts:AssumeRole', 'sts:TagSession'],
  resources: [`arn:\${AWS::Partition}:iam::*:role/\${SpokeRolePrefix}-${role}`],
  condition: { StringEquals: { 'aws:ResourceOrgID': '${OrganizationId}' } },
  why: `the ${role} role of a member account (infra/spoke.yaml), for one run at a time; no other role, and none outside the organization`,
}];

/** organization.ts organizationAccounts: which accounts are the organization's (MemberAccountIds `organization`). */
export const ORGANIZATION_ACCOUNTS: readonly Grant[] = [
  anyResource(['organizations:ListAccounts'], "the organization's accounts, when every one is a member (ListAccounts has no resource-level permissions)"),
];
