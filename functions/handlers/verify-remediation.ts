import { loadAction, type ActionClients, type VerifyResult } from '../actions';
import { actionClients } from '../aws/action-clients';
import { runClients } from '../runtime/run-clients';
import { WardenError } from '../aws/errors';
import { lambda } from '../runtime/lambda';
import type { RemediationState } from '../domain/state';

/** Read live state again; throw Warden.VerificationFailed (retried, then caught) if any target survived. */
export async function verifyRemediation(state: RemediationState, clients: ActionClients = actionClients): Promise<VerifyResult> {
  const plan = state.live?.result.plan;
  const action = plan && (await loadAction(plan.action));
  if (!plan || !action) throw new WardenError('Warden.NoPlan', 'Verify reached without a plan from LoadLiveState');
  if (!action.verify) throw new WardenError('Warden.PlanOnly', `${action.id} is plan only: nothing to verify`);
  const result = await action.verify(plan, clients);
  if (!result.verified) {
    throw new WardenError('Warden.VerificationFailed', `still present after apply: ${result.remaining.join(', ')}`);
  }
  return result;
}

export const handler = lambda(async (state: RemediationState) => verifyRemediation(state, await runClients(state, 'verify')));
