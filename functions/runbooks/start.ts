import { WardenError } from '../aws/errors';
import type { Finding } from '../domain/model';
import type { RemediationContext, RemediationRecord } from '../domain/remediation';
import { handStartByName, runbookByName } from '../domain/runbooks/catalog';
import type { RemediationState } from '../domain/state';
import type { RunbookState, StepDeps } from './model';

/** What the Start state passes: the execution input as given, and the execution's name and ARN. */
export interface StartInput {
  runbook: string;
  input: unknown;
  executionName: string;
  executionArn: string;
}

/** A hand start (`warden runbook run`, the console): what to act on, and who asks. */
export interface HandStart {
  target: string;
  dryRun?: boolean;
  requestedBy?: string;
  reason?: string;
}

const MAX_TARGET = 2048;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

function handStart(input: unknown): HandStart {
  const i = (input ?? {}) as Record<string, unknown>;
  if (typeof i.target !== 'string' || i.target.trim() === '') throw new WardenError('Warden.InvalidInput', 'runbook input needs "target" (a non-empty string)');
  if (i.target.length > MAX_TARGET || CONTROL_CHARS.test(i.target)) throw new WardenError('Warden.InvalidInput', 'runbook target is too long or has control characters');
  if (i.dryRun !== undefined && typeof i.dryRun !== 'boolean') throw new WardenError('Warden.InvalidInput', '"dryRun" must be true or false');
  for (const k of ['requestedBy', 'reason'] as const) {
    if (i[k] !== undefined && (typeof i[k] !== 'string' || (i[k] as string).length > 1024)) throw new WardenError('Warden.InvalidInput', `"${k}" must be a string of at most 1024 characters`);
  }
  return i as unknown as HandStart;
}

/** The version of the policy the start step read, for the run's context. */
const stamp = (deps: Pick<StepDeps, 'policyVersion'>) => (deps.policyVersion ? { policyVersion: deps.policyVersion } : {});

/** The account and region of an execution ARN (arn:aws:states:<region>:<account>:execution:…). */
const arnParts = (arn: string) => {
  const [, , , region, account] = arn.split(':');
  return { region: region || 'us-east-1', account: account || '000000000000' };
};

/**
 * The first step of every runbook: the run's state, from a triage start ({context, policy}: GuardDuty findings) or a
 * hand start ({target, dryRun, requestedBy, reason}). Invalid input fails the run before anything is read or changed.
 */
export function startRun(start: StartInput, deps: Pick<StepDeps, 'policy' | 'policyVersion' | 'now'>): RunbookState {
  const definition = runbookByName(start.runbook);
  if (!definition) throw new WardenError('Warden.UnknownRunbook', `no runbook ${start.runbook}`);
  const now = deps.now().toISOString();
  const fromTriage = start.input as Partial<RemediationState> | undefined;
  if (fromTriage?.context) {
    // Only triage starts a run with a context, and only for runbooks that answer findings. Whatever the input says, the
    // run decides with the deployed policy: anyone who may start an execution must not bring their own approvers.
    if (!definition.startedByFindings) throw new WardenError('Warden.InvalidInput', `${definition.name} is started by hand only: give {"target": …}, not a finding context`);
    // The run is this execution, whatever id the input claims: its audit item, approvals and snapshots are keyed by it.
    // Its policy is the one read here, and so is the version it records.
    const { policyVersion: _triages, ...given } = fromTriage.context;
    const context: RemediationContext = { ...given, id: start.executionName, executionArn: start.executionArn, ...stamp(deps) };
    const g = context.guardduty;
    const startedBy = g ? `GuardDuty finding ${g.id}` : `${context.source} ${context.eventName}`;
    const why = g ? `${g.type}, severity ${g.severity}` : context.finding.evidence;
    return {
      context, policy: deps.policy(),
      runbook: {
        name: definition.name, target: context.finding.remediation.targets[0] ?? context.finding.resource.id,
        dryRun: context.finding.remediation.mode === 'dry-run', startedBy,
        timeline: [{ at: now, step: 'start', result: 'done', detail: `started by ${startedBy} (${why})`, by: startedBy }],
      },
    };
  }
  const hand = handStart(start.input);
  const by = hand.requestedBy || 'unknown (no requestedBy in the input)';
  const target = hand.target.trim();
  const { region, account } = arnParts(start.executionArn);
  const finding: Finding = {
    control: `runbook:${definition.name}`,
    title: definition.title,
    severity: 'HIGH',
    resource: { type: definition.resourceType, id: target, ...(target.startsWith('arn:') ? { arn: target } : {}), account, region },
    evidence: `Runbook ${definition.name} started by hand by ${by}${hand.reason ? `: ${hand.reason}` : ''}`,
    remediation: { action: definition.name, mode: hand.dryRun ? 'dry-run' : 'auto', targets: [target] },
  };
  const context: RemediationContext = {
    id: start.executionName, executionArn: start.executionArn, eventId: start.executionName, source: 'manual',
    eventName: 'StartRunbook', eventTime: now, actor: { arn: by }, finding, requestedAt: now, ...stamp(deps),
  };
  return {
    context, policy: deps.policy(),
    runbook: {
      name: definition.name, target, dryRun: hand.dryRun === true, startedBy: by, ...(hand.reason ? { reason: hand.reason } : {}),
      timeline: [{ at: now, step: 'start', result: 'done', detail: `started by hand${hand.dryRun ? ' (dry-run)' : ''}${hand.reason ? `: ${hand.reason}` : ''}`, by }],
    },
  };
}

