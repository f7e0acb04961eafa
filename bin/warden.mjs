#!/usr/bin/env node
// The `warden` command: runs the TypeScript CLI through tsx (no build step).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../functions/cli/warden.ts');
process.exitCode = await main(process.argv.slice(2));
