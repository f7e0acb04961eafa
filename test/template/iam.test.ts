/**
 * Least privilege, reviewable: explicit statements only, no wildcard actions, and each role's actions equal a set
 * declared here — adding a permission means changing this file on purpose.
 */
import {
  functions, isObject, loadTemplate, policyStatements, stateMachines, type Json, type PolicyStatement,
} from '../../local/template';

const t = loadTemplate();
const fns = functions(t);
const sms = stateMachines(t);

/** What triage, the re-check and verify read: security groups, plus ECS, EKS and ECR live state and subnet egress. */
const LIVE_READS = [
  'ecs:DescribeClusters', 'ecs:DescribeServices', 'ecs:DescribeTaskDefinition', 'ecs:DescribeTasks',
  'ecs:ListClusters', 'ecs:ListServices', 'ecs:ListTagsForResource', 'ecs:ListTaskDefinitions', 'ecs:ListTasks',
  'eks:DescribeCluster', 'eks:DescribeUpdate',
  'ecr:DescribeRepositories', 'ecr:ListTagsForResource',
  'ec2:DescribeRouteTables', 'ec2:DescribeSubnets', 'ec2:DescribeVpcEndpoints',
];

/** The public front-end lookup (aws/front-ends.ts): load balancers, their target groups, and the group's ENIs. */
const LOAD_BALANCER_READS = [
  'elasticloadbalancing:DescribeLoadBalancers', 'elasticloadbalancing:DescribeTargetGroupAttributes',
  'elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeTargetHealth',
];
const FRONT_END_READS = [...LOAD_BALANCER_READS, 'ec2:DescribeNetworkInterfaces'];

/** Every state machine: invoke its Tasks' functions, deliver its execution logs. */
const STATE_MACHINE = [
  'lambda:InvokeFunction',
  'logs:CreateLogDelivery', 'logs:DeleteLogDelivery', 'logs:DescribeLogGroups', 'logs:DescribeResourcePolicies',
  'logs:GetLogDelivery', 'logs:ListLogDeliveries', 'logs:PutResourcePolicy', 'logs:UpdateLogDelivery',
];

const EXPECTED_ACTIONS: Record<string, string[]> = {
  TriageFunction: [
    'dynamodb:GetItem', 'dynamodb:UpdateItem',
    'ec2:DescribeSecurityGroupRules', 'ec2:DescribeSecurityGroups', ...LIVE_READS, ...FRONT_END_READS, 'states:StartExecution',
    'ecs:DescribeContainerInstances', 'ecs:ListContainerInstances',
  ],
  LoadLiveStateFunction: ['ec2:DescribeSecurityGroupRules', 'ec2:DescribeSecurityGroups', ...LIVE_READS, ...FRONT_END_READS],
  ApplyRemediationFunction: [
    'ec2:RevokeSecurityGroupIngress',
    'ecs:DescribeServices', 'ecs:DescribeTaskDefinition', 'ecs:DescribeTasks', 'ecs:ListTaskDefinitions',
    'ecs:RegisterTaskDefinition', 'ecs:StopTask', 'ecs:TagResource', 'ecs:UpdateClusterSettings', 'ecs:UpdateService',
    'iam:PassRole',
    'eks:DescribeUpdate', 'eks:UpdateClusterConfig',
    'ecr:PutImageScanningConfiguration', 'ecr:PutImageTagMutability',
  ],
  VerifyRemediationFunction: ['ec2:DescribeSecurityGroupRules', ...LIVE_READS],
  NotifyFunction: ['secretsmanager:GetSecretValue', 'sns:Publish'],
  RecordAuditFunction: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'events:PutEvents'],
  RequestApprovalFunction: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem', 'secretsmanager:GetSecretValue'],
  ExpireApprovalFunction: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem', 'secretsmanager:GetSecretValue'],
  ApprovalInteractionsFunction: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'secretsmanager:GetSecretValue', 'states:SendTaskFailure', 'states:SendTaskSuccess'],
  RunbookStepFunction: [
    'dynamodb:GetItem', 'dynamodb:PutItem',
    'ec2:CreateSecurityGroup', 'ec2:CreateSnapshot', 'ec2:CreateTags', 'ec2:DescribeInstances', 'ec2:DescribeNetworkInterfaces',
    'ec2:DescribeSecurityGroupRules', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSnapshots', 'ec2:DescribeVolumes',
    'ec2:ModifyNetworkInterfaceAttribute', 'ec2:RevokeSecurityGroupEgress', 'ec2:RevokeSecurityGroupIngress',
    ...LOAD_BALANCER_READS,
    'ecs:DescribeContainerInstances', 'ecs:DescribeTaskDefinition', 'ecs:DescribeTasks', 'ecs:ListClusters', 'ecs:ListContainerInstances',
    'ecs:StopTask', 'ecs:TagResource', 'ecs:UpdateContainerInstancesState',
    'eks:DescribeCluster',
  ],
  RestoreRuleFunction: ['dynamodb:PutItem', 'ec2:AuthorizeSecurityGroupIngress', 'ec2:CreateTags', 'ec2:DescribeSecurityGroupRules'],
  RemediationStateMachine: STATE_MACHINE,
  RevokeOpenIngressStateMachine: STATE_MACHINE,
  ContainEcsTaskRunbook: STATE_MACHINE,
  IsolateContainerInstanceRunbook: STATE_MACHINE,
  EksFindingResponseRunbook: STATE_MACHINE,
  RestoreSecurityGroupRuleRunbook: STATE_MACHINE,
};

