/**
 * EventBridge rules: every one targets TriageFunction with a retry policy and a dead-letter queue EventBridge may
 * write to, and the patterns route exactly the samples in test/fixtures/events.manifest.json marked `routed: true`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { matchingRules, validatePattern } from '../../functions/local/event-pattern';
import {
  eventRules, functions, isObject, loadTemplate, referencedId, type Json, type JsonObject,
} from '../../functions/local/template';

const t = loadTemplate();
const rules = eventRules(t);
const triage = functions(t).find((f) => f.logicalId === 'TriageFunction');

test('there are rules, with valid patterns', () => {
  expect(rules.map((r) => r.name).sort()).toEqual(
    ['SgConfigCompliance', 'SgConfigItemChange', 'SgIngressApiCall', 'SgSecurityHubFinding'],
  );
  for (const r of rules) expect(() => validatePattern(r.pattern)).not.toThrow();
});

test('the Security Hub rule lists the same controls for consolidated and legacy control ids', () => {
  const findings = ((rules.find((r) => r.name === 'SgSecurityHubFinding')?.pattern.detail as JsonObject).findings ?? {}) as JsonObject;
  const [consolidated, legacy] = (findings.$or ?? []) as JsonObject[];
  const ids = (consolidated?.Compliance as JsonObject | undefined)?.SecurityControlId;
  expect(ids).toEqual(['EC2.13', 'EC2.14', 'EC2.18', 'EC2.19', 'EC2.53', 'EC2.54']);
  expect((legacy?.ProductFields as JsonObject | undefined)?.ControlId).toEqual(ids);
});

describe.each(rules.map((r) => [r.name, r] as const))('rule %s', (_name, r) => {
  test('targets TriageFunction on the default bus', () => {
    expect(r.target).toBe('TriageFunction');
    expect(r.eventBus ?? 'default').toBe('default');
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
    const queue = t.Resources[queueId!];
    expect(queue?.Type).toBe('AWS::SQS::Queue');
    expect(queue?.Properties?.SqsManagedSseEnabled ?? queue?.Properties?.KmsMasterKeyId).toBeTruthy();

    const policies = Object.values(t.Resources).filter(
      (res) =>
        res.Type === 'AWS::SQS::QueuePolicy' &&
        ((res.Properties?.Queues ?? []) as Json[]).some((q) => referencedId(q) === queueId),
    );
    expect(policies).toHaveLength(1);
    const statements = ((policies[0]!.Properties!.PolicyDocument as JsonObject).Statement ?? []) as JsonObject[];
    const allowsRule = statements.some((s) => {
      const principal = isObject(s.Principal) ? s.Principal.Service : undefined;
      const actions = ([] as Json[]).concat(s.Action ?? []);
      const cond = isObject(s.Condition) ? s.Condition : {};
      const sources = ([] as Json[]).concat(
        (isObject(cond.ArnEquals) ? cond.ArnEquals['aws:SourceArn'] : undefined) ?? [],
      );
      return (
        s.Effect === 'Allow' &&
        principal === 'events.amazonaws.com' &&
        actions.includes('sqs:SendMessage') &&
        referencedId(s.Resource) === queueId &&
        sources.some((src) => referencedId(src) === r.ruleLogicalId)
      );
    });
    expect(allowsRule).toBe(true);
  });
});

test('TriageFunction sends failed asynchronous invocations to its own encrypted SQS dead-letter queue', () => {
  const dlq = triage?.properties.DeadLetterQueue as JsonObject | undefined;
  expect(dlq).toMatchObject({ Type: 'SQS' });
  const queueId = referencedId(dlq?.TargetArn);
  expect(t.Resources[queueId ?? '']).toMatchObject({ Type: 'AWS::SQS::Queue', Properties: { SqsManagedSseEnabled: true } });
  expect(rules.map((r) => referencedId(r.deadLetterArn))).not.toContain(queueId);
});

// ------------------------------------------------------------------------------------------------ routing

const route = (event: unknown) => matchingRules(rules, event).map((r) => r.name);

/**
 * Shapes from the research notes (controls.md §5), trimmed to what the patterns read. They pin the behaviour that
 * matters even before events/ is complete: the right rule, and near misses that must not route.
 */
const sg = 'AWS::EC2::SecurityGroup';
const cloudTrail = (eventName: string, extra: JsonObject = {}) => ({
  source: 'aws.ec2', 'detail-type': 'AWS API Call via CloudTrail',
  detail: { eventSource: 'ec2.amazonaws.com', eventName, ...extra },
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
    itemChange('OversizedConfigurationItemChangeNotification', { configurationItemSummary: { resourceType: 'AWS::ECS::TaskDefinition' } }), []],
  ['Config CI message type with only a summary (mismatched)',
    itemChange('ConfigurationItemChangeNotification', { configurationItemSummary: { resourceType: sg } }), []],
  ['Security Hub failed active EC2.19', hub(finding({})), ['SgSecurityHubFinding']],
  ['Security Hub EC2.53', hub(finding({ Compliance: { Status: 'FAILED', SecurityControlId: 'EC2.53' } })), ['SgSecurityHubFinding']],
  ['Security Hub passed', hub(finding({ Compliance: { Status: 'PASSED', SecurityControlId: 'EC2.19' } })), []],
  ['Security Hub archived', hub(finding({ RecordState: 'ARCHIVED' })), []],
  ['Security Hub other control', hub(finding({ Compliance: { Status: 'FAILED', SecurityControlId: 'ECS.2' } })), []],
  ['Security Hub legacy ProductFields.ControlId (consolidation off)',
    hub({ Compliance: { Status: 'FAILED' }, RecordState: 'ACTIVE', Workflow: { Status: 'NEW' }, ProductFields: { ControlId: 'EC2.18' } }),
    ['SgSecurityHubFinding']],
  ['Security Hub legacy ControlId of another control',
    hub({ Compliance: { Status: 'FAILED' }, RecordState: 'ACTIVE', Workflow: { Status: 'NEW' }, ProductFields: { ControlId: 'EC2.2' } }), []],
  ['Security Hub suppressed', hub(finding({ Workflow: { Status: 'SUPPRESSED' } })), []],
  ['Security Hub resolved but still failing', hub(finding({ Workflow: { Status: 'RESOLVED' } })), ['SgSecurityHubFinding']],
  ['Security Hub FAILED and ACTIVE only in different findings',
    hub(finding({ RecordState: 'ARCHIVED' }), finding({ Compliance: { Status: 'PASSED', SecurityControlId: 'EC2.19' } })), []],
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

const manifest: ManifestEntry[] = existsSync(manifestPath) ? loadManifest() : [];

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
