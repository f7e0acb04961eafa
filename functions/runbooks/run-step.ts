import { WardenError } from '../aws/errors';
import { runbookByName } from '../domain/runbooks/catalog';
import type { TimelineEntry } from '../domain/runbooks/model';
import { appended } from '../domain/runbooks/timeline';
import type { ApprovalDecision } from '../approvals/model';
import type { RunbookState, StepDeps, StepRegistry } from './model';

/** The approval decision as a timeline entry, once, before the first step after it. */
export function withDecision(state: RunbookState, now: Date): RunbookState {
  const timeline = state.runbook.timeline;
  if (timeline.some((e) => e.step === 'approval')) return state;
  let entry: TimelineEntry | undefined;
  if (state.approval) {
    const a = state.approval;
    entry = {
      at: a.decidedAt ?? now.toISOString(), step: 'approval', result: 'approved', by: a.decidedBy,
      detail: `approved via ${a.via ?? 'slack'} (approval ${a.approvalId})${a.reason ? `: ${a.reason}` : ''}`,
    };
  } else if (state.denial) {
    let d: Partial<ApprovalDecision> = {};
    try {
      d = JSON.parse(state.denial.Cause ?? '{}') as Partial<ApprovalDecision>;
    } catch {
      /* not JSON: the decision alone */
    }
    entry = {
      at: d.decidedAt ?? now.toISOString(), step: 'approval', result: 'denied', ...(d.decidedBy ? { by: d.decidedBy } : {}),
      detail: `denied via ${d.via ?? 'slack'}${d.approvalId ? ` (approval ${d.approvalId})` : ''}${d.reason ? `: ${d.reason}` : ''}`,
    };
  } else if (state.approvalTimeout) {
    entry = { at: now.toISOString(), step: 'approval', result: 'expired', detail: 'nobody decided before the deadline: nothing changed' };
  }
  return entry ? { ...state, runbook: { ...state.runbook, timeline: appended(timeline, entry) } } : state;
}

/**
 * Run one step of a runbook and append its timeline entry. A step that changes something (`mutates`) is only
 * described in dry-run. Steps throw WardenError for failures the state machine should see by name.
 */
export async function runStep(stepId: string, state: RunbookState, registry: StepRegistry, deps: StepDeps): Promise<RunbookState> {
  const [name = '', step = ''] = stepId.split('.');
  const definition = runbookByName(name);
  const code = definition && Object.hasOwn(registry, name) ? registry[name] : undefined;
  const steps = typeof code === 'function' ? await code() : code;
  const fn = steps && Object.hasOwn(steps, step) ? steps[step] : undefined;
  if (!definition || !fn) throw new WardenError('Warden.UnknownStep', `no runbook step ${stepId}`);
  if (state.runbook?.name !== name) throw new WardenError('Warden.InvalidInput', `step ${stepId} got the state of runbook ${state.runbook?.name ?? '(none)'}`);
  const now = deps.now();
  const current = withDecision(state, now);
  const spec = [...definition.before, ...definition.changes].find((s) => s.id === step);
  const mutates = spec !== undefined && (spec.mutates || definition.changes.includes(spec));
  // A step that changes something runs only when the run may change things: auto, or approval (a change step is
  // reached after the approval; a tag before the decision marks the resource as under investigation).
  const mode = current.live?.result.mode;
  const held = current.runbook.dryRun ? 'dry-run' : mode === 'dry-run' || mode === 'notify' ? mode : undefined;
  if (mutates && held) {
    const would = `${spec.title.charAt(0).toLowerCase()}${spec.title.slice(1)}`;
    const entry: TimelineEntry = { at: now.toISOString(), step, result: held === 'dry-run' ? 'dry-run' : 'skipped', detail: held === 'dry-run' ? `would ${would}` : `${held} mode: would ${would}` };
    return { ...current, runbook: { ...current.runbook, timeline: appended(current.runbook.timeline, entry) } };
  }
  const out = await fn(current, deps);
  const next = out.state ?? current;
  const entry: TimelineEntry = { at: deps.now().toISOString(), step, result: out.result ?? 'done', detail: out.detail };
  return { ...next, runbook: { ...next.runbook, timeline: appended(next.runbook.timeline, entry) } };
}
