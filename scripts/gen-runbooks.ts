/**
 * Writes every generated state machine: statemachines/runbooks/<name>.asl.json from the runbook catalog,
 * statemachines/remediate.asl.json from the remediate workflow's builder and statemachines/sweep.asl.json from the
 * sweep's (the same frame). `--check` writes nothing
 * and exits 1 when a file is stale or missing. Usage: npm run gen:runbooks [-- --check]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { remediateAsl } from '../functions/domain/asl/remediate';
import { sweepAsl } from '../functions/domain/asl/sweep';
import { runbookAsl } from '../functions/domain/runbooks/asl';
import { runbooks } from '../functions/domain/runbooks/catalog';

const root = fileURLToPath(new URL('../statemachines/', import.meta.url));
const check = process.argv.includes('--check');
const stale: string[] = [];
mkdirSync(`${root}runbooks`, { recursive: true });
const files: [string, Record<string, unknown>][] = [
  ['remediate.asl.json', remediateAsl()],
  ['remediate-by-hand.asl.json', remediateAsl('hand')],
  ['sweep.asl.json', sweepAsl()],
  ...runbooks.map((r): [string, Record<string, unknown>] => [`runbooks/${r.name}.asl.json`, runbookAsl(r)]),
];
for (const [name, asl] of files) {
  const file = `${root}${name}`;
  const fresh = `${JSON.stringify(asl, null, 2)}\n`;
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // missing counts as stale
  }
  if (current === fresh) continue;
  if (check) stale.push(name);
  else writeFileSync(file, fresh);
}
if (check && stale.length) {
  console.error(`stale state machines: ${stale.join(', ')}: run \`npm run gen:runbooks\``);
  process.exit(1);
}
console.log(check ? 'state machines are up to date' : `wrote ${files.length} state machines (remediate, sweep and ${runbooks.length} runbooks)`);
