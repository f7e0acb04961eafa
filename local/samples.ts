/**
 * Every sample event in events/ with its expected offline decision and routing: the entries of
 * test/fixtures/events.manifest.json, and the examples controls declare (`Control.examples`). The sample tests, the
 * CLI test and the bench read this one list.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { controls } from '../functions/domain/controls';
import type { ControlExample } from '../functions/domain/controls/control';
import { repoRoot } from './template';

export interface SampleEntry {
  /** Path under events/. */
  file: string;
  routed: boolean;
  expect: ControlExample['expect'];
}

export const manifestPath = join(repoRoot, 'test', 'fixtures', 'events.manifest.json');

/** The controls' declared examples, as entries. */
export const controlExamples = (): SampleEntry[] =>
  controls.flatMap((c) => (c.examples ?? []).map(({ event, routed, expect }) => ({ file: event, routed, expect })));

/** The manifest's entries, then the controls' examples. */
export function sampleEntries(): SampleEntry[] {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as SampleEntry[];
  return [...manifest, ...controlExamples()];
}

/**
 * A sample from events/ as an event for a test or the bench: its text with each `replace` key replaced by its value,
 * in order (e.g. the documentation's account and resource ids by the emulator's), then parsed.
 */
export function sampleEvent<T = unknown>(file: string, replace: Record<string, string> = {}): T {
  let text = readFileSync(join(repoRoot, 'events', file), 'utf8');
  for (const [from, to] of Object.entries(replace)) text = text.split(from).join(to);
  return JSON.parse(text) as T;
}
