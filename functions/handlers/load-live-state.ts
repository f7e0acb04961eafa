import { actionById, type ActionClients } from '../actions';
import { ec2 } from '../aws/clients/ec2';
import { WardenError } from '../aws/errors';
import { controlById } from '../domain/controls';
import { decideMode, ownerChannel, stricterOf } from '../domain/policy/mode';
import { lambda } from '../runtime/lambda';
import type { LiveResult, RemediationState } from './state';

/** Re-check live state and plan. The mode never gets less cautious than triage decided. */
export async function loadLiveState(state: RemediationState, clients: ActionClients = { ec2 }): Promise<LiveResult> {
  const { finding } = state.context;
  const { policy } = state;
  const action = actionById(finding.remediation.action);
  const control = controlById(finding.control);
  if (!action || !control) throw new WardenError('Warden.UnknownAction', `no action ${finding.remediation.action} / control ${finding.control}`);
  const inspection = await action.inspect(finding, clients, policy);
  const tags = inspection.tags ?? finding.resource.tags;
  const mode = stricterOf(finding.remediation.mode, decideMode(policy, control.id, control.remediation.defaultMode, tags));
  return { stillViolating: inspection.stillViolating, mode, plan: inspection.plan, ...ownerChannel(policy, tags) };
}

export const handler = lambda((state: RemediationState) => loadLiveState(state));
