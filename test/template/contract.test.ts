/**
 * The names, handler files, environment variables and build settings the handlers and scripts/build.ts rely on.
 * A change here must be deliberate: update this test together with the code that reads the value.
 */
import { RUNBOOK_STEP_TIMEOUT_SECONDS, runbookAsl } from '../../functions/domain/runbooks/asl';
import { SWEEP_ITEM_FUNCTION_TIMEOUT_SECONDS } from '../../functions/domain/asl/sweep';
import { runbooks } from '../../functions/domain/runbooks/catalog';
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { functions, loadTemplate, parseTemplate, stateMachines, type Json } from '../../local/template';

const t = loadTemplate();
const fns = functions(t);
const byId = new Map(fns.map((f) => [f.logicalId, f]));

const EXPECTED_FUNCTIONS: Record<string, string> = {
  TriageFunction: 'functions/handlers/triage.ts',
  LoadLiveStateFunction: 'functions/handlers/load-live-state.ts',
  ApplyRemediationFunction: 'functions/handlers/apply-remediation.ts',
  VerifyRemediationFunction: 'functions/handlers/verify-remediation.ts',
  NotifyFunction: 'functions/handlers/notify.ts',
  RecordAuditFunction: 'functions/handlers/record-audit.ts',
  RequestApprovalFunction: 'functions/handlers/request-approval.ts',
  ExpireApprovalFunction: 'functions/handlers/expire-approval.ts',
  ApprovalInteractionsFunction: 'functions/handlers/approval-interactions.ts',
  RunbookStepFunction: 'functions/handlers/runbook-step.ts',
  RestoreRuleFunction: 'functions/handlers/restore-rule.ts',
  SweepFunction: 'functions/handlers/sweep.ts',
  SweepItemFunction: 'functions/handlers/sweep-item.ts',
};

const ref = (id: string): Json => ({ Ref: id });
const getAtt = (id: string, attr: string): Json => ({ 'Fn::GetAtt': [id, attr] });

/** Every function: the values the runtime config (functions/runtime/config.ts) reads. */
const COMMON_ENV: Record<string, Json> = {
  POWERTOOLS_SERVICE_NAME: 'warden',
  // The Tracer loads on Lambda only, and only with the Tracing parameter Active (functions/runtime/tracing.ts).
  POWERTOOLS_TRACE_ENABLED: { 'Fn::If': ['TracingOn', 'true', 'false'] },
  // Every metric's namespace (functions/runtime/metric-catalog.ts): the dashboard and the alarms read the same.
  POWERTOOLS_METRICS_NAMESPACE: { 'Fn::Sub': 'Warden/${AWS::StackName}' },
  NODE_OPTIONS: '--enable-source-maps',
  WARDEN_DEFAULT_MODE: ref('DefaultMode'),
  // The deployment's accounts (functions/runtime/accounts.ts).
  WARDEN_HUB_ACCOUNT: ref('AWS::AccountId'),
  WARDEN_MEMBER_ACCOUNTS: ref('MemberAccountIds'),
  WARDEN_SPOKE_ROLE_PREFIX: ref('SpokeRolePrefix'),
  WARDEN_OWN_ROLES: {
    'Fn::If': [
      'HasExtraOwnRoles',
      { 'Fn::Sub': '${ApplyRemediationFunctionRole.Arn},${RunbookStepFunctionRole.Arn},${RestoreRuleFunctionRole.Arn},${OwnRoleNames}' },
      { 'Fn::Sub': '${ApplyRemediationFunctionRole.Arn},${RunbookStepFunctionRole.Arn},${RestoreRuleFunctionRole.Arn}' },
    ],
  },
};

/** The functions that read the deployed policy (functions/runtime/deployed-policy.ts). */
const POLICY_ENV: Record<string, Json> = { WARDEN_POLICY_PARAMETER: ref('PolicyParameter'), WARDEN_POLICY_MAX_AGE_SECONDS: ref('PolicyCacheSeconds') };

