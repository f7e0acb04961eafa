import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand } from '@aws-sdk/client-eventbridge';
import { CreateSecretCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { join } from 'node:path';
import { clients, resetClients } from '../functions/aws/clients';
import { dynamoFindingMemory } from '../functions/aws/finding-memory';
import { awsLiveState } from '../functions/aws/live-state';
import type { PolicyInput } from '../functions/domain/policy';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { SLACK_RESPONSE_URL_ORIGINS } from '../functions/approvals/decide';
import { createApprovalInteractions } from '../functions/handlers/approval-interactions';
import { handler as applyRemediation } from '../functions/handlers/apply-remediation';
import { handler as expireApproval } from '../functions/handlers/expire-approval';
import { handler as requestApproval } from '../functions/handlers/request-approval';
import { handler as loadLiveState } from '../functions/handlers/load-live-state';
import { handler as notify } from '../functions/handlers/notify';
import { handler as recordAudit } from '../functions/handlers/record-audit';
import { handler as restoreRule } from '../functions/handlers/restore-rule';
import { handler as runbookStep } from '../functions/handlers/runbook-step';
import { handler as sweepStep } from '../functions/handlers/sweep';
import { createSweepItem, sweepAccounts } from '../functions/handlers/sweep-item';
import { emit } from '../functions/runtime/metrics';
import type { ActionClients } from '../functions/aws/action-clients';
import { regionClients } from '../functions/aws/region-clients';
import { getSweepSummary } from '../functions/audit/sweep';
import type { SweepSummary } from '../functions/domain/sweep';
import { findingsStores } from '../functions/runtime/findings-stores';
import { runbooks, startableByName, startables } from '../functions/domain/runbooks/catalog';
import type { RemediationState } from '../functions/domain/state';
import { createTriage, deployedAccounts, type ExecutionStarter, type TriageResult } from '../functions/handlers/triage';
import { handler as verifyRemediation } from '../functions/handlers/verify-remediation';
import { parameterPolicyStore, type PolicyDocumentStore } from '../functions/brakes/pause';
import { deployedPolicy, resetDeployedPolicy } from '../functions/runtime/deployed-policy';
import { ssmPolicyStore } from '../cli/policy';
import { auditSightings } from '../functions/runtime/sightings';
import { findRepoRoot } from './moto';
import { lambda } from '../functions/runtime/lambda';
import { fakeContext, localStateMachine, type LambdaHandler, type LocalRun } from './state-machine';
import { taskTokenBroker, type TaskTokenBroker } from './task-tokens';

/** The remediate state machine's Task bindings: substitution key → the real, exported Lambda handler. */
export const REMEDIATE_HANDLERS: Record<string, LambdaHandler> = {
  LoadLiveStateFunctionArn: loadLiveState as LambdaHandler,
  // The Start step of a hand start (revoke-open-ingress).
  RunbookStepFunctionArn: runbookStep as LambdaHandler,
  ApplyRemediationFunctionArn: applyRemediation as LambdaHandler,
  VerifyRemediationFunctionArn: verifyRemediation as LambdaHandler,
  NotifyFunctionArn: notify as LambdaHandler,
  RecordAuditFunctionArn: recordAudit as LambdaHandler,
  RequestApprovalFunctionArn: requestApproval as LambdaHandler,
  ExpireApprovalFunctionArn: expireApproval as LambdaHandler,
};

/** The runbooks' Task bindings: the remediate functions they share (the runbook step among them), plus the restore function. */
export const RUNBOOK_HANDLERS: Record<string, LambdaHandler> = {
  ...REMEDIATE_HANDLERS,
  RestoreRuleFunctionArn: restoreRule as LambdaHandler,
};

/** What a local sweep did: its own run, its summary (as the audit table holds it), and the runs it started. */
export interface LocalSweep {
  name: string;
  run: LocalRun;
  summary: SweepSummary | undefined;
  /** The remediation runs its items started (not duplicates), by execution name. */
  started: string[];
}

/** A runbook execution started locally. */
export interface LocalExecution {
  name: string;
  executionArn: string;
  done: Promise<LocalRun>;
}

export interface LocalWarden {
  /**
   * The triage Lambda with live state from the emulator. Executions run locally; by default triage returns when they
   * have finished. `wait: false` returns as soon as they started (a run in approval mode waits for a decision).
   */
  triage(event: unknown, opts?: { wait?: boolean }): Promise<TriageResult>;
  /** Wait for one execution (by name) to finish. */
  done(name: string): Promise<LocalRun>;
  /** The real Slack interactions handler; SendTaskSuccess/Failure resolve the locally waiting Task. */
  interactions(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2>;
  /** Where waiting Tasks wait (for `warden approve`-style callbacks in tests). */
  tokens: TaskTokenBroker;
  /** Run the remediate state machine directly on a state. */
  remediate(input: RemediationState): Promise<LocalRun>;
  /**
   * Start what `warden runbook run <name>` starts: a runbook's state machine (statemachines/runbooks/<name>.asl.json),
   * or for revoke-open-ingress the remediate workflow; input `{ target, dryRun?, requestedBy?, reason? }`. Returns at
   * once; `done` settles when the run ends.
   */
  runbook(name: string, input: unknown, opts?: { executionName?: string }): LocalExecution;
  /**
   * Run the Sweep state machine (statemachines/sweep.asl.json) to its end, its items on the local runner, then (unless
   * `wait` is false) the remediation runs it started. `name` is the sweep's execution name, its sweep id.
   */
  sweep(opts?: { name?: string; wait?: boolean }): Promise<LocalSweep>;
  /** Every execution started through triage or a sweep, by name. */
  runs: Map<string, LocalRun>;
  resources: {
    tableName: string; busName: string; topicArn: string; approvalsTable: string; findingsTable: string; brakesTable: string; secretArn?: string;
    /** The policy document's SSM parameter, as the template names it (`/warden/<prefix>/policy`). */
    policyParameter: string;
  };
  /** The deployed policy (the SSM parameter), for `setPaused` (functions/brakes/pause.ts), as `warden pause` writes it. */
  policy: PolicyDocumentStore;
}

/** moto's default account: the hub of a local hub deployment. */
export const HUB_ACCOUNT = '123456789012';

export interface LocalWardenOptions {
  /** Run as a hub with these member accounts (moto keeps each account's state apart by the assumed role's account). */
  memberAccounts?: readonly string[];
  spokeRolePrefix?: string;
  slackWebhookUrl?: string;
  /** A local stand-in for the Slack Web API (chat.postMessage, chat.update): with it, approvals post with a bot token. */
  slackApiUrl?: string;
  /** The Slack app's signing secret, for signed interaction requests. */
  slackSigningSecret?: string;
  /** The workspace whose clicks are accepted (SLACK_TEAM_ID); unset: any signed click. */
  slackTeamId?: string;
  /**
   * The policy document, written to the emulator's SSM parameter as the deployed policy (default `{}`, the built-in
   * policy). With `reuse` and no policy, a document already there (`warden policy push --endpoint`) stays.
   */
  policy?: PolicyInput;
  /** The policy's cache period in seconds (WARDEN_POLICY_MAX_AGE_SECONDS; default 60, as deployed). */
  policyMaxAgeSeconds?: number;
  /** The clock the policy's cache period is counted on (epoch ms; default the real one): tests move it, never sleep. */
  policyClock?: () => number;
  prefix?: string;
  /** Milliseconds per second of an approval timeout (default 1000: real time). Tests shrink it. */
  msPerTimeoutSecond?: number;
  /** Tables, bus and secrets left by an earlier start in the same emulator are reused (`warden runbook run --endpoint`). */
  reuse?: boolean;
  /** The clients a sweep item reads a Region with (default regionClients: the emulator). Tests trace their calls. */
  sweepClients?: (region: string) => ActionClients;
  /** SweepRegions (default: empty, the emulator's Region). */
  sweepRegions?: string;
}

/**
 * Warden on the emulator: creates what template.yaml would (audit, approvals, findings and brakes tables, event bus,
 * topic, webhook secret, the policy parameter) in the emulator the SDK currently points at (see useEmulator), sets the
 * functions' environment, and binds every Task of statemachines/remediate.asl.json to its real handler. Nothing here
 * talks to AWS.
 */
export async function startLocalWarden(opts: LocalWardenOptions = {}): Promise<LocalWarden> {
  resetClients();
  const prefix = opts.prefix ?? 'warden';
  const tableName = `${prefix}-audit`;
  const busName = `${prefix}-events`;
  const existed = (e: unknown) => opts.reuse === true && ['ResourceInUseException', 'ResourceAlreadyExistsException', 'ResourceExistsException'].includes((e as Error).name);
  const create = <T>(call: Promise<T>): Promise<T | undefined> => call.catch((e: unknown) => (existed(e) ? undefined : Promise.reject(e)));
  // A table keyed by `id` (S), as template.yaml declares them.
  const idTable = (TableName: string) => create(clients.dynamodb().send(new CreateTableCommand({
    TableName, BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  })));
  await idTable(tableName);
  await create(clients.events().send(new CreateEventBusCommand({ Name: busName })));
  const topicArn = (await clients.sns().send(new CreateTopicCommand({ Name: `${prefix}-notify` }))).TopicArn!;
  const approvalsTable = `${prefix}-approvals`;
  await create(clients.dynamodb().send(new CreateTableCommand({
    TableName: approvalsTable, BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }, { AttributeName: 'remediationId', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    GlobalSecondaryIndexes: [{ IndexName: 'ByRemediation', KeySchema: [{ AttributeName: 'remediationId', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } }],
  })));
  const findingsTable = `${prefix}-findings`;
  await idTable(findingsTable);
  const brakesTable = `${prefix}-brakes`;
  await idTable(brakesTable);
  const secret = async (name: string, value: string | undefined) => {
    if (!value) return undefined;
    const made = await create(clients.secrets().send(new CreateSecretCommand({ Name: `${prefix}/${name}`, SecretString: value })));
    return (made ?? (await clients.secrets().send(new PutSecretValueCommand({ SecretId: `${prefix}/${name}`, SecretString: value })))).ARN;
  };
  const botTokenArn = await secret('slack-bot-token', opts.slackApiUrl ? 'xoxb-local-demo-token' : undefined);
  const signingArn = await secret('slack-signing-secret', opts.slackSigningSecret);
  const secretArn = await secret('slack-webhook', opts.slackWebhookUrl);
  // The policy document, as the template's PolicyParameter holds it: the functions read it through SSM, as deployed.
  const policyParameter = `/warden/${prefix}/policy`;
  const keep = opts.reuse === true && opts.policy === undefined;
  await clients.ssm().send(new PutParameterCommand({ Name: policyParameter, Type: 'String', Value: JSON.stringify(opts.policy ?? {}), Overwrite: !keep }))
    .catch((e: unknown) => (keep && (e as Error).name === 'ParameterAlreadyExists' ? undefined : Promise.reject(e)));

  Object.assign(process.env, {
    AUDIT_TABLE: tableName, EVENT_BUS_NAME: busName, NOTIFY_TOPIC_ARN: topicArn, SLACK_WEBHOOK_SECRET_ARN: secretArn ?? '',
    WARDEN_POLICY_PARAMETER: policyParameter, WARDEN_POLICY_MAX_AGE_SECONDS: String(opts.policyMaxAgeSeconds ?? ''),
    WARDEN_DEFAULT_MODE: '', WARDEN_OWN_ROLES: '',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    APPROVALS_TABLE: approvalsTable, SLACK_BOT_TOKEN_SECRET_ARN: botTokenArn ?? '', SLACK_SIGNING_SECRET_ARN: signingArn ?? '',
    SLACK_API_URL: opts.slackApiUrl ?? '', FINDINGS_TABLE: findingsTable, BRAKES_TABLE: brakesTable,
    // Metrics (EMF log lines, as on Lambda) would only clutter a local run's output; a test that reads them unsets it.
    POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
    // The local Slack stand-in's response URLs are on its own origin, allowed beside Slack's.
    SLACK_RESPONSE_URL_ORIGINS: [SLACK_RESPONSE_URL_ORIGINS[0], ...[opts.slackApiUrl, opts.slackWebhookUrl].flatMap((u) => (u ? [new URL(u).origin] : []))].join(','),
    SLACK_TEAM_ID: opts.slackTeamId ?? '',
    SWEEP_REGIONS: opts.sweepRegions ?? '',
    // A hub deployment (runtime/accounts.ts) when member accounts are given; otherwise none: every call in moto's account.
    WARDEN_HUB_ACCOUNT: opts.memberAccounts ? HUB_ACCOUNT : '', WARDEN_MEMBER_ACCOUNTS: opts.memberAccounts?.join(',') ?? '',
    WARDEN_SPOKE_ROLE_PREFIX: opts.spokeRolePrefix ?? '',
  });
  resetDeployedPolicy(opts.policyClock ? { now: opts.policyClock } : {});

  const tokens = taskTokenBroker();
  const root = findRepoRoot().root;
  const local = { tokens, msPerTimeoutSecond: opts.msPerTimeoutSecond ?? 1000 };
  const machine = localStateMachine(join(root, 'statemachines', 'remediate.asl.json'), REMEDIATE_HANDLERS, local);
  const runs = new Map<string, LocalRun>();
  const pending = new Map<string, Promise<LocalRun>>();
  const runbookMachines = new Map(runbooks.map((r) => [r.name, localStateMachine(join(root, 'statemachines', 'runbooks', `${r.name}.asl.json`), RUNBOOK_HANDLERS, local)]));
  // Hand starts enter their workflow through its hand entry (statemachines/<workflow>-by-hand.asl.json).
  for (const s of startables.filter((x) => x.workflow)) {
    runbookMachines.set(s.stateMachine, localStateMachine(join(root, 'statemachines', `${s.workflow}-by-hand.asl.json`), REMEDIATE_HANDLERS, local));
  }
  const arnOf = (machineName: string, name: string) => `arn:aws:states:us-east-1:123456789012:execution:${prefix}-${machineName}:${name}`;
  const execute = (machineName: string, name: string, input: unknown): LocalExecution => {
    const m = runbookMachines.get(machineName) ?? machine;
    const executionArn = arnOf(machineName, name);
    const run = m.run(input, { executionArn }).then((r) => (runs.set(name, r), r));
    pending.set(name, run);
    return { name, executionArn, done: run };
  };
  // Like Step Functions: an execution name is used once; a second start with the same name is a duplicate.
  // Findings whose action is a runbook start that runbook's state machine, as the deployed triage does.
  const starter: ExecutionStarter = {
    async start(name, input) {
      if (pending.has(name)) return { duplicate: true };
      const action = input.context.finding.remediation.action;
      return { executionArn: execute(runbookMachines.has(action) ? action : 'remediate', name, input).executionArn, duplicate: false };
    },
  };
  let runbookSeq = 0;
  const runbook = (name: string, input: unknown, o: { executionName?: string } = {}): LocalExecution => {
    const startable = startableByName(name);
    if (!startable) throw new Error(`no runbook ${name}`);
    const executionName = o.executionName ?? `${name}-${Date.now()}-${++runbookSeq}`;
    if (pending.has(executionName)) throw new Error(`execution ${executionName} already exists`);
    return execute(startable.stateMachine, executionName, input);
  };
  const done = (name: string) => pending.get(name) ?? Promise.reject(new Error(`no execution ${name}`));
  const memory = dynamoFindingMemory({ dynamodb: clients.dynamodb, tableName: findingsTable });
  // Decisions that stick and resource locks, shared by triage and the sweep as deployed.
  const stores = findingsStores(() => findingsTable);
  const triageHandler = lambda(createTriage({ policy: () => deployedPolicy().current(), live: awsLiveState(clients), accounts: deployedAccounts, starter, memory, sightings: auditSightings(), ...stores, metrics: emit }));
  // The sweep: its own steps as deployed; its items with the local starter, so their runs run here too.
  const sweepStarted: string[] = [];
  const sweepStarter: ExecutionStarter = {
    async start(name, input) {
      const started = await starter.start(name, input);
      if (!started.duplicate) sweepStarted.push(name);
      return started;
    },
  };
  const sweepItem = lambda(createSweepItem({
    policy: () => deployedPolicy().current(), clientsFor: opts.sweepClients ?? regionClients, starter: sweepStarter, ...stores,
    sightings: auditSightings(), now: () => new Date(), ownRegion: () => process.env.AWS_REGION ?? 'us-east-1', ...sweepAccounts(), metrics: emit,
  }));
  const sweepMachine = localStateMachine(join(root, 'statemachines', 'sweep.asl.json'), {
    SweepFunctionArn: sweepStep as LambdaHandler, SweepItemFunctionArn: sweepItem as LambdaHandler,
  }, local);
  let sweepSeq = 0;
  const sweep = async (o: { name?: string; wait?: boolean } = {}): Promise<LocalSweep> => {
    const name = o.name ?? `sweep-${Date.now()}-${++sweepSeq}`;
    const before = sweepStarted.length;
    const run = await sweepMachine.run({}, { executionArn: `arn:aws:states:us-east-1:123456789012:execution:${prefix}-sweep:${name}` });
    const started = sweepStarted.slice(before);
    if (o.wait !== false) await Promise.all(started.map((n) => done(n)));
    const summary = await getSweepSummary(name, { dynamodb: clients.dynamodb(), tableName });
    return { name, run, summary, started };
  };
  const triage = async (event: unknown, o: { wait?: boolean } = {}) => {
    const result = await triageHandler(event, fakeContext('TriageFunction'));
    if (o.wait !== false) await Promise.all(result.executions.filter((e) => !e.duplicate).map((e) => done(e.name)));
    return result;
  };
  const interactionsHandler = lambda(createApprovalInteractions({ callbacks: tokens.callbacks }));
  return {
    triage, sweep, done, runs, tokens, runbook, remediate: (input) => machine.run(input),
    interactions: (event) => interactionsHandler(event, fakeContext('ApprovalInteractionsFunction')) as Promise<APIGatewayProxyStructuredResultV2>,
    resources: { tableName, busName, topicArn, approvalsTable, findingsTable, brakesTable, ...(secretArn ? { secretArn } : {}), policyParameter },
    policy: parameterPolicyStore(ssmPolicyStore({}), policyParameter),
  };
}
