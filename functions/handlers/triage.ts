import { WardenError } from '../aws/errors';
import { actionClients } from '../aws/action-clients';
import type { ExecutionStarter } from '../aws/executions';
import { awsLiveState } from '../aws/live-state';
import { evaluate, type EvaluateOptions } from '../domain/evaluate';
import { isHome } from '../domain/accounts';
import { accountScopeOf } from '../runtime/accounts';
import type { Finding, LiveState, Status } from '../domain/model';
import type { DecisionMemory } from '../domain/decisions';
import { fixesOf, startFix, type FixOrigin, type FixPorts } from '../domain/fixes';
import type { ResourceLocks } from '../domain/locks';
import { securityHubRefOf } from '../domain/securityhub';
import type { ExemptionSightings } from '../domain/policy/exemption';
import type { VersionedPolicy } from '../domain/policy/version';
import { repeatDecision, seenOf, type FindingMemory } from '../domain/repeats';
import { deployedPolicy } from '../runtime/deployed-policy';
import { requireEnv } from '../runtime/env';
import { lambda } from '../runtime/lambda';
import { createTriageBatch } from './triage-batch';
import { auditSightings } from '../runtime/sightings';
import { findingsStores } from '../runtime/findings-stores';
import { logger } from '../runtime/logger';
import { emit, findingPoints, ignoredPoints, type MetricSink } from '../runtime/metrics';
import type { MetricPoint } from '../runtime/metric-catalog';

export type { ExecutionStarter } from '../aws/executions';

export interface TriageResult {
  status: Status;
  reason?: string;
  executions: { name: string; control: string; executionArn?: string; duplicate: boolean }[];
  /** Fixes not raised again: a decision on them sticks (domain/decisions.ts). */
  suppressed?: { name: string; control: string; resource: string; why: string }[];
  /** Fixes a sweep's run on the same resource is making already (domain/locks.ts). */
  locked?: { name: string; control: string; resource: string; why: string }[];
}

/**
 * Evaluate one EventBridge event and start one execution per fix (findings grouped by action and resource). Invalid
 * events throw Warden.InvalidEvent: the queue's batch handler sends them to the dead-letter queue with the reason
 * (nothing lost, nothing acted on); ignored and compliant events are logged with their reason.
 * With a finding memory, a GuardDuty finding already handled is ignored unless its severity rose; it is remembered
 * only after its executions started, so a failed start is retried by Lambda rather than lost as a "repeat".
 * With decisions and locks (domain/fixes.ts), a fix whose denial sticks is `suppressed`, one a sweep's run is making
 * already is `locked`, and one a sweep's lock holds but does not cover fails the event with Warden.ResourceLocked
 * after the other fixes started: the queue delivers the event again later.
 */
