/**
 * EventBridge rules: every one targets TriageQueue (which TriageFunction reads, with a bounded concurrency) with a
 * retry policy and a dead-letter queue EventBridge may write to, and the patterns route exactly the samples marked `routed: true` (test/fixtures/events.manifest.json and the
 * controls' declared examples).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { matchingRules, validatePattern } from '../../local/event-pattern';
import { controlExamples } from '../../local/samples';
import { controls } from '../../functions/domain/controls';
import {
  eventRules, functions, isObject, loadTemplate, referencedId, type Json, type JsonObject,
} from '../../local/template';

const t = loadTemplate();
// Rules are resources named `TriageRule<Id>`; the tests speak of `<Id>`.
const rules = eventRules(t).map((r) => ({ ...r, name: r.name.replace(/^TriageRule/, '') }));
const triage = functions(t).find((f) => f.logicalId === 'TriageFunction');

test('there are rules, with valid patterns', () => {
  expect(rules.map((r) => r.name).sort()).toEqual([
    'ContainerConfigCompliance', 'ContainerConfigItemChange', 'ContainerSecurityHubFinding',
    'EcrApiCall', 'EcsApiCall', 'EksApiCall', 'GuardDutyContainerFinding',
    'SgConfigCompliance', 'SgConfigItemChange', 'SgIngressApiCall', 'SgSecurityHubFinding',
  ]);
  for (const r of rules) expect(() => validatePattern(r.pattern)).not.toThrow();
});

/** The consolidated (Compliance.SecurityControlId) and legacy (ProductFields.ControlId) lists of a Security Hub rule. */
function securityHubIds(name: string): { consolidated: Json; legacy: Json } {
  const findings = ((rules.find((r) => r.name === name)?.pattern.detail as JsonObject).findings ?? {}) as JsonObject;
  const [consolidated, legacy] = (findings.$or ?? []) as JsonObject[];
  return {
    consolidated: (consolidated?.Compliance as JsonObject | undefined)?.SecurityControlId ?? null,
    legacy: (legacy?.ProductFields as JsonObject | undefined)?.ControlId ?? null,
  };
}

test.each(['SgSecurityHubFinding', 'ContainerSecurityHubFinding'])(
  'the Security Hub rule %s lists the same controls for consolidated and legacy control ids', (name) => {
    const { consolidated, legacy } = securityHubIds(name);
    expect(Array.isArray(consolidated) && consolidated.length).toBeTruthy();
    expect(legacy).toEqual(consolidated);
  },
);

test('the Security Hub rules list exactly the Security Hub controls the catalog maps', () => {
  // The security-group rule takes the ids of the controls that read security groups, and nothing else.
  const sgIds = controls.filter((c) => c.resourceTypes.includes('AWS::EC2::SecurityGroup')).flatMap((c) => c.mappings.securityHub ?? []);
  expect([...(securityHubIds('SgSecurityHubFinding').consolidated as string[])].sort()).toEqual([...new Set(sgIds)].sort());
  expect(sgIds.length).toBeGreaterThan(0);
  const routed = ['SgSecurityHubFinding', 'ContainerSecurityHubFinding'].flatMap((n) => securityHubIds(n).consolidated as string[]);
  const mapped = controls.flatMap((c) => c.mappings.securityHub ?? []);
  expect([...new Set(routed)].sort()).toEqual([...new Set(mapped)].sort());
  expect(routed).toHaveLength(new Set(routed).size); // no id in both rules
});

const CONTAINER_TYPES = ['AWS::ECS::TaskDefinition', 'AWS::ECS::Service', 'AWS::ECS::Cluster', 'AWS::EKS::Cluster', 'AWS::ECR::Repository'];

test('the container Config rules cover exactly the resource types of the container controls', () => {
  const types = [...new Set(controls.flatMap((c) => c.resourceTypes))].filter((t) => t !== 'AWS::EC2::SecurityGroup');
  // The task-run and account-setting controls read CloudTrail only (Config has no such resource types).
  expect(types.filter((t) => CONTAINER_TYPES.includes(t)).sort()).toEqual([...CONTAINER_TYPES].sort());
});

