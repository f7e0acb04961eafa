#!/usr/bin/env node
// The `warden` command: runs the TypeScript CLI through tsx (no build step).
import { register } from 'tsx/esm/api';
import { currentNodeProblem } from '../scripts/require-node.mjs';

const wrongNode = currentNodeProblem();
if (wrongNode) {
  process.stderr.write(`warden: ${wrongNode}\n`);
  process.exit(1);
}

// Handlers log through Powertools at INFO; a person at a terminal wants the CLI's own output (set the level to see them).
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
register();
const { main } = await import('../cli/warden.ts');
process.exitCode = await main(process.argv.slice(2));