export function createTriage(deps: {
  /** The policy to decide with, and its version (the deployed one: runtime/deployed-policy.ts). */
  policy: () => VersionedPolicy | Promise<VersionedPolicy>; live?: LiveState; starter: ExecutionStarter; now?: () => Date; memory?: FindingMemory;
  /** Where exemptions' first sightings are recorded (triage is usually the first to see one). */
  sightings?: ExemptionSightings;
  /** Decisions that stick (denials, accepted risks), and resource locks shared with the sweep. */
  decisions?: DecisionMemory;
  locks?: ResourceLocks;
  /** The deployment's accounts, and live state per account and Region (evaluate's `accounts` and `liveIn`), per event. */
  accounts?: () => Pick<EvaluateOptions, 'accounts' | 'liveIn'>;
  /** Where the event's metrics go (findings started, ignored by class): runtime/metrics.ts `emit`. */
  metrics?: MetricSink;
}) {
  return async (event: unknown): Promise<TriageResult> => {
    const { policy, version: policyVersion } = await deps.policy();
    const now = deps.now?.() ?? new Date();
    const decision = await evaluate(event, {
      policy, now, ...(deps.live ? { live: deps.live } : {}), ...(deps.sightings ? { sightings: deps.sightings } : {}),
      ...deps.accounts?.(),
    });
    if (decision.status === 'invalid') {
      logger.error('invalid event', { reason: decision.reason });
      throw new WardenError('Warden.InvalidEvent', decision.reason);
    }
    if (decision.status !== 'violation') {
      logger.info('no action', { status: decision.status, reason: decision.reason, eventId: decision.observation?.eventId });
      await deps.metrics?.(ignoredPoints(decision.status, decision.reason));
      return { status: decision.status, ...(decision.reason ? { reason: decision.reason } : {}), executions: [] };
    }
    const { observation: o } = decision;
    const requestedAt = now.toISOString();
    const guardduty = o.facts.kind === 'guardduty-finding' ? o.facts.finding : undefined;
    const memory = guardduty ? deps.memory : undefined;
    let findings: Finding[] = decision.findings;
    let reason = decision.reason;
    if (guardduty && memory) {
      const seen = repeatDecision(await memory.recall(guardduty.id), guardduty);
      if (seen.kind === 'repeat') {
        logger.info('no action', { status: 'ignored', reason: seen.reason, eventId: o.eventId, findingId: guardduty.id });
        await deps.metrics?.(ignoredPoints('ignored', seen.reason));
        return { status: 'ignored', reason: seen.reason, executions: [] };
      }
      if (seen.kind === 'escalated') {
        reason = [reason, `severity increased from ${seen.from} to ${guardduty.severity}`].filter(Boolean).join('; ');
        findings = findings.map((f) => ({ ...f, evidence: `${f.evidence}; severity raised from ${seen.from} to ${guardduty.severity}` }));
      }
    }
    const origin: FixOrigin = {
      kind: 'event', id: o.eventId, source: o.source, eventName: o.eventName, eventTime: o.time,
      ...(o.actor ? { actor: o.actor } : {}), ...(guardduty ? { guardduty } : {}),
    };
    const ports: FixPorts = {
      starter: deps.starter, now, policy, ...(policyVersion ? { policyVersion } : {}),
      ...(deps.decisions ? { decisions: deps.decisions } : {}), ...(deps.locks ? { locks: deps.locks } : {}),
    };
    const result: Required<Pick<TriageResult, 'executions' | 'suppressed' | 'locked'>> = { executions: [], suppressed: [], locked: [] };
    const deferred: string[] = [];
    const points: MetricPoint[] = [];
    for (const [i, fix] of fixesOf(findings).entries()) {
      // A Security Hub finding is written back by the event's first run only: runs split from it must not overwrite
      // each other's workflow status.
      const securityHub = securityHubRefOf(o, fix.finding, policy, i === 0);
      const done = await startFix({ ...fix, ...(securityHub ? { securityHub } : {}) }, origin, ports);
      const { finding } = done;
      const about = { name: done.name, control: finding.control, resource: finding.resource.id };
      if (done.kind === 'started') {
        result.executions.push({ name: done.name, control: finding.control, ...(done.executionArn ? { executionArn: done.executionArn } : {}), duplicate: done.duplicate });
        if (!done.duplicate) points.push(...findingPoints(finding, 'event'));
        logger.info('remediation started', { name: done.name, control: finding.control, resource: finding.resource.id, mode: finding.remediation.mode, targets: finding.remediation.targets, duplicate: done.duplicate });
      } else if (done.kind === 'suppressed') {
        result.suppressed.push({ ...about, why: done.why });
        logger.info('suppressed', { ...about, eventId: o.eventId, targets: finding.remediation.targets, severity: finding.severity, why: done.why });
      } else if (done.kind === 'locked') {
        result.locked.push({ ...about, why: done.why });
        logger.info('locked', { ...about, eventId: o.eventId, targets: finding.remediation.targets, why: done.why });
      } else {
        deferred.push(`${finding.control} on ${finding.resource.id}: ${done.why}`);
      }
    }
    await deps.metrics?.(points);
    if (deferred.length) {
      // Its other fixes started (a later delivery finds them by name); these wait for the lock to go.
      throw new WardenError('Warden.ResourceLocked', `not started yet, the event will be delivered again: ${deferred.join('; ')}`);
    }
    if (guardduty && memory) await memory.remember(seenOf(guardduty, requestedAt));
    return {
      status: 'violation', ...(reason ? { reason } : {}), executions: result.executions,
      ...(result.suppressed.length ? { suppressed: result.suppressed } : {}), ...(result.locked.length ? { locked: result.locked } : {}),
    };
  };
}

