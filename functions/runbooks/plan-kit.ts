import { holdAtModeStep } from '../brakes/gate';
import type { Mode, Tags } from '../domain/model';
import { exemptionOf, type Exemption } from '../domain/policy/exemption';
import { decideRunMode, forHandStart, ownerChannel, type ModeDecision } from '../domain/policy/mode';
import { failClosedRule } from '../domain/policy/version';
import type { Plan } from '../domain/remediation';
import type { LiveResult } from '../domain/state';
import { runbookByName } from '../domain/runbooks/catalog';
import type { RunbookState, StepDeps, StepOutcome } from './model';

type Absent = NonNullable<LiveResult['absent']>;

/**
 * The mode of a runbook run. Dry-run wins. A hand start asked for the runbook: its own default applies (a responder's
 * explicit request is not held back by the deployment's default mode), and policy's environment and exemption tags
 * still make it more cautious. A triage start keeps the mode triage decided, re-decided with live tags. A runbook
 * that always asks never goes below approval; one that changes nothing only notifies.
 */
export function runbookMode(state: RunbookState, runbookDefault: Mode, tags: Tags | undefined, exemption?: Exemption): ModeDecision {
  if (state.runbook.dryRun) return { mode: 'dry-run', reasons: [...failClosedRule(state.context.policyVersion).map(([m, why]) => `${why} → ${m}`), 'dry run requested → dry-run'] };
  const definition = runbookByName(state.runbook.name);
  const { finding } = state.context;
  const policy = state.context.source === 'manual' ? forHandStart(state.policy) : state.policy;
  const floor = definition?.approval === 'always' ? { mode: 'approval' as const, why: `${state.runbook.name} always asks` }
    : definition?.approval === 'never' ? { mode: 'notify' as const, why: `${state.runbook.name} changes nothing` } : undefined;
  return decideRunMode(policy, {
    controlId: finding.control, controlDefault: runbookDefault, announced: finding.remediation.mode, tags, exemption, ...(floor ? { floor } : {}),
    policyVersion: state.context.policyVersion,
  });
}

/**
 * What it means that the run's target does not exist: a hand start named something that is not there (`not-found`:
 * a mistyped id must not read as "contained"); a finding named something deleted since (`resource-gone`).
 */
export const targetAbsent = (state: RunbookState): Absent => (state.context.source === 'manual' ? 'not-found' : 'resource-gone');

/**
 * The exemption the live tags claim, judged now; its first sighting is recorded for the run's resource (the
 * finding's, or for a hand start the one the plan found).
 */
export async function runExemption(state: RunbookState, deps: Pick<StepDeps, 'now' | 'sightings'>, plan: Plan, tags: Tags | undefined): Promise<Exemption | undefined> {
  const resource = state.context.source === 'manual' ? plan.resource : state.context.finding.resource;
  return exemptionOf(state.policy, { ...resource, tags }, { now: deps.now(), ...(deps.sightings ? { sightings: deps.sightings, record: true } : {}) });
}

/**
 * The Plan step's result: `$.live.result` as the remediate workflow has it, so approvals and notify read it the same.
 * The mode is decided with the live tags and the exemption they claim, judged now.
 */
export async function planned(
  state: RunbookState,
  deps: Pick<StepDeps, 'now' | 'sightings' | 'brakes'>,
  p: { stillViolating: boolean; plan: Plan; tags?: Tags; runbookDefault: Mode; detail: string; absent?: Absent },
): Promise<StepOutcome> {
  const exemption = p.tags ? await runExemption(state, deps, p.plan, p.tags) : undefined;
  const { mode, reasons } = runbookMode(state, p.runbookDefault, p.tags, exemption);
  const found = p.absent ? { stillViolating: false, absent: p.absent } : { stillViolating: p.stillViolating };
  // The mode step's brake: while Warden is paused, a run that would change something is held here.
  const held = found.stillViolating && deps.brakes ? await holdAtModeStep(mode, { deployed: deps.brakes, now: deps.now }) : undefined;
  const live = {
    ...found, mode, modeReasons: reasons, ...(exemption ? { exemption } : {}), ...(held ? { held } : {}), plan: p.plan,
    ...ownerChannel(state.policy, p.tags ?? state.context.finding.resource.tags),
  };
  // A hand start named its target as given (an audit id, a bare name): from here on the run is about what the plan found.
  const context = state.context.source === 'manual'
    ? { ...state.context, finding: { ...state.context.finding, resource: { ...p.plan.resource, ...(p.tags ? { tags: p.tags } : {}) } } }
    : state.context;
  return { state: { ...state, context, live: { result: live } }, detail: `${p.detail}; mode ${mode}${held ? `; held: ${held.why}` : ''}` };
}

const MAX_EVIDENCE_BYTES = 48 * 1024;
/** All evidence together: the state must stay well under Step Functions' 256 KB with the policy, plan and timeline. */
const MAX_TOTAL_EVIDENCE_BYTES = 96 * 1024;
const bytes = (v: unknown): number => Buffer.byteLength(JSON.stringify(v ?? null), 'utf8');
const isCut = (v: unknown): boolean => (v as { truncated?: unknown } | null)?.truncated === true;

/** Evidence that fits in the state: an oversized item is cut and marked, never dropped silently. */
export function capped(value: unknown, max = MAX_EVIDENCE_BYTES): unknown {
  const json = JSON.stringify(value ?? null);
  if (Buffer.byteLength(json, 'utf8') <= max) return value ?? null;
  return { truncated: true, originalBytes: Buffer.byteLength(json, 'utf8'), preview: json.slice(0, 4096) };
}

/** The state with more evidence; when all of it outgrows its budget, the largest items are cut first. */
export function withEvidence(state: RunbookState, evidence: Record<string, unknown>): RunbookState {
  const all: Record<string, unknown> = { ...state.runbook.evidence, ...Object.fromEntries(Object.entries(evidence).map(([k, v]) => [k, capped(v)])) };
  while (bytes(all) > MAX_TOTAL_EVIDENCE_BYTES) {
    const [largest] = Object.entries(all).filter(([, v]) => !isCut(v)).sort(([, a], [, b]) => bytes(b) - bytes(a));
    if (!largest) break;
    all[largest[0]] = capped(largest[1], 0);
  }
  return { ...state, runbook: { ...state.runbook, evidence: all } };
}

/** The state with a step's results for later steps. */
export const withResults = (state: RunbookState, results: Record<string, unknown>): RunbookState => ({
  ...state,
  runbook: { ...state.runbook, results: { ...state.runbook.results, ...results } },
});

/** The finding as evidence: GuardDuty's, or who started the run by hand and why. */
export const findingEvidence = (s: RunbookState): unknown =>
  s.context.guardduty ?? { startedBy: s.runbook.startedBy, evidence: s.context.finding.evidence };

/** The tags every resource a runbook marks carries: the run, and the GuardDuty finding (or `manual`). */
export const incidentTags = (s: RunbookState): Tags => ({ 'warden:incident': s.context.id, 'warden:finding': s.context.guardduty?.id ?? 'manual' });

/** Tags as a timeline detail: `k=v k=v`. */
export const tagText = (tags: Tags): string => Object.entries(tags).map(([k, v]) => `${k}=${v}`).join(' ');
