import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand } from '@aws-sdk/client-eventbridge';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { join } from 'node:path';
import { clients, resetClients } from '../aws/clients';
import { awsLiveState } from '../aws/live-state';
import type { PolicyInput } from '../domain/policy';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createApprovalInteractions } from '../handlers/approval-interactions';
import { handler as applyRemediation } from '../handlers/apply-remediation';
import { handler as expireApproval } from '../handlers/expire-approval';
import { handler as requestApproval } from '../handlers/request-approval';
import { handler as loadLiveState } from '../handlers/load-live-state';
import { handler as notify } from '../handlers/notify';
import { handler as recordAudit } from '../handlers/record-audit';
import type { RemediationState } from '../handlers/state';
import { createTriage, type ExecutionStarter, type TriageResult } from '../handlers/triage';
import { handler as verifyRemediation } from '../handlers/verify-remediation';
import { resetRuntimePolicy, runtimePolicy } from '../runtime/config';
import { findRepoRoot } from './moto';
import { lambda } from '../runtime/lambda';
import { fakeContext, localStateMachine, type LambdaHandler, type LocalRun } from './state-machine';
import { taskTokenBroker, type TaskTokenBroker } from './task-tokens';

/** The remediate state machine's Task bindings: substitution key → the real, exported Lambda handler. */
export const REMEDIATE_HANDLERS: Record<string, LambdaHandler> = {
  LoadLiveStateFunctionArn: loadLiveState as LambdaHandler,
  ApplyRemediationFunctionArn: applyRemediation as LambdaHandler,
  VerifyRemediationFunctionArn: verifyRemediation as LambdaHandler,
  NotifyFunctionArn: notify as LambdaHandler,
  RecordAuditFunctionArn: recordAudit as LambdaHandler,
  RequestApprovalFunctionArn: requestApproval as LambdaHandler,
  ExpireApprovalFunctionArn: expireApproval as LambdaHandler,
};

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
  /** Every execution started through triage, by name. */
  runs: Map<string, LocalRun>;
  resources: { tableName: string; busName: string; topicArn: string; approvalsTable: string; secretArn?: string };
}

export interface LocalWardenOptions {
  slackWebhookUrl?: string;
  /** A local stand-in for the Slack Web API (chat.postMessage, chat.update): with it, approvals post with a bot token. */
  slackApiUrl?: string;
  /** The Slack app's signing secret, for signed interaction requests. */
  slackSigningSecret?: string;
  policy?: PolicyInput;
  prefix?: string;
  /** Milliseconds per second of an approval timeout (default 1000: real time). Tests shrink it. */
  msPerTimeoutSecond?: number;
}

/**
 * Warden on the emulator: creates what template.yaml would (audit table, event bus, topic, webhook secret) in the
 * emulator the SDK currently points at (see useEmulator), sets the functions' environment, and binds every Task of
 * statemachines/remediate.asl.json to its real handler. Nothing here talks to AWS.
 */
export async function startLocalWarden(opts: LocalWardenOptions = {}): Promise<LocalWarden> {
  resetClients();
  const prefix = opts.prefix ?? 'warden';
  const tableName = `${prefix}-audit`;
  const busName = `${prefix}-events`;
  await clients.dynamodb().send(new CreateTableCommand({
    TableName: tableName, BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  }));
  await clients.events().send(new CreateEventBusCommand({ Name: busName }));
  const topicArn = (await clients.sns().send(new CreateTopicCommand({ Name: `${prefix}-notify` }))).TopicArn!;
  const approvalsTable = `${prefix}-approvals`;
  await clients.dynamodb().send(new CreateTableCommand({
    TableName: approvalsTable, BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }, { AttributeName: 'remediationId', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    GlobalSecondaryIndexes: [{ IndexName: 'ByRemediation', KeySchema: [{ AttributeName: 'remediationId', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } }],
  }));
  const secret = async (name: string, value: string | undefined) =>
    value ? (await clients.secrets().send(new CreateSecretCommand({ Name: `${prefix}/${name}`, SecretString: value }))).ARN : undefined;
  const botTokenArn = await secret('slack-bot-token', opts.slackApiUrl ? 'xoxb-local-demo-token' : undefined);
  const signingArn = await secret('slack-signing-secret', opts.slackSigningSecret);
  const secretArn = opts.slackWebhookUrl
    ? (await clients.secrets().send(new CreateSecretCommand({ Name: `${prefix}/slack-webhook`, SecretString: opts.slackWebhookUrl }))).ARN
    : undefined;

  Object.assign(process.env, {
    AUDIT_TABLE: tableName, EVENT_BUS_NAME: busName, NOTIFY_TOPIC_ARN: topicArn, SLACK_WEBHOOK_SECRET_ARN: secretArn ?? '',
    WARDEN_POLICY: opts.policy ? JSON.stringify(opts.policy) : '', WARDEN_DEFAULT_MODE: '', WARDEN_OWN_ROLES: '',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    APPROVALS_TABLE: approvalsTable, SLACK_BOT_TOKEN_SECRET_ARN: botTokenArn ?? '', SLACK_SIGNING_SECRET_ARN: signingArn ?? '',
    SLACK_API_URL: opts.slackApiUrl ?? '',
  });
  resetRuntimePolicy();

  const tokens = taskTokenBroker();
  const machine = localStateMachine(join(findRepoRoot().root, 'statemachines', 'remediate.asl.json'), REMEDIATE_HANDLERS, {
    tokens, msPerTimeoutSecond: opts.msPerTimeoutSecond ?? 1000,
  });
  const runs = new Map<string, LocalRun>();
  const pending = new Map<string, Promise<LocalRun>>();
  const arnOf = (name: string) => `arn:aws:states:us-east-1:123456789012:execution:local-remediate:${name}`;
  // Like Step Functions: an execution name is used once; a second start with the same name is a duplicate.
  const starter: ExecutionStarter = {
    async start(name, input) {
      if (pending.has(name)) return { duplicate: true };
      const run = machine.run(input, { executionArn: arnOf(name) }).then((r) => (runs.set(name, r), r));
      pending.set(name, run);
      return { executionArn: arnOf(name), duplicate: false };
    },
  };
  const done = (name: string) => pending.get(name) ?? Promise.reject(new Error(`no execution ${name}`));
  const triageHandler = lambda(createTriage({ policy: runtimePolicy, live: awsLiveState(clients), starter }));
  const triage = async (event: unknown, o: { wait?: boolean } = {}) => {
    const result = await triageHandler(event, fakeContext('TriageFunction'));
    if (o.wait !== false) await Promise.all(result.executions.filter((e) => !e.duplicate).map((e) => done(e.name)));
    return result;
  };
  const interactionsHandler = lambda(createApprovalInteractions({ callbacks: tokens.callbacks }));
  return {
    triage, done, runs, tokens, remediate: (input) => machine.run(input),
    interactions: (event) => interactionsHandler(event, fakeContext('ApprovalInteractionsFunction')) as Promise<APIGatewayProxyStructuredResultV2>,
    resources: { tableName, busName, topicArn, approvalsTable, ...(secretArn ? { secretArn } : {}) },
  };
}
