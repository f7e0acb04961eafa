import { loadAction, type ActionClients, type ApplyResult } from '../actions';
import { actionClients } from '../aws/action-clients';
import { runClients } from '../runtime/run-clients';
import { WardenError } from '../aws/errors';
import { brakesTableOfEnv, deployedBrakes } from '../brakes/deps';
import { holdBeforeChange, type GateDeps } from '../brakes/gate';
import { lambda } from '../runtime/lambda';
import { logger } from '../runtime/logger';
import type { RemediationState } from '../domain/state';

/** The brakes of the deployed stack: its policy now, and the brakes table (env BRAKES_TABLE). */
const deployed: GateDeps = { deployed: deployedBrakes, table: brakesTableOfEnv, now: () => new Date() };

/**
 * Apply the plan LoadLiveState made, and nothing else, unless the brakes hold the run first: Warden paused since
 * the mode step, or the breaker's count full for an automatic fix (holdBeforeChange). A held run changes nothing.
 */
export async function applyRemediation(state: RemediationState, clients: ActionClients = actionClients, brakes: GateDeps = deployed): Promise<ApplyResult> {
  const plan = state.live?.result.plan;
  const action = plan && (await loadAction(plan.action));
  if (!plan || !action) throw new WardenError('Warden.NoPlan', 'Apply reached without a plan from LoadLiveState');
  if (!action.apply) throw new WardenError('Warden.PlanOnly', `${action.id} is plan only: it never changes anything`);
  const held = await holdBeforeChange(state, 'fix', brakes);
  if (held) {
    logger.warn('held', { id: state.context.id, action: plan.action, why: held.why });
    return { applied: [], alreadyGone: [], held };
  }
  const result = await action.apply(plan, clients);
  logger.info('applied', { id: state.context.id, action: plan.action, ...result });
  return result;
}

export const handler = lambda(async (state: RemediationState) => applyRemediation(state, await runClients(state, 'apply')));
