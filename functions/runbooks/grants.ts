/**
 * Every runbook step's IAM grants, declared once: by runbook, then by step id (`plan` and every step of
 * functions/domain/runbooks/catalog.ts; a test checks). Pure data (no step code, no SDK), like an action's `declaration`.
 * `npm run gen:template` writes RunbookStep's statements from the steps it runs and RestoreRule's from the steps
 * marked `fn: 'RestoreRule'`, plus the progress write both make after every step. The runbook integration tests
 * record every AWS call of each step and fail when one is not declared for it (test/support/permissions.ts).
 */
import {
  anyResource, arn, arnOf, accountlessArn, CONTAINER_INSTANCE_LOOKUP, ecsTagReads, EKS_CLUSTER_READS, SECURITY_GROUP_READS, type Grant,
} from '../aws/permissions';

/** Both step functions save the run's record so far after every step (handlers/progress.ts). */
export const RUNBOOK_PROGRESS: readonly Grant[] = [
  { actions: ['dynamodb:PutItem'], resources: [arnOf('AuditTable')], why: "save the run's record so far (a conditional put)" },
];

// ---------- grants shared by several steps ----------

const describeTasks: Grant = { actions: ['ecs:DescribeTasks'], resources: [arn('ecs', 'task/*')], why: 'the task, and whether it still runs' };
const instances = anyResource(['ec2:DescribeInstances'], 'the instance: state, volumes, tags (ec2:Describe* has no resource-level permissions)');
const enis = anyResource(['ec2:DescribeNetworkInterfaces'], 'the ENIs and their security groups (ec2:Describe* has no resource-level permissions)');
const groups = anyResource(['ec2:DescribeSecurityGroups'], 'security groups with their rules, as evidence or to find the quarantine group (no resource-level permissions)');
const groupRules = anyResource(['ec2:DescribeSecurityGroupRules'], "a group's rules, tags included (ec2:Describe* has no resource-level permissions)");
const containerInstances: Grant = {
  actions: ['ecs:DescribeContainerInstances'], resources: [arn('ecs', 'container-instance/*')], why: 'the ECS container instance the host is registered as',
};
const snapshots = anyResource(['ec2:DescribeSnapshots'], "this incident's snapshots (ec2:Describe* has no resource-level permissions)");

/**
 * The quarantine swap names the ENI, its instance and VPC, and the new groups: the only groups it may name are those
 * tagged warden:quarantine=true, so it can never put an ENI into a group that allows anything.
 */
const quarantineOnly = { StringEquals: { 'aws:ResourceTag/warden:quarantine': 'true' } };