/** Does the queue's one policy let EventBridge send to it from this rule only by its ARN? */
function queueAllowsRule(queueId: string, ruleLogicalId: string): boolean {
  const policies = Object.values(t.Resources).filter(
    (res) => res.Type === 'AWS::SQS::QueuePolicy' && ((res.Properties?.Queues ?? []) as Json[]).some((q) => referencedId(q) === queueId),
  );
  expect(policies).toHaveLength(1);
  const statements = ((policies[0]!.Properties!.PolicyDocument as JsonObject).Statement ?? []) as JsonObject[];
  return statements.some((s) => {
    const principal = isObject(s.Principal) ? s.Principal.Service : undefined;
    const actions = ([] as Json[]).concat(s.Action ?? []);
    const cond = isObject(s.Condition) ? s.Condition : {};
    const sources = ([] as Json[]).concat((isObject(cond.ArnEquals) ? cond.ArnEquals['aws:SourceArn'] : undefined) ?? []);
    return s.Effect === 'Allow' && principal === 'events.amazonaws.com' && actions.includes('sqs:SendMessage') &&
      referencedId(s.Resource) === queueId && sources.some((src) => referencedId(src) === ruleLogicalId);
  });
}

const encrypted = (queueId: string | undefined) => {
  const queue = t.Resources[queueId ?? ''];
  expect(queue?.Type).toBe('AWS::SQS::Queue');
  expect(queue?.Properties?.SqsManagedSseEnabled ?? queue?.Properties?.KmsMasterKeyId).toBeTruthy();
};

describe.each(rules.map((r) => [r.name, r] as const))('rule %s', (_name, r) => {
  test('targets TriageQueue on the default bus, and the queue lets this rule send', () => {
    expect(r.target).toBe('TriageQueue');
    expect(r.eventBus ?? 'default').toBe('default');
    expect(queueAllowsRule('TriageQueue', r.ruleLogicalId)).toBe(true);
  });

  test('has a retry policy', () => {
    expect(r.retryPolicy).toMatchObject({
      MaximumRetryAttempts: expect.any(Number),
      MaximumEventAgeInSeconds: expect.any(Number),
    });
  });

  test('has a dead-letter queue: an encrypted SQS queue whose policy lets this rule send to it', () => {
    const queueId = referencedId(r.deadLetterArn);
    expect(queueId).toEqual(expect.any(String));
    encrypted(queueId);
    expect(queueAllowsRule(queueId!, r.ruleLogicalId)).toBe(true);
  });
});