const EXTRA_ENV: Record<string, Record<string, Json>> = {
  TriageFunction: {
    STATE_MACHINE_ARN: ref('RemediationStateMachine'), FINDINGS_TABLE: ref('FindingsTable'), AUDIT_TABLE: ref('AuditTable'),
    TRIAGE_DEAD_LETTER_QUEUE_URL: ref('TriageDeadLetterQueue'),
    RUNBOOK_STATE_MACHINES: {
      'Fn::Sub': '{"contain-ecs-task":"${ContainEcsTaskRunbook}","isolate-container-instance":"${IsolateContainerInstanceRunbook}","eks-finding-response":"${EksFindingResponseRunbook}"}',
    },
    ...POLICY_ENV,
  },
  // Exemption sightings (functions/runtime/sightings.ts); the policy: is Warden paused?
  LoadLiveStateFunction: { AUDIT_TABLE: ref('AuditTable'), ...POLICY_ENV },
  // The brakes: the policy (paused, limits) and the breaker's counts (functions/aws/brakes-table.ts).
  ApplyRemediationFunction: { BRAKES_TABLE: ref('BrakesTable'), ...POLICY_ENV },
  VerifyRemediationFunction: {},
  NotifyFunction: { SLACK_BOT_TOKEN_SECRET_ARN: ref('SlackBotTokenSecretArn'), SLACK_WEBHOOK_SECRET_ARN: ref('SlackWebhookSecretArn'), NOTIFY_TOPIC_ARN: ref('NotifyTopic') },
  RecordAuditFunction: {
    AUDIT_TABLE: ref('AuditTable'), EVENT_BUS_NAME: ref('WardenEventBus'), BRAKES_TABLE: ref('BrakesTable'), FINDINGS_TABLE: ref('FindingsTable'),
  },
  RequestApprovalFunction: {
    APPROVALS_TABLE: ref('ApprovalsTable'), SLACK_BOT_TOKEN_SECRET_ARN: ref('SlackBotTokenSecretArn'),
    SLACK_WEBHOOK_SECRET_ARN: ref('SlackWebhookSecretArn'),
  },
  ExpireApprovalFunction: { APPROVALS_TABLE: ref('ApprovalsTable'), SLACK_BOT_TOKEN_SECRET_ARN: ref('SlackBotTokenSecretArn') },
  ApprovalInteractionsFunction: {
    APPROVALS_TABLE: ref('ApprovalsTable'), SLACK_SIGNING_SECRET_ARN: ref('SlackSigningSecretArn'),
    SLACK_BOT_TOKEN_SECRET_ARN: ref('SlackBotTokenSecretArn'), SLACK_TEAM_ID: ref('SlackTeamId'),
    SLACK_RESPONSE_URL_ORIGINS: 'https://hooks.slack.com',
  },
  RunbookStepFunction: { AUDIT_TABLE: ref('AuditTable'), BRAKES_TABLE: ref('BrakesTable'), ...POLICY_ENV },
  RestoreRuleFunction: { AUDIT_TABLE: ref('AuditTable') },
  // PlanSweep reads the Regions; Summarize writes the summary and its event.
  SweepFunction: { SWEEP_REGIONS: ref('SweepRegions'), AUDIT_TABLE: ref('AuditTable'), EVENT_BUS_NAME: ref('WardenEventBus') },
  // Starts the remediate workflow as triage does: locks and decisions (findings table), sightings, the policy.
  SweepItemFunction: {
    STATE_MACHINE_ARN: ref('RemediationStateMachine'), FINDINGS_TABLE: ref('FindingsTable'), AUDIT_TABLE: ref('AuditTable'), ...POLICY_ENV,
  },
};

test('the template uses the SAM transform', () => {
  expect(t.Transform).toBe('AWS::Serverless-2016-10-31');
});

test('exactly the thirteen Warden functions, each bundled from its handler file', () => {
  expect(Object.fromEntries(fns.map((f) => [f.logicalId, f.handlerFile]))).toEqual(EXPECTED_FUNCTIONS);
});