export const RUNBOOK_GRANTS = {
  'contain-ecs-task': {
    // The task's tags decide mode, owner and exemption: the tags that come with DescribeTasks include TAGS.
    plan: [describeTasks, ecsTagReads(['task'])],
    'capture-evidence': [
      describeTasks, enis, groups,
      anyResource(['ecs:DescribeTaskDefinition'], 'its task definition (task definitions have no resource-level permissions)'),
    ],
    'tag-task': [{ actions: ['ecs:TagResource'], resources: [arn('ecs', 'task/*')], why: 'tag the task warden:incident' }],
    'stop-task': [{ actions: ['ecs:StopTask'], resources: [arn('ecs', 'task/*')], why: 'stop the task, with the incident in the reason' }],
    'verify-stopped': [describeTasks],
  },
  'isolate-container-instance': {
    plan: [instances, enis, ...SECURITY_GROUP_READS, ...CONTAINER_INSTANCE_LOOKUP],
    'capture-evidence': [
      instances, enis, groups, containerInstances,
      anyResource(['ec2:DescribeVolumes'], 'its EBS volumes (ec2:Describe* has no resource-level permissions)'),
    ],
    quarantine: [
      enis, ...SECURITY_GROUP_READS,
      {
        actions: ['ec2:CreateSecurityGroup'], resources: [arn('ec2', 'security-group/*'), arn('ec2', 'vpc/*')],
        why: "the VPC's quarantine group, created once with no rules (an empty group grants nothing)",
      },
      {
        actions: ['ec2:CreateTags'], resources: [arn('ec2', 'security-group/*')],
        condition: { StringEquals: { 'ec2:CreateAction': 'CreateSecurityGroup' } },
        why: 'the quarantine group is tagged warden:quarantine=true as it is created, and only then',
      },
      {
        actions: ['ec2:RevokeSecurityGroupEgress'], resources: [arn('ec2', 'security-group/*')], condition: quarantineOnly,
        why: 'remove world-reaching egress from the quarantine group, and from no other group',
      },
      {
        actions: ['ec2:ModifyNetworkInterfaceAttribute'],
        resources: [arn('ec2', 'network-interface/*'), arn('ec2', 'instance/*'), arn('ec2', 'vpc/*')],
        why: "swap each ENI's groups (the request names the ENI, its instance and VPC)",
      },
      {
        actions: ['ec2:ModifyNetworkInterfaceAttribute'], resources: [arn('ec2', 'security-group/*')], condition: quarantineOnly,
        why: 'the groups an ENI is swapped to: quarantine groups only',
      },
    ],
    drain: [{
      actions: ['ecs:UpdateContainerInstancesState'], resources: [arn('ecs', 'container-instance/*')],
      why: 'DRAINING only (ACTIVE is the responder\'s undo)',
    }],
    snapshot: [
      instances, snapshots,
      {
        actions: ['ec2:CreateSnapshot'], resources: [arn('ec2', 'volume/*'), accountlessArn('ec2', 'snapshot/*')],
        why: 'a forensic snapshot of each volume (snapshot ARNs name no account)',
      },
      {
        actions: ['ec2:CreateTags'], resources: [accountlessArn('ec2', 'snapshot/*')],
        condition: { StringEquals: { 'ec2:CreateAction': 'CreateSnapshot' } },
        why: 'each snapshot is tagged with the incident as it is created, and only then',
      },
    ],
    'tag-instance': [{ actions: ['ec2:CreateTags'], resources: [arn('ec2', 'instance/*')], why: 'tag the instance warden:isolated' }],
    'verify-isolated': [instances, enis, ...SECURITY_GROUP_READS, containerInstances, snapshots],
  },
  'eks-finding-response': {
    plan: EKS_CLUSTER_READS,
    'capture-evidence': EKS_CLUSTER_READS,
  },
  'restore-security-group-rule': {
    plan: [
      { actions: ['dynamodb:GetItem'], resources: [arnOf('AuditTable')], why: "the revocation's audit record, the rules it revoked" },
      ...SECURITY_GROUP_READS,
    ],
    'restore-rules': [
      groupRules,
      {
        actions: ['ec2:AuthorizeSecurityGroupIngress'], resources: [arn('ec2', 'security-group/*'), arn('ec2', 'security-group-rule/*')],
        why: 'put back exactly the revoked rules: the only grant in Warden that adds access',
      },
      {
        actions: ['ec2:CreateTags'], resources: [arn('ec2', 'security-group-rule/*')],
        condition: { StringEquals: { 'ec2:CreateAction': 'AuthorizeSecurityGroupIngress' } },
        why: 'each restored rule is tagged warden:restored-by=<run id> in the same call, and only then',
      },
    ],
    'verify-restored': [groupRules],
  },
} as const satisfies Readonly<Record<string, Readonly<Record<string, readonly Grant[]>>>>;

/** The grants of one step (`<runbook>.<step>`), or undefined when none are declared. */
export const stepGrants = (stepId: string): readonly Grant[] | undefined => {
  const [runbook = '', step = ''] = stepId.split('.');
  const steps = (RUNBOOK_GRANTS as Readonly<Record<string, Readonly<Record<string, readonly Grant[]>>>>)[runbook];
  return steps && Object.hasOwn(steps, step) ? steps[step] : undefined;
};
