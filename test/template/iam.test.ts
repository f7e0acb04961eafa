/**
 * Least privilege, reviewable: explicit statements only, no wildcard actions, and each role's actions equal a set
 * declared once — the remediation and runbook functions' and triage's live reads in their IAM grants
 * (functions/actions/catalog.ts, functions/runbooks/grants.ts, functions/aws/permissions.ts, generated into the
 * template), every other role's here: adding a permission means changing one of those on purpose.
 */
import { EXEMPTION_SIGHTINGS, POLICY_READS, RESOURCE_LOCKS, SCAN_READS, SECURITY_HUB_WRITE_BACK, WITHOUT_RESOURCE_LEVEL } from '../../functions/aws/permissions';
import { SWEEP_MAX_CONCURRENCY } from '../../functions/domain/asl/sweep';
import {
  functions, isObject, loadTemplate, policyStatements, stateMachines, type Json, type PolicyStatement,
} from '../../local/template';
import { GENERATED_POLICIES, logicalRef, statementsOf } from '../../scripts/iam-policies';

const t = loadTemplate();
const fns = functions(t);
const sms = stateMachines(t);

/** The actions a function's generated statements grant: those of its declared grants. */
const declared = (id: string): string[] => [...new Set(GENERATED_POLICIES[id]!().flatMap((o) => o.grant.actions))];

/** The load balancer reads of the public front-end lookup (aws/front-ends.ts), which the runbook roles never hold. */
const LOAD_BALANCER_READS = [
  'elasticloadbalancing:DescribeLoadBalancers', 'elasticloadbalancing:DescribeTargetGroupAttributes',
  'elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeTargetHealth',
];

/** Every state machine: invoke its Tasks' functions, deliver its execution logs, write its X-Ray traces. */
const STATE_MACHINE = [
  'lambda:InvokeFunction',
  'logs:CreateLogDelivery', 'logs:DeleteLogDelivery', 'logs:DescribeLogGroups', 'logs:DescribeResourcePolicies',
  'logs:GetLogDelivery', 'logs:ListLogDeliveries', 'logs:PutResourcePolicy', 'logs:UpdateLogDelivery',
  'xray:GetSamplingRules', 'xray:GetSamplingTargets', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments',
];

const EXPECTED_ACTIONS: Record<string, string[]> = {
  // Starting executions, the finding memory and its queues are hand-written; the live reads are generated.
  TriageFunction: [...new Set([
    'dynamodb:GetItem', 'dynamodb:UpdateItem', 'states:StartExecution', 'sqs:ReceiveMessage', 'sqs:DeleteMessage',
    'sqs:GetQueueAttributes', 'sqs:SendMessage', ...declared('TriageFunction'),
  ])],
  LoadLiveStateFunction: declared('LoadLiveStateFunction'),
  ApplyRemediationFunction: declared('ApplyRemediationFunction'),
  VerifyRemediationFunction: declared('VerifyRemediationFunction'),
  NotifyFunction: ['secretsmanager:GetSecretValue', 'sns:Publish'],
  // The audit write and its event by hand; held runs, sticky decisions and the lock's release generated.
  RecordAuditFunction: [...new Set(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'events:PutEvents', ...declared('RecordAuditFunction')])],
  RequestApprovalFunction: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem', 'secretsmanager:GetSecretValue'],
  ExpireApprovalFunction: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem', 'secretsmanager:GetSecretValue'],
  ApprovalInteractionsFunction: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'secretsmanager:GetSecretValue', 'states:SendTaskFailure', 'states:SendTaskSuccess'],
  RunbookStepFunction: declared('RunbookStepFunction'),
  RestoreRuleFunction: declared('RestoreRuleFunction'),
  // Starting the remediate workflow by hand (as triage does); the reads, locks and decisions generated.
  SweepItemFunction: [...new Set(['states:StartExecution', ...declared('SweepItemFunction')])],
  SweepFunction: declared('SweepFunction'),
  // A Distributed Map runs its items as child executions of the state machine itself, and watches and stops them.
  SweepStateMachine: [...STATE_MACHINE, 'states:DescribeExecution', 'states:StartExecution', 'states:StopExecution'],
  RemediationStateMachine: STATE_MACHINE,
  RevokeOpenIngressStateMachine: STATE_MACHINE,
  ContainEcsTaskRunbook: STATE_MACHINE,
  IsolateContainerInstanceRunbook: STATE_MACHINE,
  EksFindingResponseRunbook: STATE_MACHINE,
  RestoreSecurityGroupRuleRunbook: STATE_MACHINE,
};

