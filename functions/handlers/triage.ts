import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { sfn } from '../aws/clients/sfn';
import { WardenError, errorName, rethrowThrottling } from '../aws/errors';
import { actionClients } from '../aws/action-clients';
import { awsLiveState } from '../aws/live-state';
import { evaluate } from '../domain/evaluate';
import type { LiveState, Status } from '../domain/model';
import { groupFindings } from '../domain/grouping';
import { executionName } from '../domain/naming';
import type { Policy } from '../domain/policy/schema';
import { runtimePolicy } from '../runtime/config';
import { requireEnv } from '../runtime/env';
import { lambda } from '../runtime/lambda';
import { logger } from '../runtime/logger';
import type { RemediationState } from './state';

export interface ExecutionStarter {
  start(name: string, input: RemediationState): Promise<{ executionArn?: string; duplicate: boolean }>;
}

export interface TriageResult {
  status: Status;
  reason?: string;
  executions: { name: string; control: string; executionArn?: string; duplicate: boolean }[];
}

/** Starts the remediate state machine. An existing execution of the same name is a duplicate delivery. */
export const sfnStarter = (sfn: () => SFNClient, stateMachineArn: () => string): ExecutionStarter => ({
  async start(name, input) {
    try {
      const out = await sfn().send(
        new StartExecutionCommand({ stateMachineArn: stateMachineArn(), name, input: JSON.stringify(input) }),
      );
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
 */
export function createTriage(deps: { policy: () => Policy; live?: LiveState; starter: ExecutionStarter; now?: () => Date }) {
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
    const executions: TriageResult['executions'] = [];
    for (const { finding, relatedControls } of groupFindings(decision.findings)) {
      const name = executionName(o.eventId, finding);
      const context = {
        id: name, eventId: o.eventId, source: o.source, eventName: o.eventName, eventTime: o.time,
        ...(o.actor ? { actor: o.actor } : {}), finding, ...(relatedControls.length ? { relatedControls } : {}), requestedAt,
      };
      const started = await deps.starter.start(name, { context, policy });
      executions.push({ name, control: finding.control, ...started });
      logger.info('remediation started', { name, control: finding.control, resource: finding.resource.id, mode: finding.remediation.mode, targets: finding.remediation.targets, duplicate: started.duplicate });
    }
    return { status: 'violation', ...(decision.reason ? { reason: decision.reason } : {}), executions };
  };
}

export const handler = lambda(
  createTriage({
    policy: runtimePolicy,
    live: awsLiveState(actionClients),
    starter: sfnStarter(sfn, () => requireEnv('STATE_MACHINE_ARN')),
  }),
);
