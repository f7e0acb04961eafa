// Warden's side of the peer comparison that needs a fresh process: the whole auto-fix path, cold.
import { CreateStateMachineCommand } from '@aws-sdk/client-sfn';
import { build } from 'esbuild';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { clients } from '../../functions/aws/clients';

export interface WardenCold {
  coldMs: number;
  importMs: Record<string, number>;
  triageMs: number;
  remediateMs: number;
  fixed: boolean;
  failed: unknown;
}

/**
 * Prepare bench/peers/warden-cold.ts: bundled for plain node (packages stay external, resolved from the repo's
 * node_modules), and a stand-in state machine in the emulator for triage's StartExecution. Returns a function that
 * runs one cold fix of `event` in a fresh process. Async on purpose: the Slack sink runs in this process.
 */
export async function wardenColdPath(root: string, bundles: { logicalId: string; file: string }[]) {
  const script = join(root, 'dist', 'bench', 'warden-cold.mjs');
  await build({
    entryPoints: [join(root, 'bench', 'peers', 'warden-cold.ts')], outfile: script, bundle: true, platform: 'node',
    format: 'esm', target: 'es2022', packages: 'external', logLevel: 'warning',
  });
  const machine = await clients.sfn().send(new CreateStateMachineCommand({
    name: 'warden-bench-remediate', roleArn: 'arn:aws:iam::123456789012:role/warden-bench',
    definition: JSON.stringify({ StartAt: 'Wait', States: { Wait: { Type: 'Pass', End: true } } }),
  }));
  const node = join(root, 'node_modules', '.bin', 'node');
  const files = Object.fromEntries(bundles.map((b) => [b.logicalId, b.file]));
  return async (event: unknown): Promise<WardenCold> => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-bench-cold-'));
    try {
      const args = join(dir, 'args.json');
      writeFileSync(args, JSON.stringify({ event, asl: join(root, 'statemachines', 'remediate.asl.json'), bundles: files }));
      const { stdout } = await promisify(execFile)(node, [script, args], {
        env: { ...process.env, STATE_MACHINE_ARN: machine.stateMachineArn! }, maxBuffer: 1 << 20,
      });
      const out = JSON.parse(stdout.trim().split('\n').pop()!) as WardenCold;
      if (!out.fixed) throw new Error(`the cold Warden run did not fix: ${JSON.stringify(out.failed)}`);
      return out;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
