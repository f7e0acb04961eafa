import { loadAction, type ActionClients, type ApplyResult } from '../actions';
import { actionClients } from '../aws/action-clients';
import { WardenError } from '../aws/errors';
import { lambda } from '../runtime/lambda';
import { logger } from '../runtime/logger';
import type { RemediationState } from '../domain/state';

/** Apply the plan LoadLiveState made, and nothing else. */
export async function applyRemediation(state: RemediationState, clients: ActionClients = actionClients): Promise<ApplyResult> {
  const plan = state.live?.result.plan;
  const action = plan && (await loadAction(plan.action));
  if (!plan || !action) throw new WardenError('Warden.NoPlan', 'Apply reached without a plan from LoadLiveState');
  if (!action.apply) throw new WardenError('Warden.PlanOnly', `${action.id} is plan only: it never changes anything`);
  const result = await action.apply(plan, clients);
  logger.info('applied', { id: state.context.id, action: plan.action, ...result });
  return result;
}

export const handler = lambda((state: RemediationState) => applyRemediation(state));
