import { loadAction, type ActionClients } from '../actions';
import { actionClients } from '../aws/action-clients';
import { runClients } from '../runtime/run-clients';
import { WardenError } from '../aws/errors';
import { deployedBrakes } from '../brakes/deps';
import { holdAtModeStep, type DeployedBrakes } from '../brakes/gate';
import { controlById } from '../domain/controls';
import { exemptionOf, type ExemptionSightings } from '../domain/policy/exemption';
import { decideRunMode, forHandStart, ownerChannel } from '../domain/policy/mode';
import { lambda } from '../runtime/lambda';
import { auditSightings } from '../runtime/sightings';
import type { LiveResult, RemediationState } from '../domain/state';

export interface LoadLiveStateDeps {
  now: () => Date;
  /** Exemptions' first sightings: recorded here when triage has not (a hand start). */
  sightings?: ExemptionSightings;
  /** The deployed policy's brakes, read now: a paused Warden holds the run here (default: not paused). */
  brakes?: DeployedBrakes;
}

/**
 * Re-check live state and plan. The mode never gets less cautious than triage decided. A run started by hand
 * (`source: manual`) decides with decision 50's hand-start policy, and a target that does not exist is `not-found`.
 * An exemption on the live tags is judged at `now` (in force, expired or invalid) and recorded with the mode.
 * While Warden is paused (the deployed policy, read now), a run that would change something is held here.
 */
export async function loadLiveState(
  state: RemediationState,
  clients: ActionClients = actionClients,
  deps: LoadLiveStateDeps = { now: () => new Date() },
): Promise<LiveResult> {
  const { finding } = state.context;
  const manual = state.context.source === 'manual';
  const policy = state.policy;
  const action = await loadAction(finding.remediation.action);
  const control = controlById(finding.control);
  if (!action || !control) throw new WardenError('Warden.UnknownAction', `no action ${finding.remediation.action} / control ${finding.control}`);
  const inspection = await action.inspect(finding, clients, policy);
  const tags = inspection.tags ?? finding.resource.tags;
  const exemption = await exemptionOf(policy, { ...finding.resource, tags }, {
    now: deps.now(), ...(deps.sightings ? { sightings: deps.sightings, record: true } : {}),
  });
  // The run's mode step: decided once, here, with live tags, and why recorded. Plan only: a human makes the change.
  const { mode, reasons } = decideRunMode(manual ? forHandStart(policy) : policy, {
    controlId: control.id, controlDefault: control.remediation.defaultMode, announced: finding.remediation.mode, tags, exemption,
    policyVersion: state.context.policyVersion,
    ...(action.apply ? {} : { floor: { mode: 'approval' as const, why: `${action.id} is plan-only` } }),
  });
  const judged = exemption ? { exemption } : {};
  const owner = ownerChannel(policy, tags);
  if (inspection.gone && manual) {
    // A hand start named something that is not there (a typo?): say what was looked for, and where.
    const { type, id, region, account } = finding.resource;
    const plan = { ...inspection.plan, steps: [`no ${type} ${id} in ${region} (account ${account}): nothing to do`] };
    return { stillViolating: false, absent: 'not-found', mode, modeReasons: reasons, ...judged, plan, ...owner };
  }
  // A resource deleted since the event is not "already fixed": the state machine records and notifies it as gone.
  const absent = inspection.gone ? { stillViolating: false, absent: 'resource-gone' as const } : { stillViolating: inspection.stillViolating };
  const held = absent.stillViolating && deps.brakes ? await holdAtModeStep(mode, { deployed: deps.brakes, now: deps.now }) : undefined;
  return { ...absent, mode, modeReasons: reasons, ...judged, ...(held ? { held } : {}), plan: inspection.plan, ...owner };
}

/** What LoadLiveState answers to an input that is not a run yet (no `context`): the Start step builds it first. */
export interface HandStartPending {
  handStart: true;
}

/** Triage's `{context, policy}`, or a hand start `{target, …}` (no context: the workflow's Start step comes first). */
export const handler = lambda(async (input: unknown): Promise<LiveResult | HandStartPending> =>
  typeof input === 'object' && input !== null && 'context' in input
    ? loadLiveState(input as RemediationState, await runClients(input as RemediationState, 'live'), { now: () => new Date(), sightings: auditSightings(), brakes: deployedBrakes })
    : { handStart: true },
);
