/**
 * Writes docs/controls.md from the control catalog. `--check` writes nothing and exits 1 when the file is stale.
 * Usage: npm run docs:controls [-- --check]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { controls } from '../functions/domain/controls';
import { renderControlsDoc } from '../functions/domain/controls/controls-doc';

const target = fileURLToPath(new URL('../docs/controls.md', import.meta.url));
const fresh = renderControlsDoc(controls);

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // missing counts as stale
  }
  if (current !== fresh) {
    console.error('docs/controls.md is stale: run `npm run docs:controls`');
    process.exit(1);
  }
  console.log('docs/controls.md is up to date');
} else {
  writeFileSync(target, fresh);
  console.log(`wrote docs/controls.md (${controls.length} controls)`);
}