/**
 * The Start step of a workflow started by hand (the remediate workflow, for revoke-open-ingress): the run's
 * `{context, policy}` from `{target, dryRun, requestedBy, reason}`, as triage would give it for a finding on that
 * target, with no named targets (every rule the control flags is planned) and the deployed policy. An input that
 * brings a policy or a finding context is refused: the deployed policy decides, never the starter.
 */
export function startByHand(start: StartInput, deps: Pick<StepDeps, 'policy' | 'policyVersion' | 'now'>): RemediationState {
  const entry = handStartByName(start.runbook);
  if (!entry) throw new WardenError('Warden.UnknownRunbook', `no hand-start entry ${start.runbook}`);
  const given = typeof start.input === 'object' && start.input !== null ? start.input : {};
  const brought = ['context', 'policy'].filter((k) => k in given);
  if (brought.length) {
    throw new WardenError('Warden.InvalidInput', `${entry.name} is started by hand with {"target": …}: ${brought.map((k) => `"${k}"`).join(' and ')} may not be given (the deployed policy decides)`);
  }
  const hand = handStart(start.input);
  const target = hand.target.trim();
  if (!new RegExp(entry.targetPattern).test(target)) throw new WardenError('Warden.InvalidInput', `${entry.name} needs a ${entry.target}, got ${target}`);
  const now = deps.now().toISOString();
  const by = hand.requestedBy || 'unknown (no requestedBy in the input)';
  const { region, account } = arnParts(start.executionArn);
  const finding: Finding = {
    control: entry.control,
    title: entry.title,
    severity: 'HIGH',
    resource: { type: entry.resourceType, id: target, account, region },
    evidence: `Started by hand (${entry.name}) by ${by}${hand.reason ? `: ${hand.reason}` : ''}`,
    remediation: { action: entry.action, mode: hand.dryRun ? 'dry-run' : 'auto', targets: [] },
  };
  const context: RemediationContext = {
    id: start.executionName, executionArn: start.executionArn, eventId: start.executionName, source: 'manual',
    eventName: 'StartRunbook', eventTime: now, actor: { arn: by }, finding, requestedAt: now, ...stamp(deps),
  };
  return { context, policy: deps.policy() };
}

/** `warden breaker release`: start a held run again, by the id of its audit record. */
export interface ReleaseStart {
  release: string;
  requestedBy?: string;
  reason?: string;
}

/** Where a release marks the held run's entry released (functions/aws/brakes-table.ts). */
export interface HeldRuns {
  release(runId: string, r: { by: string; as: string; at: string }): Promise<'released' | 'taken' | 'unknown'>;
}

