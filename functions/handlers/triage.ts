import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { dynamodb } from '../aws/clients/dynamodb';
import { sfn } from '../aws/clients/sfn';
import { WardenError, errorName, rethrowThrottling } from '../aws/errors';
import { actionClients } from '../aws/action-clients';
import { dynamoFindingMemory } from '../aws/finding-memory';
import { awsLiveState } from '../aws/live-state';
import { evaluate } from '../domain/evaluate';
import type { Finding, LiveState, Status } from '../domain/model';
import { groupFindings } from '../domain/grouping';
import { executionName } from '../domain/naming';
import type { Policy } from '../domain/policy/schema';
import { repeatDecision, seenOf, type FindingMemory } from '../domain/repeats';
import { runtimePolicy } from '../runtime/config';
import { lambda } from '../runtime/lambda';
import { logger } from '../runtime/logger';
import type { RemediationState } from '../domain/state';

export interface ExecutionStarter {
  start(name: string, input: RemediationState): Promise<{ executionArn?: string; duplicate: boolean }>;
}

export interface TriageResult {
  status: Status;
  reason?: string;
  executions: { name: string; control: string; executionArn?: string; duplicate: boolean }[];
}

/**
 * Starts the state machine for a fix: the runbook's own when the action is a runbook (GuardDuty containment), else the
 * remediate workflow. An existing execution of the same name is a duplicate delivery.
 */
export const sfnStarter = (sfn: () => SFNClient, stateMachineArn: (action: string) => string): ExecutionStarter => ({
  async start(name, input) {
    try {
      const stateMachine = stateMachineArn(input.context.finding.remediation.action);
      const out = await sfn().send(new StartExecutionCommand({ stateMachineArn: stateMachine, name, input: JSON.stringify(input) }));
      return { executionArn: out.executionArn, duplicate: false };
    } catch (err) {
      if (errorName(err) === 'ExecutionAlreadyExists') return { duplicate: true };
      return rethrowThrottling(err);
    }
  },
});

/**
 * Evaluate one EventBridge event and start one execution per fix (findings grouped by action and resource). Invalid events throw Warden.InvalidEvent so
 * that Lambda's DLQ keeps them (nothing lost, nothing acted on); ignored and compliant events are logged with their reason.
 * With a finding memory, a GuardDuty finding already handled is ignored unless its severity rose; it is remembered
 * only after its executions started, so a failed start is retried by Lambda rather than lost as a "repeat".
 */
export function createTriage(deps: { policy: () => Policy; live?: LiveState; starter: ExecutionStarter; now?: () => Date; memory?: FindingMemory }) {
  return async (event: unknown): Promise<TriageResult> => {
    const policy = deps.policy();
    const decision = await evaluate(event, { policy, ...(deps.live ? { live: deps.live } : {}) });
    if (decision.status === 'invalid') {
      logger.error('invalid event', { reason: decision.reason });
      throw new WardenError('Warden.InvalidEvent', decision.reason);
    }
    if (decision.status !== 'violation') {
      logger.info('no action', { status: decision.status, reason: decision.reason, eventId: decision.observation?.eventId });
      return { status: decision.status, ...(decision.reason ? { reason: decision.reason } : {}), executions: [] };
    }
    const { observation: o } = decision;
    const requestedAt = (deps.now?.() ?? new Date()).toISOString();
    const guardduty = o.facts.kind === 'guardduty-finding' ? o.facts.finding : undefined;
    const memory = guardduty ? deps.memory : undefined;
    let findings: Finding[] = decision.findings;
    let reason = decision.reason;
    if (guardduty && memory) {
      const seen = repeatDecision(await memory.recall(guardduty.id), guardduty);
      if (seen.kind === 'repeat') {
        logger.info('no action', { status: 'ignored', reason: seen.reason, eventId: o.eventId, findingId: guardduty.id });
        return { status: 'ignored', reason: seen.reason, executions: [] };
      }
      if (seen.kind === 'escalated') {
        reason = [reason, `severity increased from ${seen.from} to ${guardduty.severity}`].filter(Boolean).join('; ');
        findings = findings.map((f) => ({ ...f, evidence: `${f.evidence}; severity raised from ${seen.from} to ${guardduty.severity}` }));
      }
    }
    const executions: TriageResult['executions'] = [];
    for (const { finding, relatedControls } of groupFindings(findings)) {
      const name = executionName(o.eventId, finding);
      const context = {
        id: name, eventId: o.eventId, source: o.source, eventName: o.eventName, eventTime: o.time,
        ...(o.actor ? { actor: o.actor } : {}), finding, ...(relatedControls.length ? { relatedControls } : {}),
        ...(guardduty ? { guardduty } : {}), requestedAt,
      };
      const started = await deps.starter.start(name, { context, policy });
      executions.push({ name, control: finding.control, ...started });
      logger.info('remediation started', { name, control: finding.control, resource: finding.resource.id, mode: finding.remediation.mode, targets: finding.remediation.targets, duplicate: started.duplicate });
    }
    if (guardduty && memory) await memory.remember(seenOf(guardduty, requestedAt));
    return { status: 'violation', ...(reason ? { reason } : {}), executions };
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

export const handler = lambda(
  createTriage({
    policy: runtimePolicy,
    live: awsLiveState(actionClients),
    starter: sfnStarter(sfn, stateMachineFor()),
    ...(findingsTable ? { memory: dynamoFindingMemory({ dynamodb, tableName: findingsTable }) } : {}),
  }),
);