describe.each(Object.keys(EXPECTED_FUNCTIONS))('%s', (id) => {
  const f = byId.get(id)!;

  test('environment variables', () => {
    expect(f.env).toEqual({ ...COMMON_ENV, ...EXTRA_ENV[id] });
  });

  test('Handler is <entry file name>.handler (esbuild writes <name>.mjs at the root of the artifact)', () => {
    expect(f.properties.CodeUri).toBe('functions/');
    expect(f.handler).toBe(`${basename(f.handlerFile!, extname(f.handlerFile!))}.handler`);
  });

  test('runtime settings from Globals', () => {
    expect(f.properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      MemorySize: 256,
      // X-Ray, from the Tracing parameter (SAM gives the role its managed write policy).
      Tracing: { 'Fn::If': ['TracingOn', 'Active', 'PassThrough'] },
      // Slack expects an answer within 3 s: its endpoint gets a short timeout of its own. Runbook steps may snapshot
      // several volumes or page through container instances.
      // A sweep item reads a Region's whole inventory of one type (SWEEP_ITEM_FUNCTION_TIMEOUT_SECONDS).
      Timeout: id === 'ApprovalInteractionsFunction' ? 10 : id === 'RunbookStepFunction' ? 90 : id === 'SweepItemFunction' ? SWEEP_ITEM_FUNCTION_TIMEOUT_SECONDS : 30,
      LoggingConfig: { LogFormat: 'JSON', LogGroup: expect.objectContaining({ Ref: expect.any(String) }) },
    });
  });

  test('logs go to its own log group with 30 days retention', () => {
    const logGroup = (f.properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    expect(t.Resources[logGroup]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } });
    const others = fns.filter((g) => g !== f).map((g) => (g.properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref);
    expect(others).not.toContain(logGroup);
  });
});

test('esbuild BuildProperties are identical for every function except EntryPoints (scripts/build.ts relies on it)', () => {
  const expected = {
    Format: 'esm',
    Minify: true,
    Target: 'es2022',
    Sourcemap: true,
    MainFields: 'module,main',
    Splitting: true,
    OutExtension: ['.js=.mjs'],
    Banner: ['js=import { createRequire } from "module"; const require = createRequire(import.meta.url);'],
  };
  for (const f of fns) {
    expect(f.buildMethod).toBe('esbuild');
    const { EntryPoints, ...rest } = f.buildProperties ?? {};
    expect(EntryPoints).toEqual([f.entryPoint]);
    expect(rest).toEqual(expected);
  }
});

test('the remediation workflow, its hand entry, one state machine per runbook, and the sweep, all Standard', () => {
  const sms = stateMachines(t);
  const runbookIds = runbooks.map((r) => r.name.split('-').map((w) => w[0]!.toUpperCase() + w.slice(1)).join('') + 'Runbook');
  expect(sms.map((s) => s.logicalId)).toEqual(['RemediationStateMachine', 'RevokeOpenIngressStateMachine', ...runbookIds, 'SweepStateMachine']);
  // Its role names it (a Distributed Map starts child executions of the state machine itself).
  expect(sms.at(-1)).toMatchObject({ type: 'STANDARD', definitionUri: 'statemachines/sweep.asl.json' });
  expect(t.Resources.SweepStateMachine!.Properties!.Name).toEqual({ 'Fn::Sub': '${AWS::StackName}-sweep' });
  expect(sms[0]).toMatchObject({ type: 'STANDARD', definitionUri: 'statemachines/remediate.asl.json' });
  // Responders start the hand entry, by name; only triage starts the workflow itself, which has no name to find.
  expect(sms[1]).toMatchObject({ type: 'STANDARD', definitionUri: 'statemachines/remediate-by-hand.asl.json' });
  expect(t.Resources.RevokeOpenIngressStateMachine!.Properties!.Name).toEqual({ 'Fn::Sub': '${AWS::StackName}-revoke-open-ingress' });
  expect(t.Resources.RemediationStateMachine!.Properties!.Name).toBeUndefined();
  runbooks.forEach((r, i) => {
    expect(sms[i + 2]).toMatchObject({ type: 'STANDARD', definitionUri: `statemachines/runbooks/${r.name}.asl.json` });
    // `warden runbook run` finds a runbook by this name.
    expect(t.Resources[runbookIds[i]!]!.Properties!.Name).toEqual({ 'Fn::Sub': `\${AWS::StackName}-${r.name}` });
  });
});

test('DefaultMode defaults to dry-run and allows exactly the four modes', () => {
  expect(t.Parameters?.DefaultMode).toMatchObject({
    Default: 'dry-run',
    AllowedValues: ['auto', 'approval', 'notify', 'dry-run'],
  });
  for (const p of ['SlackWebhookSecretArn', 'OwnRoleNames', 'PolicyJson']) expect(t.Parameters?.[p]?.Default).toBe('');
});

