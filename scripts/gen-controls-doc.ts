/**
 * Writes docs/controls.md from the control catalog, and the table of the controls' declared examples in
 * events/README.md (between its GENERATED markers). `--check` writes nothing and exits 1 when either is stale.
 * Usage: npm run docs:controls [-- --check]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { controls } from '../functions/domain/controls';
import { examplesTable, renderControlsDoc } from '../functions/domain/controls/controls-doc';

const BEGIN = '<!-- BEGIN GENERATED control-examples (npm run docs:controls; do not edit by hand) -->';
const END = '<!-- END GENERATED control-examples -->';

/** events/README.md with its generated section rewritten. */
export function eventsReadme(current: string): string {
  const start = current.indexOf(BEGIN);
  const end = current.indexOf(END);
  if (start < 0 || end < start) throw new Error('events/README.md: GENERATED control-examples markers not found');
  return `${current.slice(0, start + BEGIN.length)}\n${examplesTable(controls, true).join('\n')}\n${current.slice(end)}`;
}

const read = (path: string) => { try { return readFileSync(path, 'utf8'); } catch { return ''; } };
const docPath = fileURLToPath(new URL('../docs/controls.md', import.meta.url));
export const readmePath = fileURLToPath(new URL('../events/README.md', import.meta.url));

if (import.meta.url === `file://${process.argv[1]}`) {
  const outputs: [path: string, name: string, text: string][] = [
    [docPath, 'docs/controls.md', renderControlsDoc(controls)],
    [readmePath, 'events/README.md', eventsReadme(read(readmePath))],
  ];
  if (process.argv.includes('--check')) {
    const stale = outputs.filter(([path, , text]) => read(path) !== text).map(([, name]) => name);
    if (stale.length) {
      console.error(`${stale.join(', ')} stale: run \`npm run docs:controls\``);
      process.exit(1);
    }
    console.log('docs/controls.md and events/README.md are up to date');
  } else {
    for (const [path, , text] of outputs) writeFileSync(path, text);
    console.log(`wrote docs/controls.md (${controls.length} controls) and the examples table of events/README.md`);
  }
}
