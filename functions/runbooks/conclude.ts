import { runbookByName } from '../domain/runbooks/catalog';
import type { TimelineEntry } from '../domain/runbooks/model';
import { appended } from '../domain/runbooks/timeline';
import type { RunbookState } from './model';
import { withDecision } from './run-step';

const clip = (s: string, max = 1000) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/** The last timeline entries: the approval decision (when there was one), the error, and the outcome. */
export function conclude(state: RunbookState, now: Date): RunbookState {
  const s = withDecision(state, now);
  const at = now.toISOString();
  const entries: TimelineEntry[] = [];
  if (s.error) entries.push({ at, step: 'error', result: 'failed', detail: clip(`${s.error.Error ?? 'Error'}: ${s.error.Cause ?? ''}`) });
  const outcome = s.error ? 'failed' : (s.outcome ?? 'failed');
  // Dry-run stops before the changing steps: say which ones it would have run.
  const skipped = outcome === 'dry-run' ? (runbookByName(s.runbook.name)?.changes ?? []).filter((c) => !s.runbook.timeline.some((e) => e.step === c.id)) : [];
  if (skipped.length) entries.push({ at, step: 'dry-run', result: 'dry-run', detail: `would then: ${skipped.map((c) => c.title.charAt(0).toLowerCase() + c.title.slice(1)).join('; ')}` });
  entries.push({ at, step: 'conclude', result: outcome === 'failed' ? 'failed' : 'done', detail: `outcome ${outcome}` });
  return { ...s, runbook: { ...s.runbook, timeline: entries.reduce(appended, s.runbook.timeline) } };
}
