import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { RemediationState } from '../domain/state';
import { errorName, rethrowThrottling } from './errors';

export interface ExecutionStarter {
  start(name: string, input: RemediationState): Promise<{ executionArn?: string; duplicate: boolean }>;
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