export interface ReleaseDeps extends Pick<StepDeps, 'policy' | 'policyVersion' | 'now'> {
  /** The held run's audit record. */
  record: (id: string) => Promise<RemediationRecord | undefined>;
  heldRuns: () => Promise<HeldRuns>;
}

const RUN_ID = /^[A-Za-z0-9_-]{1,80}$/;

export const isRelease = (input: unknown): input is ReleaseStart =>
  typeof input === 'object' && input !== null && 'release' in input;

/**
 * The Start step of a release: the held run's context again, from its audit record (its finding, its event, its
 * GuardDuty facts), as a new run (this execution) with `release: {of, by, at, reason}`, under the deployed policy.
 * The held run's entry is marked released first (a conditional update), so a run is released once. A released run
 * spends no token (a person decided) but is held again while Warden is paused; it goes through the whole workflow
 * again from the live re-check, and a mode that needs an approval asks again.
 */
export async function startRelease(start: StartInput, deps: ReleaseDeps): Promise<RemediationState | RunbookState> {
  const i = start.input as Record<string, unknown>;
  const brought = ['context', 'policy', 'target'].filter((k) => k in i);
  if (brought.length) throw new WardenError('Warden.InvalidInput', `a release is {"release": <held run id>, "requestedBy", "reason"}: ${brought.map((k) => `"${k}"`).join(' and ')} may not be given`);
  if (typeof i.release !== 'string' || !RUN_ID.test(i.release)) throw new WardenError('Warden.InvalidInput', '"release" must be the audit id of a held run');
  for (const k of ['requestedBy', 'reason'] as const) {
    if (i[k] !== undefined && (typeof i[k] !== 'string' || (i[k] as string).length > 1024)) throw new WardenError('Warden.InvalidInput', `"${k}" must be a string of at most 1024 characters`);
  }
  const heldId = i.release;
  const record = await deps.record(heldId);
  if (!record) throw new WardenError('Warden.InvalidInput', `no audit record ${heldId}`);
  if (record.outcome !== 'held') throw new WardenError('Warden.InvalidInput', `${heldId} ended ${record.outcome}, not held: nothing to release`);
  const entry = handStartByName(start.runbook);
  const runbook = entry ? undefined : runbookByName(start.runbook);
  if (entry ? record.runbook !== undefined : record.runbook?.name !== start.runbook) {
    throw new WardenError('Warden.InvalidInput', `${heldId} is a run of ${record.runbook?.name ?? 'the remediate workflow'}: release it there, not with ${start.runbook}`);
  }
  const now = deps.now().toISOString();
  const by = (i.requestedBy as string | undefined) || 'unknown (no requestedBy in the input)';
  const reason = i.reason as string | undefined;
  const marked = await (await deps.heldRuns()).release(heldId, { by, as: start.executionName, at: now });
  if (marked !== 'released') throw new WardenError('Warden.InvalidInput', marked === 'taken' ? `${heldId} was already released` : `${heldId} is not on the held list`);
  const { eventId, source, eventName, eventTime, actor, finding, relatedControls, guardduty } = record;
  const context: RemediationContext = {
    id: start.executionName, executionArn: start.executionArn, eventId, source, eventName, eventTime, ...(actor ? { actor } : {}), finding,
    ...(relatedControls ? { relatedControls } : {}), ...(guardduty ? { guardduty } : {}), requestedAt: now,
    release: { of: heldId, by, at: now, ...(reason ? { reason } : {}) }, ...stamp(deps),
  };
  if (!runbook || !record.runbook) return { context, policy: deps.policy() };
  const detail = `released by ${by} (held run ${heldId}: ${record.held?.why ?? 'held'})${reason ? `: ${reason}` : ''}`;
  return {
    context, policy: deps.policy(),
    runbook: {
      name: runbook.name, target: record.runbook.target, dryRun: false, startedBy: record.runbook.startedBy, ...(reason ? { reason } : {}),
      timeline: [{ at: now, step: 'start', result: 'done', detail, by }],
    },
  };
}
