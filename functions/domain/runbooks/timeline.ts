import type { TimelineEntry } from './model';

/** The timeline with one more entry (never mutates). */
export const appended = (timeline: readonly TimelineEntry[] | undefined, entry: TimelineEntry): TimelineEntry[] => [...(timeline ?? []), entry];

/** One line per entry, for the CLI, the notification and the runbook pages: "12:01:03Z  stop-task  done  …  (by alice)". */
export function timelineLines(timeline: readonly TimelineEntry[] | undefined): string[] {
  return (timeline ?? []).map((e) => `${e.at}  ${e.step}  ${e.result.toUpperCase()}  ${e.detail}${e.by ? `  (by ${e.by})` : ''}`);
}