/** Actions without resource-level permissions: the only ones allowed on Resource "*" (declared once, with the reason). */
const RESOURCE_STAR_OK = new Set<string>(WITHOUT_RESOURCE_LEVEL);

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
  // The finding memory (by hand), and the locks (generated: only items lock#…, below).
  expect(resourcesFor('TriageFunction', 'dynamodb:UpdateItem')).toEqual([{ resource: { 'Fn::GetAtt': ['FindingsTable', 'Arn'] } }, { resource: { 'Fn::GetAtt': ['FindingsTable', 'Arn'] } }]);
  // The exemption sightings (the audit table, only items exemption#…: see below), the locks and decisions, the memory.
  expect(resourcesFor('TriageFunction', 'dynamodb:GetItem')).toEqual([
    { resource: { 'Fn::GetAtt': ['AuditTable', 'Arn'] } }, { resource: { 'Fn::GetAtt': ['FindingsTable', 'Arn'] } },
    { resource: { 'Fn::GetAtt': ['FindingsTable', 'Arn'] } }, { resource: { 'Fn::GetAtt': ['FindingsTable', 'Arn'] } },
  ]);
  // The bot token (owner channels, chat.postMessage) and the webhook (the fallback without a bot), each only when set.
  expect(resourcesFor('NotifyFunction', 'secretsmanager:GetSecretValue')).toEqual([
    { resource: { Ref: 'SlackBotTokenSecretArn' }, when: 'HasSlackBotToken' },
    { resource: { Ref: 'SlackWebhookSecretArn' }, when: 'HasSlackWebhookSecret' },
  ]);
  expect(resourcesFor('NotifyFunction', 'sns:Publish')).toEqual([{ resource: { Ref: 'NotifyTopic' } }]);
  expect(resourcesFor('RecordAuditFunction', 'dynamodb:GetItem')).toEqual([{ resource: { 'Fn::GetAtt': ['AuditTable', 'Arn'] } }]);
  // The audit item, and a lock's release (the findings table: only items lock#…, below).
  expect(resourcesFor('RecordAuditFunction', 'dynamodb:UpdateItem')).toEqual(['AuditTable', 'FindingsTable'].map((id) => ({ resource: { 'Fn::GetAtt': [id, 'Arn'] } })));
  // The audit item, a held run's entry in the brakes table (generated: HELD_RUNS_WRITE), a decision that sticks.
  expect(resourcesFor('RecordAuditFunction', 'dynamodb:PutItem')).toEqual(['AuditTable', 'BrakesTable', 'FindingsTable'].map((id) => ({ resource: { 'Fn::GetAtt': [id, 'Arn'] } })));
  expect(resourcesFor('RecordAuditFunction', 'events:PutEvents')).toEqual([
    { resource: { 'Fn::GetAtt': ['WardenEventBus', 'Arn'] } },
  ]);
  // The Security Hub write-back: the account's hub (BatchUpdateFindings authorizes on `hub`), and its default product
  // (BatchImportFindings on `product`); no other function holds a Security Hub action.
  expect(resourcesFor('RecordAuditFunction', 'securityhub:BatchUpdateFindings')).toEqual([{ resource: { 'Fn::Sub': 'arn:${AWS::Partition}:securityhub:${AWS::Region}:${AWS::AccountId}:hub/default' } }]);
  expect(resourcesFor('RecordAuditFunction', 'securityhub:BatchImportFindings')).toEqual([{ resource: { 'Fn::Sub': 'arn:${AWS::Partition}:securityhub:${AWS::Region}:${AWS::AccountId}:product/${AWS::AccountId}/default' } }]);
  expect(principals.filter((p) => JSON.stringify(p.statements).includes('securityhub:')).map((p) => p.id)).toEqual(['RecordAuditFunction']);
});

/** Resources in a stable order (the generator sorts them by ARN). */
const sorted = (rs: Json[]): Json[] => [...rs].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

const arn = (service: string, resource: string): Json =>
  ({ 'Fn::Sub': `arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}` });

