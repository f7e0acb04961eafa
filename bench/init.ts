// Cold init: a fresh Node 22 process imports a bundle's entry; median of 7 runs (time inside the process, import
// only; chunks loaded on first use are not included). Part of `npm run bench`; alone: `npm run bench:init [LogicalId…]`
// builds every function (scripts/build.ts) and times the ones named (all by default).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../local/template';
import { buildAll } from '../scripts/build';
import { quantile, round } from './peers/summary';

const node = join(repoRoot, 'node_modules', '.bin', 'node');

export function init(bundles: { logicalId: string; file: string }[], runs = 7) {
  const script = (f: string) => `const t = performance.now(); await import(${JSON.stringify(f)}); process.stdout.write(String(performance.now() - t));`;
  return Object.fromEntries(bundles.map((b) => {
    const ms = Array.from({ length: runs }, () => Number(execFileSync(node, ['--input-type=module', '-e', script(b.file)], { env: { ...process.env, AWS_REGION: 'us-east-1' } })));
    return [b.logicalId, { medianMs: round(quantile(ms, 0.5)), minMs: round(Math.min(...ms)) }];
  }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const only = process.argv.slice(2);
  const bundles = (await buildAll()).filter((b) => only.length === 0 || only.includes(b.logicalId));
  const times = init(bundles);
  for (const b of bundles) {
    const t = times[b.logicalId]!;
    console.log(`${b.logicalId.padEnd(28)} ${String(t.medianMs).padStart(6)} ms median (min ${t.minMs})  entry ${(b.bytes / 1024).toFixed(0)} KB`);
  }
}