const findingsTable = process.env.FINDINGS_TABLE;

/** RUNBOOK_STATE_MACHINES: JSON `{ "<runbook>": "<state machine ARN>" }` (template.yaml). Malformed fails the cold start. */
export function stateMachineFor(env: NodeJS.ProcessEnv = process.env): (action: string) => string {
  const raw = env.RUNBOOK_STATE_MACHINES?.trim();
  const runbooks = raw ? (JSON.parse(raw) as Record<string, string>) : {};
  return (action) => {
    const arn = runbooks[action] ?? env.STATE_MACHINE_ARN;
    if (!arn) throw new Error('missing environment variable STATE_MACHINE_ARN');
    return arn;
  };
}

/** Read at cold start: a malformed RUNBOOK_STATE_MACHINES fails it. */
const stateMachineArn = stateMachineFor();

// The Step Functions and DynamoDB clients load on first use: an event that needs no fix never loads the first, one
// that is not a GuardDuty finding never loads the second.
const starter: ExecutionStarter = {
  async start(name, input) {
    const [{ sfnStarter }, { sfnStarts }] = await Promise.all([import('../aws/executions'), import('../aws/clients/sfn')]);
    return sfnStarter(sfnStarts, stateMachineArn).start(name, input);
  },
};
const findingMemory = (tableName: string): FindingMemory => {
  const memory = async () => {
    const [{ dynamoFindingMemory }, { dynamodb }] = await Promise.all([import('../aws/finding-memory'), import('../aws/clients/dynamodb')]);
    return dynamoFindingMemory({ dynamodb, tableName });
  };
  return { recall: async (id) => (await memory()).recall(id), remember: async (seen) => (await memory()).remember(seen) };
};

/** An event Warden can never handle goes to the dead-letter queue with its reason (SQS client loaded on first use). */
const deadLetter = async (body: string, reason: string): Promise<void> => {
  const [{ SendMessageCommand }, { sqs }] = await Promise.all([import('@aws-sdk/client-sqs'), import('../aws/clients/sqs')]);
  await sqs().send(new SendMessageCommand({
    QueueUrl: requireEnv('TRIAGE_DEAD_LETTER_QUEUE_URL'), MessageBody: body,
    MessageAttributes: { reason: { DataType: 'String', StringValue: reason.slice(0, 1000) } },
  }));
};

const homeLive = awsLiveState(actionClients);
/** The organization's accounts, listed on first need and kept a few minutes (aws/organization.ts). */
let organizationList: Promise<() => Promise<ReadonlySet<string> | undefined>> | undefined;
const organization = async () => (await (organizationList ??= import('../aws/organization').then((m) => m.organizationAccounts())))();

/** The deployment's accounts (runtime/accounts.ts, from the environment): none set, none checked (local runs). */
export const deployedAccounts = (): Pick<EvaluateOptions, 'accounts' | 'liveIn'> => {
  const scope = accountScopeOf();
  if (!scope) return {};
  return {
    accounts: { scope, ...(scope.members === 'organization' ? { organization } : {}) },
    // A member account is read through its spoke role (aws/account-clients.ts, loaded on first use).
    liveIn: async (where) => (isHome(scope, where) ? homeLive
      : awsLiveState(await (await import('../aws/account-clients')).clientsIn(where, 'triage', 'triage', scope, actionClients))),
  };
};

const triage = createTriage({
  policy: () => deployedPolicy().current(),
  live: homeLive,
  accounts: deployedAccounts,
  starter,
  ...(findingsTable ? { memory: findingMemory(findingsTable), ...findingsStores(() => findingsTable) } : {}),
  sightings: auditSightings(),
  metrics: emit,
});

/** TriageQueue's event source: each record one EventBridge event (handlers/triage-batch.ts). */
export const handler = lambda(createTriageBatch({ triage, deadLetter, metrics: emit }));