/**
 * Actions without resource-level permissions: the only ones allowed on Resource "*". Task definitions have none;
 * ecs:ListTasks names only container instances, not clusters.
 */
const RESOURCE_STAR_OK = new Set([
  'ec2:DescribeSecurityGroups', 'ec2:DescribeSecurityGroupRules',
  'ec2:DescribeRouteTables', 'ec2:DescribeSubnets', 'ec2:DescribeVpcEndpoints',
  'ec2:DescribeInstances', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSnapshots', 'ec2:DescribeVolumes',
  ...LOAD_BALANCER_READS,
  'ecs:DescribeTaskDefinition', 'ecs:ListClusters', 'ecs:ListTaskDefinitions', 'ecs:ListServices', 'ecs:ListTasks', 'ecs:RegisterTaskDefinition',
  'logs:CreateLogDelivery', 'logs:GetLogDelivery', 'logs:UpdateLogDelivery', 'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups',
  // Task-token callbacks name no resource (to our knowledge; the IAM reference lists no resource type for them).
  'states:SendTaskSuccess', 'states:SendTaskFailure',
]);

const principals = [
  ...fns.map((f) => ({ id: f.logicalId, statements: f.statements, templates: f.policyTemplates, raw: f.policies })),
  ...sms.map((s) => ({ id: s.logicalId, statements: s.statements, templates: s.policyTemplates, raw: s.policies })),
];

/** Every policy statement in the template: SAM Policies plus IAM/SQS/SNS/… resource policy documents. */
function allStatements(): { where: string; statement: PolicyStatement }[] {
  const out: { where: string; statement: PolicyStatement }[] = [];
  for (const p of principals) for (const statement of p.statements) out.push({ where: p.id, statement });
  const visit = (where: string, v: Json): void => {
    if (Array.isArray(v)) v.forEach((x) => visit(where, x));
    else if (isObject(v) && 'Statement' in v) {
      for (const statement of policyStatements([v]).statements) out.push({ where, statement });
    } else if (isObject(v)) Object.values(v).forEach((x) => visit(where, x));
  };
  for (const [id, r] of Object.entries(t.Resources)) {
    if (!r.Type.startsWith('AWS::Serverless::')) visit(id, (r.Properties ?? {}) as Json);
  }
  return out;
}

test('the check sees resource policies too (sanity: the rule DLQ policy)', () => {
  expect(allStatements().some((s) => s.where === 'RuleDeadLetterQueuePolicy')).toBe(true);
});

test('no Action contains a wildcard, anywhere in the template', () => {
  const offending = allStatements()
    .filter(({ statement }) => statement.Action.some((a) => a.includes('*')))
    .map(({ where, statement }) => `${where}: ${statement.Action.join(', ')}`);
  expect(offending).toEqual([]);
});

test('no NotAction / NotResource (they grant everything else)', () => {
  const text = JSON.stringify(t.Resources);
  expect(text).not.toContain('"NotAction"');
  expect(text).not.toContain('"NotResource"');
});

test('functions and state machines use explicit Statement policies only (no SAM policy templates or managed policies)', () => {
  const offending = principals.filter((p) => p.templates.length > 0).map((p) => `${p.id}: ${p.templates.join(', ')}`);
  expect(offending).toEqual([]);
  for (const p of principals) expect(p.raw.length).toBeGreaterThan(0);
});

test('every function and state machine has an expected action set declared in this test', () => {
  expect(principals.map((p) => p.id).sort()).toEqual(Object.keys(EXPECTED_ACTIONS).sort());
});