test('outputs: state machine, table, bus, topic', () => {
  expect(t.Outputs).toMatchObject({
    RemediationStateMachineArn: { Value: ref('RemediationStateMachine') },
    AuditTableName: { Value: ref('AuditTable') },
    EventBusName: { Value: ref('WardenEventBus') },
    NotifyTopicArn: { Value: ref('NotifyTopic') },
  });
});

test('stateful resources: audit table retained, encrypted, point-in-time recovery; findings table with TTL; topic and queues encrypted', () => {
  expect(t.Resources.AuditTable).toMatchObject({
    Type: 'AWS::DynamoDB::Table',
    DeletionPolicy: 'Retain',
    UpdateReplacePolicy: 'Retain',
    Properties: {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    },
  });
  // GuardDuty repeat memory: not retained (it only dedupes), purged by TTL.
  expect(t.Resources.FindingsTable).toMatchObject({
    Type: 'AWS::DynamoDB::Table',
    Properties: {
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'purgeAt', Enabled: true },
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    },
  });
  expect(t.Resources.NotifyTopic?.Properties).toMatchObject({ KmsMasterKeyId: 'alias/aws/sns' });
  expect(t.Resources.WardenEventBus).toMatchObject({
    Type: 'AWS::Events::EventBus',
    Properties: { Name: { 'Fn::Sub': '${AWS::StackName}-events' } },
  });
  const queues = Object.values(t.Resources).filter((r) => r.Type === 'AWS::SQS::Queue');
  expect(queues.length).toBeGreaterThan(0);
  for (const q of queues) expect(q.Properties?.SqsManagedSseEnabled ?? q.Properties?.KmsMasterKeyId).toBeTruthy();
});

test('template loader: short-form tags become long forms; unknown tags and YAML aliases are rejected', () => {
  expect(parseTemplate('Resources:\n  A:\n    Type: X\n    Properties:\n      P: !If [C, !GetAtt B.Arn, !Ref AWS::NoValue]\n'))
    .toEqual({ Resources: { A: { Type: 'X', Properties: { P: { 'Fn::If': ['C', { 'Fn::GetAtt': ['B', 'Arn'] }, { Ref: 'AWS::NoValue' }] } } } } });
  expect(() => parseTemplate('Resources:\n  A: !Foo x\n')).toThrow(/Unresolved tag/);
  expect(() => parseTemplate('x: &a [1]\nResources:\n  A:\n    Type: X\n    Properties: { P: *a }\n')).toThrow(/alias/);
});

test('runbook steps never outlive their Task: the step functions time out before the Task does', () => {
  for (const id of ['RunbookStepFunction', 'RestoreRuleFunction']) {
    const timeout = Number(byId.get(id)!.properties.Timeout ?? t.Globals?.Function?.Timeout);
    expect(timeout).toBeLessThan(RUNBOOK_STEP_TIMEOUT_SECONDS);
  }
  for (const r of runbooks) {
    const states = (runbookAsl(r) as { States: Record<string, { Parameters?: { FunctionName?: string }; TimeoutSeconds?: number }> }).States;
    for (const s of Object.values(states).filter((x) => /RunbookStep|RestoreRule/.test(x.Parameters?.FunctionName ?? ''))) {
      expect(s.TimeoutSeconds).toBe(RUNBOOK_STEP_TIMEOUT_SECONDS);
    }
  }
});

test('every Lambda Task of every state machine waits longer than its function may run', () => {
  const lambdaTimeout = (id: string) => Number(byId.get(id)!.properties.Timeout ?? t.Globals?.Function?.Timeout);
  for (const sm of stateMachines(t)) {
    const states = (JSON.parse(readFileSync(sm.definitionUri!, 'utf8')) as { States: Record<string, { Type: string; Resource?: string; Parameters?: { FunctionName?: string }; TimeoutSeconds?: number }> }).States;
    for (const [name, s] of Object.entries(states)) {
      if (s.Type !== 'Task' || s.Resource?.endsWith('.waitForTaskToken')) continue;
      const fn = /^\$\{(\w+)Arn\}$/.exec(s.Parameters?.FunctionName ?? '')?.[1];
      expect({ machine: sm.logicalId, state: name, fn: fn ?? null }).toEqual({ machine: sm.logicalId, state: name, fn: expect.any(String) });
      expect({ state: `${sm.logicalId}.${name}`, longer: (s.TimeoutSeconds ?? 0) > lambdaTimeout(fn!) }).toEqual({ state: `${sm.logicalId}.${name}`, longer: true });
    }
  }
});