/** The template's view of a generated statement: `!GetAtt X.Arn` for `${X.Arn}`, `!Sub` for other patterns with variables. */
const asTemplate = (r: string): Json => {
  const ref = logicalRef(r);
  return ref ? { 'Fn::GetAtt': [ref, 'Arn'] } : r.includes('${') ? { 'Fn::Sub': r } : r;
};

describe.each(Object.keys(GENERATED_POLICIES))('%s: generated statements', (id) => {
  const generated = statementsOf(GENERATED_POLICIES[id]!());
  const inTemplate = principals.find((p) => p.id === id)!.statements;

  test('are the declared grants, one statement per resource, as the template holds them', () => {
    const sids = new Set(generated.map((g) => g.Sid));
    expect(sids.size).toBe(generated.length);
    expect(inTemplate.filter((s) => s.Sid && sids.has(s.Sid)).map(({ Sid, Action, Resource, Condition }) => ({ Sid, Action, Resource, ...(Condition ? { Condition } : {}) })))
      .toEqual(generated.map(({ Sid, Action, Resource, Condition }) => ({ Sid, Action, Resource: Resource.map(asTemplate), ...(Condition ? { Condition } : {}) })));
  });

  test("name only resources of the action's own service, in this account and Region", () => {
    const offending = generated.flatMap((s) => s.Resource.filter((r) => r !== '*').flatMap((r) => s.Action.flatMap((a) => {
      const service = a.split(':')[0]!;
      // A resource of this template (`${AuditTable.Arn}`) of the action's service.
      const ref = logicalRef(r);
      if (ref) return t.Resources[ref]?.Type.toLowerCase().startsWith(`aws::${service}::`) ? [] : [`${a} on ${r}`];
      // The one exact resource: the policy document's parameter (template.yaml's PolicyParameter; test/template/policy.test.ts).
      if (POLICY_READS.some((g) => g.actions.includes(a) && g.resources.includes(r))) return [];
      // The exact Security Hub resources: the account's hub, and its default product (Warden's own findings).
      if (SECURITY_HUB_WRITE_BACK.some((g) => g.actions.includes(a) && g.resources.includes(r))) return [];
      // EC2 snapshot ARNs name no account.
      const account = service === 'ec2' && r.endsWith(':snapshot/*') ? '' : '\\$\\{AWS::AccountId\\}';
      const pattern = service === 'iam'
        ? /^arn:\$\{AWS::Partition\}:iam::\$\{AWS::AccountId\}:[a-z-]+\/\*$/
        : new RegExp(`^arn:\\$\\{AWS::Partition\\}:${service}:\\$\\{AWS::Region\\}:${account}:[a-z-]+\\/\\*$`);
      return pattern.test(r) ? [] : [`${a} on ${r}`];
    })));
    expect(offending).toEqual([]);
  });
});

test('the remediation and runbook functions hold only generated statements; triage adds by hand only starting runs, the finding memory and its queues, RecordAudit only the audit write and its event', () => {
  const byHand: Record<string, string[]> = {
    TriageFunction: ['StartRemediation', 'RememberFindings', 'ReadTriageQueue', 'DeadLetterInvalidEvents'], RecordAuditFunction: ['WriteAuditItem', 'EmitWardenEvents'],
    SweepItemFunction: ['StartRemediation'],
  };
  for (const id of Object.keys(GENERATED_POLICIES)) {
    const generated = new Set(statementsOf(GENERATED_POLICIES[id]!()).map((g) => g.Sid));
    const handWritten = principals.find((p) => p.id === id)!.statements.map((s) => s.Sid).filter((sid) => !sid || !generated.has(sid));
    expect(handWritten).toEqual(byHand[id] ?? []);
  }
});

test('the brakes table: Apply and the runbook steps spend (get, put, update), RecordAudit only lists held runs (put); no one else', () => {
  const onBrakes = (id: string) => [...new Set(principals.find((p) => p.id === id)!.statements
    .filter((st) => JSON.stringify(st.Resource).includes('BrakesTable')).flatMap((st) => st.Action))].sort();
  expect(onBrakes('ApplyRemediationFunction')).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
  expect(onBrakes('RunbookStepFunction')).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
  expect(onBrakes('RecordAuditFunction')).toEqual(['dynamodb:PutItem']);
  const others = principals.filter((p) => !['ApplyRemediationFunction', 'RunbookStepFunction', 'RecordAuditFunction'].includes(p.id) && JSON.stringify(p.statements).includes('BrakesTable'));
  expect(others.map((p) => p.id)).toEqual([]);
});

