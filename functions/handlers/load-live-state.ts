import { loadAction, type ActionClients } from '../actions';
import { actionClients } from '../aws/action-clients';
import { WardenError } from '../aws/errors';
import { controlById } from '../domain/controls';
import { decideMode, ownerChannel, stricterOf } from '../domain/policy/mode';
import { lambda } from '../runtime/lambda';
import type { LiveResult, RemediationState } from '../domain/state';

/** Re-check live state and plan. The mode never gets less cautious than triage decided. */
export async function loadLiveState(state: RemediationState, clients: ActionClients = actionClients): Promise<LiveResult> {
  const { finding } = state.context;
  const { policy } = state;
  const action = await loadAction(finding.remediation.action);
  const control = controlById(finding.control);
  if (!action || !control) throw new WardenError('Warden.UnknownAction', `no action ${finding.remediation.action} / control ${finding.control}`);
  const inspection = await action.inspect(finding, clients, policy);
  const tags = inspection.tags ?? finding.resource.tags;
  let mode = stricterOf(finding.remediation.mode, decideMode(policy, control.id, control.remediation.defaultMode, tags));
  if (!action.apply) mode = stricterOf(mode, 'approval'); // plan only: a human makes the change
  // A resource deleted since the event is not "already fixed": the state machine records and notifies it as gone.
  const absent = inspection.gone ? { stillViolating: false, absent: 'resource-gone' as const } : { stillViolating: inspection.stillViolating };
  return { ...absent, mode, plan: inspection.plan, ...ownerChannel(policy, tags) };
}

export const handler = lambda((state: RemediationState) => loadLiveState(state));
