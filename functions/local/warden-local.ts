import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand } from '@aws-sdk/client-eventbridge';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { join } from 'node:path';
import { clients, resetClients } from '../aws/clients';
import { awsLiveState } from '../aws/live-state';
import type { PolicyInput } from '../domain/policy';
import { handler as applyRemediation } from '../handlers/apply-remediation';
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

/** The remediate state machine's Task bindings: substitution key → the real, exported Lambda handler. */
export const REMEDIATE_HANDLERS: Record<string, LambdaHandler> = {
  LoadLiveStateFunctionArn: loadLiveState as LambdaHandler,
  ApplyRemediationFunctionArn: applyRemediation as LambdaHandler,
  VerifyRemediationFunctionArn: verifyRemediation as LambdaHandler,
  NotifyFunctionArn: notify as LambdaHandler,
  RecordAuditFunctionArn: recordAudit as LambdaHandler,
};

export interface LocalWarden {
  /** The triage Lambda's logic with live state from the emulator; executions run locally, to completion. */
  triage(event: unknown): Promise<TriageResult>;
  /** Run the remediate state machine directly on a state. */
  remediate(input: RemediationState): Promise<LocalRun>;
  /** Every execution started through triage, by name. */
  runs: Map<string, LocalRun>;
  resources: { tableName: string; busName: string; topicArn: string; secretArn?: string };
}

/**
 * Warden on the emulator: creates what template.yaml would (audit table, event bus, topic, webhook secret) in the
 * emulator the SDK currently points at (see useEmulator), sets the functions' environment, and binds every Task of
 * statemachines/remediate.asl.json to its real handler. Nothing here talks to AWS.
 */
export async function startLocalWarden(opts: { slackWebhookUrl?: string; policy?: PolicyInput; prefix?: string } = {}): Promise<LocalWarden> {
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
  const secretArn = opts.slackWebhookUrl
    ? (await clients.secrets().send(new CreateSecretCommand({ Name: `${prefix}/slack-webhook`, SecretString: opts.slackWebhookUrl }))).ARN
    : undefined;

  Object.assign(process.env, {
    AUDIT_TABLE: tableName, EVENT_BUS_NAME: busName, NOTIFY_TOPIC_ARN: topicArn, SLACK_WEBHOOK_SECRET_ARN: secretArn ?? '',
    WARDEN_POLICY: opts.policy ? JSON.stringify(opts.policy) : '', WARDEN_DEFAULT_MODE: '', WARDEN_OWN_ROLES: '',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
  });
  resetRuntimePolicy();

  const machine = localStateMachine(join(findRepoRoot().root, 'statemachines', 'remediate.asl.json'), REMEDIATE_HANDLERS);
  const runs = new Map<string, LocalRun>();
  // Like Step Functions: an execution name is used once; a second start with the same name is a duplicate.
  const starter: ExecutionStarter = {
    async start(name, input) {
      if (runs.has(name)) return { duplicate: true };
      runs.set(name, { output: undefined, path: [] });
      runs.set(name, await machine.run(input));
      return { executionArn: `arn:aws:states:us-east-1:123456789012:execution:local-remediate:${name}`, duplicate: false };
    },
  };
  const triageHandler = lambda(createTriage({ policy: runtimePolicy, live: awsLiveState(clients), starter }));
  const triage = (event: unknown) => triageHandler(event, fakeContext('TriageFunction'));
  return {
    triage, runs, remediate: (input) => machine.run(input),
    resources: { tableName, busName, topicArn, ...(secretArn ? { secretArn } : {}) },
  };
}