describe.each(principals.map((p) => [p.id, p] as const))('%s', (id, p) => {
  test('allowed actions equal the declared set', () => {
    const actions = [...new Set(p.statements.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action))].sort();
    expect(actions).toEqual([...(EXPECTED_ACTIONS[id] ?? [])].sort());
  });

  test('Resource "*" only for actions that have no resource-level permissions', () => {
    const offending = p.statements
      .filter((s) => s.Resource.includes('*'))
      .flatMap((s) => s.Action.filter((a) => !RESOURCE_STAR_OK.has(a)));
    expect(offending).toEqual([]);
  });

  test('every statement is an Allow with at least one resource', () => {
    for (const s of p.statements) {
      expect(s.Effect).toBe('Allow');
      expect(s.Resource.length).toBeGreaterThan(0);
    }
  });
});

/** Resources granted for `action` on principal `id`. */
const resourcesFor = (id: string, action: string): { resource: Json; when?: string }[] =>
  principals
    .find((p) => p.id === id)!
    .statements.filter((s) => s.Action.includes(action))
    .flatMap((s) => s.Resource.map((resource) => ({ resource, ...(s.when ? { when: s.when } : {}) })));

test('scoped resources', () => {
  expect(resourcesFor('TriageFunction', 'states:StartExecution')).toEqual(
    ['RemediationStateMachine', 'ContainEcsTaskRunbook', 'IsolateContainerInstanceRunbook', 'EksFindingResponseRunbook'].map((id) => ({ resource: { Ref: id } })),
  );
  for (const a of ['dynamodb:GetItem', 'dynamodb:UpdateItem']) {
    expect(resourcesFor('TriageFunction', a)).toEqual([{ resource: { 'Fn::GetAtt': ['FindingsTable', 'Arn'] } }]);
  }
  expect(resourcesFor('ApplyRemediationFunction', 'ec2:RevokeSecurityGroupIngress')).toEqual([
    { resource: { 'Fn::Sub': 'arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:security-group/*' } },
  ]);
  expect(resourcesFor('NotifyFunction', 'secretsmanager:GetSecretValue')).toEqual([
    { resource: { Ref: 'SlackWebhookSecretArn' }, when: 'HasSlackWebhookSecret' },
  ]);
  expect(resourcesFor('NotifyFunction', 'sns:Publish')).toEqual([{ resource: { Ref: 'NotifyTopic' } }]);
  for (const a of ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem']) {
    expect(resourcesFor('RecordAuditFunction', a)).toEqual([{ resource: { 'Fn::GetAtt': ['AuditTable', 'Arn'] } }]);
  }
  expect(resourcesFor('RecordAuditFunction', 'events:PutEvents')).toEqual([
    { resource: { 'Fn::GetAtt': ['WardenEventBus', 'Arn'] } },
  ]);
});

const arn = (service: string, resource: string): Json =>
  ({ 'Fn::Sub': `arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}` });

test('ECS, EKS and ECR reads are scoped to the account and Region, by resource type', () => {
  for (const id of ['TriageFunction', 'LoadLiveStateFunction', 'VerifyRemediationFunction']) {
    expect(resourcesFor(id, 'ecs:DescribeClusters')).toEqual([{ resource: arn('ecs', 'cluster/*') }]);
    expect(resourcesFor(id, 'ecs:DescribeServices')).toEqual([{ resource: arn('ecs', 'service/*') }]);
    expect(resourcesFor(id, 'ecs:DescribeTasks')).toEqual([{ resource: arn('ecs', 'task/*') }]);
    expect(resourcesFor(id, 'ecs:ListTagsForResource')).toEqual(
      ['cluster/*', 'service/*', 'task/*', 'task-definition/*'].map((r) => ({ resource: arn('ecs', r) })),
    );
    for (const a of ['eks:DescribeCluster', 'eks:DescribeUpdate']) {
      expect(resourcesFor(id, a)).toEqual([{ resource: arn('eks', 'cluster/*') }]);
    }
    for (const a of ['ecr:DescribeRepositories', 'ecr:ListTagsForResource']) {
      expect(resourcesFor(id, a)).toEqual([{ resource: arn('ecr', 'repository/*') }]);
    }
  }
});

