import { actionClients } from '../aws/action-clients';
import { conclude } from '../runbooks/conclude';
import { runbookSteps, type RunbookState, type StepDeps, type StepRegistry } from '../runbooks';
import { runStep } from '../runbooks/run-step';
import { startByHand, startRun, type StartInput } from '../runbooks/start';
import { handStartByName } from '../domain/runbooks/catalog';
import type { RemediationState } from '../domain/state';
import { lambda } from '../runtime/lambda';
import { logger } from '../runtime/logger';
import { auditSightings } from '../runtime/sightings';
import { auditTable, keepProgress, saveRunProgress } from './progress';

/** `{ step: "start", runbook, input, executionName, executionArn }`, `{ step: "conclude", state }` or `{ step: "<runbook>.<id>", state }`. */
export type RunbookStepInput = ({ step: 'start' } & StartInput) | { step: string; state: RunbookState };

export interface RunbookStepDeps extends StepDeps {
  registry?: StepRegistry;
  /** Write the run's record so far; a failure is logged, never thrown (the final Record writes it all). */
  progress?: (state: RunbookState) => Promise<void>;
}

/**
 * Every runbook step (statemachines/runbooks/*): takes the whole state, returns the whole state with one more
 * timeline entry, and saves the record so far. Also the Start of the remediate workflow started by hand, which
 * returns the run's `{context, policy}` (that workflow records at its end only). Env: AUDIT_TABLE, WARDEN_POLICY_PARAMETER.
 */
export async function runbookStep(input: RunbookStepInput, deps: RunbookStepDeps): Promise<RunbookState | RemediationState> {
  if (input.step === 'start' && handStartByName((input as StartInput).runbook)) {
    const run = startByHand(input as StartInput, deps);
    logger.info('hand start', { id: run.context.id, entry: (input as StartInput).runbook, target: run.context.finding.resource.id });
    return run;
  }
  let state: RunbookState;
  if (input.step === 'start') state = startRun(input as StartInput, deps);
  else if (input.step === 'conclude') state = conclude((input as { state: RunbookState }).state, deps.now());
  else state = await runStep(input.step, (input as { state: RunbookState }).state, deps.registry ?? runbookSteps, deps);
  await keepProgress(state, deps.progress);
  logger.info('runbook step', { id: state.context.id, runbook: state.runbook.name, step: input.step, last: state.runbook.timeline.at(-1) });
  return state;
}

/**
 * Only the start step reads the deployed policy (the steps after it use the run's own), so only that step loads the
 * policy loader, and with its first read the SSM client and zod.
 */
async function startPolicy(step: string): Promise<Pick<StepDeps, 'policy' | 'policyVersion'>> {
  if (step === 'start') {
    const { policy, version } = await (await import('../runtime/deployed-policy')).deployedPolicy().current();
    return { policy: () => policy, ...(version ? { policyVersion: version } : {}) };
  }
  return {
    policy: () => {
      throw new Error(`runbook step ${step} has the run's policy in its state: only the start step reads the deployed one`);
    },
  };
}

export const handler = lambda(async (input: RunbookStepInput) =>
  runbookStep(input, {
    clients: actionClients, audit: auditTable, ...(await startPolicy(input.step)), now: () => new Date(), progress: saveRunProgress,
    sightings: auditSightings(),
  }),
);
