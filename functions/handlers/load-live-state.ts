import { actionById, type ActionClients } from '../actions';
import { actionClients } from '../aws/action-clients';
import { WardenError } from '../aws/errors';
import { controlById } from '../domain/controls';
import { decideRunMode, ownerChannel } from '../domain/policy/mode';
import { lambda } from '../runtime/lambda';
import type { LiveResult, RemediationState } from '../domain/state';

/** Re-check live state and plan. The mode never gets less cautious than triage decided. */
export async function loadLiveState(state: RemediationState, clients: ActionClients = actionClients): Promise<LiveResult> {
  const { finding } = state.context;
  const { policy } = state;
  const action = actionById(finding.remediation.action);
  const control = controlById(finding.control);
  if (!action || !control) throw new WardenError('Warden.UnknownAction', `no action ${finding.remediation.action} / control ${finding.control}`);
  const inspection = await action.inspect(finding, clients, policy);
  const tags = inspection.tags ?? finding.resource.tags;
  // The run's mode step: decided once, here, with live tags, and why recorded. Plan only: a human makes the change.
  const { mode, reasons } = decideRunMode(policy, {
    controlId: control.id, controlDefault: control.remediation.defaultMode, announced: finding.remediation.mode, tags,
    ...(action.apply ? {} : { floor: { mode: 'approval' as const, why: `${action.id} is plan-only` } }),
  });
  // A resource deleted since the event is not "already fixed": the state machine records and notifies it as gone.
  const absent = inspection.gone ? { stillViolating: false, absent: 'resource-gone' as const } : { stillViolating: inspection.stillViolating };
  return { ...absent, mode, modeReasons: reasons, plan: inspection.plan, ...ownerChannel(policy, tags) };
}

export const handler = lambda((state: RemediationState) => loadLiveState(state));
