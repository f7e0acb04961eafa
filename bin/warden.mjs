#!/usr/bin/env node
// The `warden` command: runs the TypeScript CLI through tsx (no build step).
import { register } from 'tsx/esm/api';
import { currentNodeProblem } from '../scripts/require-node.mjs';

const wrongNode = currentNodeProblem();
if (wrongNode) {
  process.stderr.write(`warden: ${wrongNode}\n`);
  process.exit(1);
}

// Local runs (--endpoint) run the handlers in this process: their Powertools JSON logs and EMF metric lines would mix
// with the CLI's own output (and break --json). Set POWERTOOLS_LOG_LEVEL / POWERTOOLS_METRICS_DISABLED to see them.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
register();
const { main } = await import('../cli/warden.ts');
process.exitCode = await main(process.argv.slice(2));