test('remediation writes are scoped to the resource type they change', () => {
  const apply = (a: string) => resourcesFor('ApplyRemediationFunction', a);
  expect(apply('ecs:StopTask')).toEqual([{ resource: arn('ecs', 'task/*') }]);
  expect(apply('ecs:UpdateService')).toEqual([{ resource: arn('ecs', 'service/*') }]);
  expect(apply('ecs:UpdateClusterSettings')).toEqual([{ resource: arn('ecs', 'cluster/*') }]);
  expect(apply('ecs:TagResource')).toEqual([{ resource: arn('ecs', 'task-definition/*') }]);
  expect(apply('ecs:RegisterTaskDefinition')).toEqual([{ resource: '*' }]);
  for (const a of ['eks:UpdateClusterConfig', 'eks:DescribeUpdate']) expect(apply(a)).toEqual([{ resource: arn('eks', 'cluster/*') }]);
  for (const a of ['ecr:PutImageScanningConfiguration', 'ecr:PutImageTagMutability']) {
    expect(apply(a)).toEqual([{ resource: arn('ecr', 'repository/*') }]);
  }
});

test('iam:PassRole: only roles of this account, only to ECS tasks, and only for the remediation writer', () => {
  const passing = principals.filter((p) => p.statements.some((s) => s.Action.includes('iam:PassRole'))).map((p) => p.id);
  expect(passing).toEqual(['ApplyRemediationFunction']);
  const statements = principals.find((p) => p.id === 'ApplyRemediationFunction')!.statements.filter((s) => s.Action.includes('iam:PassRole'));
  expect(statements).toHaveLength(1);
  expect(statements[0]).toMatchObject({
    Action: ['iam:PassRole'],
    Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*' }],
    Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
  });
});

test('HasSlackWebhookSecret is "SlackWebhookSecretArn is not empty"', () => {
  expect(t.Conditions?.HasSlackWebhookSecret).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'SlackWebhookSecretArn' }, ''] }] });
});

test('only the restore function can add access, and only to security groups', () => {
  const adding = ['ec2:AuthorizeSecurityGroupIngress', 'ec2:AuthorizeSecurityGroupEgress', 'ec2:ModifySecurityGroupRules', 'ec2:UpdateSecurityGroupRuleDescriptionsIngress'];
  const holders = principals.filter((p) => p.statements.some((s) => s.Action.some((a) => adding.includes(a)))).map((p) => p.id);
  expect(holders).toEqual(['RestoreRuleFunction']);
  expect(resourcesFor('RestoreRuleFunction', 'ec2:AuthorizeSecurityGroupIngress')).toEqual([{ resource: arn('ec2', 'security-group/*') }, { resource: arn('ec2', 'security-group-rule/*') }]);
  const tagging = principals.find((p) => p.id === 'RestoreRuleFunction')!.statements.filter((st) => st.Action.includes('ec2:CreateTags'));
  expect(tagging.map((st) => st.Condition)).toEqual([{ StringEquals: { 'ec2:CreateAction': 'AuthorizeSecurityGroupIngress' } }]);
});

test('runbook writes are scoped to the resource type they change', () => {
  const step = (a: string) => resourcesFor('RunbookStepFunction', a).map((r) => r.resource);
  expect(step('ecs:StopTask')).toEqual([arn('ecs', 'task/*')]);
  expect(step('ecs:TagResource')).toEqual([arn('ecs', 'task/*')]);
  expect(step('ecs:UpdateContainerInstancesState')).toEqual([arn('ecs', 'container-instance/*')]);
  expect(step('ec2:ModifyNetworkInterfaceAttribute')).toEqual([arn('ec2', 'network-interface/*'), arn('ec2', 'instance/*'), arn('ec2', 'vpc/*'), arn('ec2', 'security-group/*')]);
  expect(step('ec2:RevokeSecurityGroupIngress')).toEqual([arn('ec2', 'security-group/*')]);
  for (const a of ['dynamodb:GetItem', 'dynamodb:PutItem']) expect(step(a)).toEqual([{ 'Fn::GetAtt': ['AuditTable', 'Arn'] }]);
});

test('the runbook role can only swap ENIs into, and empty, groups tagged warden:quarantine=true, and tags groups only as it creates them', () => {
  const statements = principals.find((p) => p.id === 'RunbookStepFunction')!.statements;
  const onGroups = (action: string) => statements.filter((st) => st.Action.includes(action) && st.Resource.some((r) => JSON.stringify(r).includes('security-group/')));
  const quarantineOnly = { StringEquals: { 'aws:ResourceTag/warden:quarantine': 'true' } };
  for (const action of ['ec2:ModifyNetworkInterfaceAttribute', 'ec2:RevokeSecurityGroupEgress']) {
    expect(onGroups(action).map((st) => st.Condition)).toEqual([quarantineOnly]);
  }
  expect(onGroups('ec2:CreateTags').map((st) => st.Condition)).toEqual([{ StringEquals: { 'ec2:CreateAction': ['CreateSecurityGroup', 'CreateSnapshot'] } }]);
});
