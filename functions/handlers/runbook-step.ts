import { getAuditRecord } from '../audit/get';
import { actionClients } from '../aws/action-clients';
import { runClients } from '../runtime/run-clients';
import { brakesTableOfEnv, deployedBrakes } from '../brakes/deps';
import type { GateDeps } from '../brakes/gate';
import { brakeStep } from '../runbooks/brake';
import { conclude } from '../runbooks/conclude';
import { runbookSteps, type RunbookState, type StepDeps, type StepRegistry } from '../runbooks';
import { runStep } from '../runbooks/run-step';
import { isRelease, startByHand, startRelease, startRun, type HeldRuns, type StartInput } from '../runbooks/start';
import { handStartByName } from '../domain/runbooks/catalog';
import type { RemediationState } from '../domain/state';
import { lambda } from '../runtime/lambda';
import { logger } from '../runtime/logger';
import { auditSightings } from '../runtime/sightings';
import { auditTable, keepProgress, saveRunProgress } from './progress';

/**
 * `{ step: "start", runbook, input, executionName, executionArn }`, `{ step: "brake", state }`,
 * `{ step: "conclude", state }` or `{ step: "<runbook>.<id>", state }`.
 */
export type RunbookStepInput = ({ step: 'start' } & StartInput) | { step: string; state: RunbookState };

export interface RunbookStepDeps extends StepDeps {
  registry?: StepRegistry;
  /** Write the run's record so far; a failure is logged, never thrown (the final Record writes it all). */
  progress?: (state: RunbookState) => Promise<void>;
  /** The breaker, for the Brake step. */
  gate?: GateDeps;
  /** The held runs' list, for a release's Start. */
  heldRuns?: () => Promise<HeldRuns>;
}

const missing = (what: string) => () => {
  throw new Error(`runbook step: no ${what} given`);
};

/**
 * Every runbook step (statemachines/runbooks/*): takes the whole state, returns the whole state with one more
 * timeline entry, and saves the record so far. Also the Start of the remediate workflow started by hand, which
 * returns the run's `{context, policy}` (that workflow records at its end only), and the Start of a release
 * (`{release: <held run id>}`). Env: AUDIT_TABLE, BRAKES_TABLE, WARDEN_POLICY_PARAMETER.
 */
export async function runbookStep(input: RunbookStepInput, deps: RunbookStepDeps): Promise<RunbookState | RemediationState> {
  const start = input as StartInput;
  if (input.step === 'start' && isRelease(start.input)) {
    const { dynamodb, tableName } = deps.audit();
    const run = await startRelease(start, {
      ...deps, record: (id) => getAuditRecord(id, { dynamodb, tableName }), heldRuns: deps.heldRuns ?? missing('held runs'),
    });
    logger.info('release', { id: run.context.id, of: run.context.release?.of, by: run.context.release?.by });
    if ('runbook' in run && run.runbook) await keepProgress(run as RunbookState, deps.progress);
    return run;
  }
  if (input.step === 'start' && handStartByName(start.runbook)) {
    const run = startByHand(start, deps);
    logger.info('hand start', { id: run.context.id, entry: start.runbook, target: run.context.finding.resource.id });
    return run;
  }
  let state: RunbookState;
  if (input.step === 'start') state = startRun(start, deps);
  else if (input.step === 'conclude') state = conclude((input as { state: RunbookState }).state, deps.now());
  else if (input.step === 'brake') state = await brakeStep((input as { state: RunbookState }).state, deps.gate ?? { deployed: missing('brakes'), table: missing('brakes table'), now: deps.now });
  else state = await runStep(input.step, (input as { state: RunbookState }).state, deps.registry ?? runbookSteps, deps);
  await keepProgress(state, deps.progress);
  logger.info('runbook step', { id: state.context.id, runbook: state.runbook.name, step: input.step, last: state.runbook.timeline.at(-1) });
  return state;
}

/**
 * Only the start step decides with the deployed policy (the steps after it use the run's own), so only that step
 * loads it here; the Plan and Brake steps read only its brakes (`paused`, `limits`: deployedBrakes), when they check.
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

/** A step of a run acts where the run's resource is (runtime/run-clients.ts); the Start step calls no account API. */
const stepClients = (input: RunbookStepInput) =>
  ('state' in input && input.state?.context ? runClients(input.state, 'runbook') : Promise.resolve(actionClients));

export const handler = lambda(async (input: RunbookStepInput) =>
  runbookStep(input, {
    clients: await stepClients(input), audit: auditTable, ...(await startPolicy(input.step)), now: () => new Date(), progress: saveRunProgress,
    sightings: auditSightings(),
    // The brakes read the deployed policy again (the mode step and the Brake step), and the brakes table.
    brakes: deployedBrakes, gate: { deployed: deployedBrakes, table: brakesTableOfEnv, now: () => new Date() }, heldRuns: brakesTableOfEnv,
  }),
);