test('TriageFunction reads TriageQueue: partial batch failures, bounded concurrency from a parameter, redrive to an encrypted DLQ', () => {
  const mappings = Object.values(t.Resources).filter((res) => res.Type === 'AWS::Lambda::EventSourceMapping');
  expect(mappings).toHaveLength(1);
  const p = mappings[0]!.Properties!;
  expect(referencedId(p.FunctionName)).toBe('TriageFunction');
  expect(referencedId(p.EventSourceArn)).toBe('TriageQueue');
  expect(p.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
  expect((p.ScalingConfig as JsonObject).MaximumConcurrency).toEqual({ Ref: 'TriageMaxConcurrency' });
  expect(t.Parameters?.TriageMaxConcurrency).toMatchObject({ Type: 'Number', MinValue: 2 });
  const queue = t.Resources.TriageQueue!.Properties!;
  encrypted('TriageQueue');
  // Lambda's advice for SQS sources: a visibility timeout of at least six times the function's timeout.
  const timeout = Number(triage?.properties.Timeout ?? 3); // Globals merged in
  expect(timeout).toBeGreaterThan(3);
  expect(Number(queue.VisibilityTimeout)).toBeGreaterThanOrEqual(6 * timeout);
  const redrive = queue.RedrivePolicy as JsonObject;
  expect(referencedId(redrive.deadLetterTargetArn)).toBe('TriageDeadLetterQueue');
  expect(Number(redrive.maxReceiveCount)).toBeGreaterThan(1);
  encrypted('TriageDeadLetterQueue');
  expect(rules.map((r) => referencedId(r.deadLetterArn))).not.toContain('TriageDeadLetterQueue');
  // No asynchronous invocations any more: nothing else invokes triage.
  expect(triage?.properties.DeadLetterQueue).toBeUndefined();
  expect(triage?.events).toEqual({});
});

// ------------------------------------------------------------------------------------------------ routing

const route = (event: unknown) => matchingRules(rules, event).map((r) => r.name);

/**
 * Shapes from the research notes (controls.md §5), trimmed to what the patterns read. They pin the behaviour that
 * matters even before events/ is complete: the right rule, and near misses that must not route.
 */
const sg = 'AWS::EC2::SecurityGroup';
const cloudTrail = (eventName: string, extra: JsonObject = {}, service = 'ec2') => ({
  source: `aws.${service}`, 'detail-type': 'AWS API Call via CloudTrail',
  detail: { eventSource: `${service}.amazonaws.com`, eventName, ...extra },
});
const compliance = (complianceType: string, resourceType = sg, messageType = 'ComplianceChangeNotification') => ({
  source: 'aws.config', 'detail-type': 'Config Rules Compliance Change',
  detail: { messageType, resourceType, newEvaluationResult: { complianceType } },
});
const itemChange = (messageType: string, body: JsonObject) => ({
  source: 'aws.config', 'detail-type': 'Config Configuration Item Change', detail: { messageType, ...body },
});
const finding = (f: JsonObject) => ({
  Compliance: { Status: 'FAILED', SecurityControlId: 'EC2.19' }, RecordState: 'ACTIVE', Workflow: { Status: 'NEW' }, ...f,
});
const hub = (...findings: JsonObject[]) => ({
  source: 'aws.securityhub', 'detail-type': 'Security Hub Findings - Imported', detail: { findings },
});

test.each<[string, unknown, string[]]>([
  ['CloudTrail AuthorizeSecurityGroupIngress', cloudTrail('AuthorizeSecurityGroupIngress'), ['SgIngressApiCall']],
  ['CloudTrail ModifySecurityGroupRules', cloudTrail('ModifySecurityGroupRules'), ['SgIngressApiCall']],
  ['CloudTrail AuthorizeSecurityGroupEgress', cloudTrail('AuthorizeSecurityGroupEgress'), []],
  ['CloudTrail RevokeSecurityGroupIngress (Warden\'s own fix)', cloudTrail('RevokeSecurityGroupIngress'), []],
  ['CloudTrail from another service', { ...cloudTrail('AuthorizeSecurityGroupIngress'), source: 'aws.ecs' }, []],
  ['Config NON_COMPLIANT security group', compliance('NON_COMPLIANT'), ['SgConfigCompliance']],
  ['Config COMPLIANT security group', compliance('COMPLIANT'), []],
  ['Config NON_COMPLIANT other resource', compliance('NON_COMPLIANT', 'AWS::S3::Bucket'), []],
  ['Config CI change of a security group',
    itemChange('ConfigurationItemChangeNotification', { configurationItem: { resourceType: sg } }), ['SgConfigItemChange']],
  ['Config oversized CI change of a security group',
    itemChange('OversizedConfigurationItemChangeNotification', { configurationItemSummary: { resourceType: sg } }),
    ['SgConfigItemChange']],
  ['Config CI change of another resource',
    itemChange('ConfigurationItemChangeNotification', { configurationItem: { resourceType: 'AWS::EC2::Instance' } }), []],
  ['Config oversized CI of another resource',
    itemChange('OversizedConfigurationItemChangeNotification', { configurationItemSummary: { resourceType: 'AWS::ECS::TaskSet' } }), []],
  ['Config CI message type with only a summary (mismatched)',
    itemChange('ConfigurationItemChangeNotification', { configurationItemSummary: { resourceType: sg } }), []],
  ['Security Hub failed active EC2.19', hub(finding({})), ['SgSecurityHubFinding']],
  ['Security Hub EC2.53', hub(finding({ Compliance: { Status: 'FAILED', SecurityControlId: 'EC2.53' } })), ['SgSecurityHubFinding']],
  ['Security Hub passed', hub(finding({ Compliance: { Status: 'PASSED', SecurityControlId: 'EC2.19' } })), []],
  ['Security Hub archived', hub(finding({ RecordState: 'ARCHIVED' })), []],
  ['Security Hub other control', hub(finding({ Compliance: { Status: 'FAILED', SecurityControlId: 'ECS.10' } })), []],
  ['Security Hub legacy ProductFields.ControlId (consolidation off)',
    hub({ Compliance: { Status: 'FAILED' }, RecordState: 'ACTIVE', Workflow: { Status: 'NEW' }, ProductFields: { ControlId: 'EC2.18' } }),
    ['SgSecurityHubFinding']],
  ['Security Hub legacy ControlId of another control',
    hub({ Compliance: { Status: 'FAILED' }, RecordState: 'ACTIVE', Workflow: { Status: 'NEW' }, ProductFields: { ControlId: 'EC2.22' } }), []],
  ['Security Hub suppressed', hub(finding({ Workflow: { Status: 'SUPPRESSED' } })), []],
  ['Security Hub resolved but still failing', hub(finding({ Workflow: { Status: 'RESOLVED' } })), ['SgSecurityHubFinding']],
  ['Security Hub FAILED and ACTIVE only in different findings',
    hub(finding({ RecordState: 'ARCHIVED' }), finding({ Compliance: { Status: 'PASSED', SecurityControlId: 'EC2.19' } })), []],
  // ECS, EKS, ECR
  ...['RegisterTaskDefinition', 'CreateService', 'UpdateService', 'RunTask', 'StartTask', 'CreateCluster',
    'UpdateClusterSettings', 'PutAccountSetting', 'PutAccountSettingDefault'].map(
    (name): [string, unknown, string[]] => [`CloudTrail ecs:${name}`, cloudTrail(name, {}, 'ecs'), ['EcsApiCall']],
  ),
  ['CloudTrail ecs:DeregisterTaskDefinition', cloudTrail('DeregisterTaskDefinition', {}, 'ecs'), []],
  ['CloudTrail ecs:StopTask (Warden\'s own fix)', cloudTrail('StopTask', {}, 'ecs'), []],
  ['CloudTrail eks:CreateCluster', cloudTrail('CreateCluster', {}, 'eks'), ['EksApiCall']],
  ['CloudTrail eks:UpdateClusterConfig', cloudTrail('UpdateClusterConfig', {}, 'eks'), ['EksApiCall']],
  ['CloudTrail eks:UpdateClusterVersion', cloudTrail('UpdateClusterVersion', {}, 'eks'), []],
  ['CloudTrail eks event name from ecs', cloudTrail('UpdateClusterConfig', {}, 'ecs'), []],
  ['CloudTrail ecr:CreateRepository', cloudTrail('CreateRepository', {}, 'ecr'), ['EcrApiCall']],
  ['CloudTrail ecr:PutImageScanningConfiguration', cloudTrail('PutImageScanningConfiguration', {}, 'ecr'), ['EcrApiCall']],
  ['CloudTrail ecr:PutImageTagMutability', cloudTrail('PutImageTagMutability', {}, 'ecr'), ['EcrApiCall']],
  ['CloudTrail ecr:PutImage', cloudTrail('PutImage', {}, 'ecr'), []],
  ...CONTAINER_TYPES.flatMap((type): [string, unknown, string[]][] => [
    [`Config NON_COMPLIANT ${type}`, compliance('NON_COMPLIANT', type), ['ContainerConfigCompliance']],
    [`Config COMPLIANT ${type}`, compliance('COMPLIANT', type), []],
    [`Config CI change of ${type}`,
      itemChange('ConfigurationItemChangeNotification', { configurationItem: { resourceType: type } }), ['ContainerConfigItemChange']],
    [`Config oversized CI change of ${type}`,
      itemChange('OversizedConfigurationItemChangeNotification', { configurationItemSummary: { resourceType: type } }),
      ['ContainerConfigItemChange']],
  ]),
  ['Config NON_COMPLIANT ECS task set (no container control)', compliance('NON_COMPLIANT', 'AWS::ECS::TaskSet'), []],
  ...['ECS.2', 'ECS.3', 'ECS.4', 'ECS.5', 'ECS.8', 'ECS.9', 'ECS.12', 'ECS.17', 'ECS.20', 'EKS.1', 'EKS.3', 'EKS.8', 'ECR.1', 'ECR.2'].map(
    (id): [string, unknown, string[]] => [
      `Security Hub failed active ${id}`, hub(finding({ Compliance: { Status: 'FAILED', SecurityControlId: id } })), ['ContainerSecurityHubFinding'],
    ],
  ),
  ['Security Hub legacy ControlId ECR.1',
    hub({ Compliance: { Status: 'FAILED' }, RecordState: 'ACTIVE', Workflow: { Status: 'NEW' }, ProductFields: { ControlId: 'ECR.1' } }),
    ['ContainerSecurityHubFinding']],
  ['Security Hub EKS.8 passed', hub(finding({ Compliance: { Status: 'PASSED', SecurityControlId: 'EKS.8' } })), []],
  ['Security Hub ECS.20 suppressed',
    hub(finding({ Compliance: { Status: 'FAILED', SecurityControlId: 'ECS.20' }, Workflow: { Status: 'SUPPRESSED' } })), []],
  ['Security Hub ECR.2 archived', hub(finding({ Compliance: { Status: 'FAILED', SecurityControlId: 'ECR.2' }, RecordState: 'ARCHIVED' })), []],
])('routing: %s', (_name, event, expected) => {
  expect(route(event)).toEqual(expected);
});

// ------------------------------------------------------------------------------------------------ events/ samples

interface ManifestEntry {
  file: string;
  routed: boolean;
  expect?: unknown;
}

// WARDEN_EVENTS_DIR lets you try the routing tests against another sample directory.
const eventsDir = resolve(process.env.WARDEN_EVENTS_DIR ?? resolve(t.root, 'events'));
const manifestPath = resolve(process.env.WARDEN_EVENTS_MANIFEST ?? resolve(t.root, 'test', 'fixtures', 'events.manifest.json'));

function loadManifest(): ManifestEntry[] {
  const raw = JSON.parse(readFileSync(manifestPath, 'utf8')) as unknown;
  const list = Array.isArray(raw)
    ? raw
    : isObject(raw as Json)
      ? ((raw as JsonObject).entries ?? (raw as JsonObject).events ?? (raw as JsonObject).samples)
      : undefined;
  if (!Array.isArray(list)) throw new Error(`${manifestPath}: expected an array of {file, routed, expect}`);
  return list.map((e, i) => {
    if (!isObject(e as Json) || typeof (e as JsonObject).file !== 'string' || typeof (e as JsonObject).routed !== 'boolean') {
      throw new Error(`${manifestPath}[${i}]: expected {file: string, routed: boolean, expect?}`);
    }
    return e as unknown as ManifestEntry;
  });
}

// With the repository's own manifest, the controls' declared examples are samples too (local/samples.ts).
const ownManifest = process.env.WARDEN_EVENTS_MANIFEST === undefined && process.env.WARDEN_EVENTS_DIR === undefined;
const manifest: ManifestEntry[] = existsSync(manifestPath) ? [...loadManifest(), ...(ownManifest ? controlExamples() : [])] : [];

const NOT_JSON = Symbol('not JSON');

/** The sample's JSON, or NOT_JSON for a deliberately broken file (EventBridge only ever delivers JSON). */
function readSample(file: string): unknown {
  const candidates = [resolve(eventsDir, file), resolve(t.root, file)];
  const path = candidates.find((p) => existsSync(p));
  if (!path) throw new Error(`sample ${file} not found (looked in ${eventsDir} and the repository root)`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return NOT_JSON;
  }
}

const routeSample = (file: string): string[] => {
  const sample = readSample(file);
  return sample === NOT_JSON ? [] : route(sample);
};

test('the events manifest exists and lists routed and non-routed samples', () => {
  expect(existsSync(manifestPath)).toBe(true);
  expect(manifest.filter((e) => e.routed).length).toBeGreaterThan(0);
  expect(manifest.filter((e) => !e.routed).length).toBeGreaterThan(0);
});

describe('events/ samples', () => {
  const cases = manifest.map((e) => [e.file, e.routed, e] as const);
  if (cases.length === 0) return; // the test above fails when the manifest is missing or empty
  test.each(cases)('%s: routed=%s', (_file, routed, entry) => {
    const matched = routeSample(entry.file);
    if (routed) expect(matched.length).toBeGreaterThan(0);
    else expect(matched).toEqual([]);
  });
});

test('every rule routes at least one sample from events/', () => {
  const used = new Set(manifest.filter((e) => e.routed).flatMap((e) => routeSample(e.file)));
  expect(rules.map((r) => r.name).filter((n) => !used.has(n))).toEqual([]);
});