test('the re-check, verify and triage\'s live state only read (Describe, List, Get); only Apply writes', () => {
  // Besides the exemption sightings: a conditional put of a first sighting, in the audit table (next test).
  // Triage also takes resource locks (conditional writes of the findings table's lock# items: below).
  const sightings = new Set(EXEMPTION_SIGHTINGS.flatMap((g) => g.actions));
  const locks = new Set(RESOURCE_LOCKS.flatMap((g) => g.actions));
  for (const id of ['LoadLiveStateFunction', 'VerifyRemediationFunction', 'TriageFunction']) {
    expect(declared(id).filter((a) => !sightings.has(a) && !(id === 'TriageFunction' && locks.has(a)) && !/^[a-z0-9-]+:(Describe|List|Get)[A-Za-z]*$/.test(a))).toEqual([]);
    // Triage's queue actions are hand-written, on its two queues only.
    if (id === 'TriageFunction') {
      const sqsOn = principals.find((p) => p.id === id)!.statements.filter((s) => s.Action.some((a) => a.startsWith('sqs:')));
      expect(sqsOn.map((s) => [s.Action, s.Resource])).toEqual([
        [['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], [{ 'Fn::GetAtt': ['TriageQueue', 'Arn'] }]],
        [['sqs:SendMessage'], [{ 'Fn::GetAtt': ['TriageDeadLetterQueue', 'Arn'] }]],
      ]);
    }
  }
  expect(declared('ApplyRemediationFunction').filter((a) => !/:(Describe|List|Get)/.test(a)).length).toBeGreaterThan(0);
});

test('exemption sightings: triage, the sweep items and the re-check read and put only the audit table\'s exemption# items', () => {
  for (const id of ['TriageFunction', 'LoadLiveStateFunction', 'SweepItemFunction']) {
    const onAudit = principals.find((p) => p.id === id)!.statements.filter((st) => JSON.stringify(st.Resource).includes('AuditTable'));
    expect(onAudit.map(({ Action, Resource, Condition }) => ({ Action, Resource, Condition }))).toEqual([{
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: [{ 'Fn::GetAtt': ['AuditTable', 'Arn'] }],
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['exemption#*'] } },
    }]);
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
  expect(sorted(resourcesFor('RestoreRuleFunction', 'ec2:AuthorizeSecurityGroupIngress').map((r) => r.resource))).toEqual(sorted([arn('ec2', 'security-group/*'), arn('ec2', 'security-group-rule/*')]));
  const tagging = principals.find((p) => p.id === 'RestoreRuleFunction')!.statements.filter((st) => st.Action.includes('ec2:CreateTags'));
  expect(tagging.map((st) => st.Condition)).toEqual([{ StringEquals: { 'ec2:CreateAction': 'AuthorizeSecurityGroupIngress' } }]);
});

test('runbook writes are scoped to the resource type they change', () => {
  const step = (a: string) => sorted(resourcesFor('RunbookStepFunction', a).map((r) => r.resource));
  expect(step('ecs:StopTask')).toEqual([arn('ecs', 'task/*')]);
  expect(step('ecs:TagResource')).toEqual([arn('ecs', 'task/*')]);
  expect(step('ecs:UpdateContainerInstancesState')).toEqual([arn('ecs', 'container-instance/*')]);
  expect(step('ec2:ModifyNetworkInterfaceAttribute')).toEqual(sorted([arn('ec2', 'network-interface/*'), arn('ec2', 'instance/*'), arn('ec2', 'vpc/*'), arn('ec2', 'security-group/*')]));
  expect(step('ec2:RevokeSecurityGroupIngress')).toEqual([]); // revoke-open-ingress runs in the remediate workflow's Apply
  for (const a of LOAD_BALANCER_READS) expect(step(a)).toEqual([]); // and so does its front-end lookup
  // The audit table (progress, the restore's record, a release's record) and the brakes table (Brake, a release).
  for (const a of ['dynamodb:GetItem', 'dynamodb:PutItem']) expect(step(a)).toEqual(sorted(['AuditTable', 'BrakesTable'].map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] }))));
});

