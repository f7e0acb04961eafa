import { checkBeforeChange, type GateDeps } from '../brakes/gate';
import { appended } from '../domain/runbooks/timeline';
import type { RunbookState } from './model';
import { withDecision } from './run-step';

/**
 * A runbook's Brake step, just before its first change: the brakes (checkBeforeChange) for an automatic
 * containment. Held: the state gets `held` (the state machine ends the run held) and the timeline says why; else
 * the timeline says why the change may go on (a token spent, or a person decided it).
 */
export async function brakeStep(given: RunbookState, deps: GateDeps): Promise<RunbookState> {
  // After an approval, the decision goes in the timeline first (run-step.ts does the same for the first step after it).
  const state = withDecision(given, deps.now());
  const verdict = await checkBeforeChange(state, 'containment', deps);
  const at = deps.now().toISOString();
  const entry = verdict.held
    ? { at, step: 'brake', result: 'held' as const, detail: `held: ${verdict.held.why}` }
    : { at, step: 'brake', result: 'done' as const, detail: verdict.why };
  return { ...state, ...(verdict.held ? { held: verdict.held } : {}), runbook: { ...state.runbook, timeline: appended(state.runbook.timeline, entry) } };
}
