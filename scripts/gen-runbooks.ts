/**
 * Writes statemachines/runbooks/<name>.asl.json from the runbook catalog. `--check` writes nothing and exits 1
 * when a file is stale or missing. Usage: npm run gen:runbooks [-- --check]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runbookAsl } from '../functions/domain/runbooks/asl';
import { runbooks } from '../functions/domain/runbooks/catalog';

const dir = fileURLToPath(new URL('../statemachines/runbooks/', import.meta.url));
const check = process.argv.includes('--check');
const stale: string[] = [];
mkdirSync(dir, { recursive: true });
for (const r of runbooks) {
  const file = `${dir}${r.name}.asl.json`;
  const fresh = `${JSON.stringify(runbookAsl(r), null, 2)}\n`;
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // missing counts as stale
  }
  if (current === fresh) continue;
  if (check) stale.push(r.name);
  else writeFileSync(file, fresh);
}
if (check && stale.length) {
  console.error(`stale runbook state machines: ${stale.join(', ')}: run \`npm run gen:runbooks\``);
  process.exit(1);
}
console.log(check ? 'runbook state machines are up to date' : `wrote ${runbooks.length} runbook state machines`);