test('the runbook role can only swap ENIs into, and empty, groups tagged warden:quarantine=true, and tags groups only as it creates them', () => {
  const statements = principals.find((p) => p.id === 'RunbookStepFunction')!.statements;
  const onGroups = (action: string) => statements.filter((st) => st.Action.includes(action) && st.Resource.some((r) => JSON.stringify(r).includes('security-group/')));
  const quarantineOnly = { StringEquals: { 'aws:ResourceTag/warden:quarantine': 'true' } };
  for (const action of ['ec2:ModifyNetworkInterfaceAttribute', 'ec2:RevokeSecurityGroupEgress']) {
    expect(onGroups(action).map((st) => st.Condition)).toEqual([quarantineOnly]);
  }
  expect(onGroups('ec2:CreateTags').map((st) => st.Condition)).toEqual([{ StringEquals: { 'ec2:CreateAction': 'CreateSecurityGroup' } }]);
  const onSnapshots = statements.filter((st) => st.Action.includes('ec2:CreateTags') && st.Resource.some((r) => JSON.stringify(r).includes(':snapshot/')));
  expect(onSnapshots.map((st) => st.Condition)).toEqual([{ StringEquals: { 'ec2:CreateAction': 'CreateSnapshot' } }]);
});

test('checkov: every function skips the concurrency check only with the bound that protects it named', () => {
  for (const f of functions(t)) {
    const metadata = (t.Resources[f.logicalId]?.Metadata ?? {}) as Record<string, Json>;
    const skips = ((isObject(metadata.checkov) ? metadata.checkov.skip : undefined) ?? []) as Record<string, Json>[];
    const concurrency = skips.filter((s) => s.id === 'CKV_AWS_115');
    expect({ fn: f.logicalId, skips: concurrency.length }).toEqual({ fn: f.logicalId, skips: 1 });
    expect(String(concurrency[0]!.comment)).toMatch(/Bounded by|bounded by/);
  }
});

