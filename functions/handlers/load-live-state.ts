import { actionById } from '../actions';
import { clients, type Clients } from '../aws/clients';
import { WardenError } from '../aws/errors';
import { controlById } from '../domain/controls';
import { decideMode, ownerChannel, stricterOf, type Policy } from '../domain/policy';
import { runtimePolicy } from '../runtime/config';
import { lambda } from '../runtime/lambda';
import type { LiveResult, RemediationState } from './state';

/** Re-check live state and plan. The mode never gets less cautious than triage decided. */
export async function loadLiveState(
  state: RemediationState, deps: { clients: Clients; policy: Policy } = { clients, policy: runtimePolicy() },
): Promise<LiveResult> {
  const { finding } = state.context;
  const action = actionById(finding.remediation.action);
  const control = controlById(finding.control);
  if (!action || !control) throw new WardenError('Warden.UnknownAction', `no action ${finding.remediation.action} / control ${finding.control}`);
  const inspection = await action.inspect(finding, deps.clients, deps.policy);
  const tags = inspection.tags ?? finding.resource.tags;
  const mode = stricterOf(finding.remediation.mode, decideMode(deps.policy, control.id, control.remediation.defaultMode, tags));
  return { stillViolating: inspection.stillViolating, mode, plan: inspection.plan, ...ownerChannel(deps.policy, tags) };
}

export const handler = lambda((state: RemediationState) => loadLiveState(state));