describe('the sweep', () => {
  const statementsOf = (id: string) => principals.find((p) => p.id === id)!.statements;
  const onFindings = (id: string) => statementsOf(id)
    .filter((st) => JSON.stringify(st.Resource).includes('FindingsTable'))
    .map(({ Action, Condition }) => ({ Action: [...Action].sort(), ...(Condition ? { Condition } : {}) }));
  const keys = (prefix: string) => ({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [prefix] } });

  test('the findings table: locks and decisions by key prefix; the sweep items nothing else of it, Record only the writes its end needs', () => {
    const locks = { Action: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], Condition: keys('lock#*') };
    const decisionsRead = { Action: ['dynamodb:GetItem'], Condition: keys('decision#*') };
    expect(onFindings('SweepItemFunction')).toEqual([locks, decisionsRead]);
    // Triage's finding memory (GuardDuty finding ids) is hand-written and unconditioned, as before.
    expect(onFindings('TriageFunction')).toEqual(expect.arrayContaining([locks, decisionsRead, { Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'] }]));
    expect(onFindings('TriageFunction')).toHaveLength(3);
    expect(onFindings('RecordAuditFunction')).toEqual([
      { Action: ['dynamodb:PutItem'], Condition: keys('decision#*') },
      { Action: ['dynamodb:DeleteItem', 'dynamodb:UpdateItem'], Condition: keys('lock#*') },
    ]);
    const others = principals.filter((p) => !['SweepItemFunction', 'TriageFunction', 'RecordAuditFunction'].includes(p.id) && JSON.stringify(p.statements).includes('FindingsTable'));
    expect(others.map((p) => p.id)).toEqual([]);
  });

  test("a sweep item reads as the scan does (without the Regions list), writes nothing but locks, and starts only the remediate workflow", () => {
    const scan = new Set(Object.entries(SCAN_READS).filter(([by]) => by !== 'regions').flatMap(([, gs]) => gs.flatMap((g) => g.actions)));
    const locks = new Set(RESOURCE_LOCKS.flatMap((g) => g.actions));
    const sightings = new Set(EXEMPTION_SIGHTINGS.flatMap((g) => g.actions));
    const actions = [...new Set(statementsOf('SweepItemFunction').flatMap((s) => s.Action))];
    expect(actions.filter((a) => !scan.has(a) && !locks.has(a) && !sightings.has(a) && a !== 'ssm:GetParameter' && a !== 'states:StartExecution')).toEqual([]);
    expect([...scan].filter((a) => !actions.includes(a))).toEqual([]);
    expect(actions).not.toContain('ec2:DescribeRegions');
    expect(resourcesFor('SweepItemFunction', 'states:StartExecution')).toEqual([{ resource: { Ref: 'RemediationStateMachine' } }]);
    // Only triage and the sweep items start the remediate workflow, whose input (the policy) the run trusts.
    const starters = principals.filter((p) => JSON.stringify(p.statements.filter((st) => st.Action.includes('states:StartExecution')).flatMap((st) => st.Resource)).includes('"RemediationStateMachine"'));
    expect(starters.map((p) => p.id).sort()).toEqual(['SweepItemFunction', 'TriageFunction']);
    // PlanSweep and Summarize: the summary item (sweep# only) and its event.
    expect(statementsOf('SweepFunction').map(({ Action, Resource, Condition }) => ({ Action, Resource, ...(Condition ? { Condition } : {}) }))).toEqual([
      { Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], Resource: [{ 'Fn::GetAtt': ['AuditTable', 'Arn'] }], Condition: keys('sweep#*') },
      { Action: ['events:PutEvents'], Resource: [{ 'Fn::GetAtt': ['WardenEventBus', 'Arn'] }] },
    ]);
  });

  test('the state machine starts, watches and stops child executions of itself only (by name), and invokes its two functions', () => {
    const own = (kind: string, tail = '') => ({ 'Fn::Sub': `arn:\${AWS::Partition}:states:\${AWS::Region}:\${AWS::AccountId}:${kind}:\${AWS::StackName}-sweep${tail}` });
    expect(t.Resources.SweepStateMachine!.Properties!.Name).toEqual({ 'Fn::Sub': '${AWS::StackName}-sweep' });
    expect(resourcesFor('SweepStateMachine', 'states:StartExecution')).toEqual([{ resource: own('stateMachine') }]);
    for (const a of ['states:DescribeExecution', 'states:StopExecution']) expect(resourcesFor('SweepStateMachine', a)).toEqual([{ resource: own('execution', '/*') }]);
    expect(resourcesFor('SweepStateMachine', 'lambda:InvokeFunction')).toEqual(['SweepFunction', 'SweepItemFunction'].map((id) => ({ resource: { 'Fn::GetAtt': [id, 'Arn'] } })));
  });

  test('the schedule: EventBridge Scheduler starts the sweep with a role that may start only it; SweepSchedule off creates neither', () => {
    expect(t.Parameters?.SweepSchedule).toMatchObject({ Type: 'String', Default: 'rate(1 day)' });
    expect(t.Conditions?.SweepScheduled).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'SweepSchedule' }, 'off'] }] });
    expect(t.Resources.SweepTrigger).toMatchObject({
      Type: 'AWS::Scheduler::Schedule', Condition: 'SweepScheduled',
      Properties: {
        ScheduleExpression: { Ref: 'SweepSchedule' }, State: 'ENABLED',
        Target: { Arn: { Ref: 'SweepStateMachine' }, RoleArn: { 'Fn::GetAtt': ['SweepSchedulerRole', 'Arn'] } },
      },
    });
    const role = t.Resources.SweepSchedulerRole!;
    expect(role).toMatchObject({ Type: 'AWS::IAM::Role', Condition: 'SweepScheduled' });
    expect(role.Properties!.AssumeRolePolicyDocument).toMatchObject({
      Statement: [{ Effect: 'Allow', Principal: { Service: 'scheduler.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } }],
    });
    const granted = ((role.Properties!.Policies ?? []) as { PolicyDocument: { Statement: { Action: Json; Resource: Json }[] } }[]).flatMap((p) => p.PolicyDocument.Statement);
    expect(granted.map(({ Action, Resource }) => ({ Action, Resource }))).toEqual([{ Action: 'states:StartExecution', Resource: { Ref: 'SweepStateMachine' } }]);
    expect(role.Properties!.ManagedPolicyArns).toBeUndefined();
  });

  test("SweepItemFunction's concurrency bound (checkov CKV_AWS_115) is the Map's MaxConcurrency", () => {
    const skip = ((t.Resources.SweepItemFunction!.Metadata!.checkov as { skip: { id: string; comment: string }[] }).skip).find((s) => s.id === 'CKV_AWS_115')!;
    expect(skip.comment).toContain(`MaxConcurrency (${SWEEP_MAX_CONCURRENCY} items at once`);
  });
});
