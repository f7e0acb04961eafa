// `warden sandbox` (and `npm run sandbox`): moto server with the practice account seeded, kept running until
// Ctrl-C, and the commands to practise every runbook, the scan and a live evaluation against it.
import { Command } from 'commander';
import { resetClients } from '../functions/aws/clients';
import { startMoto, useEmulator, type Moto } from '../local/moto';
import { practiceCommands, seedPracticeAccount, type PracticeAccount } from '../local/practice-account';
import { act, exitCodesHelp } from './program';

export interface Sandbox {
  endpoint: string;
  account: PracticeAccount;
  /** What `warden sandbox` prints: where it is, what it holds, what to run. */
  lines: string[];
  stop(): Promise<void>;
}

/** Start moto on loopback and seed it (the SDK of this process then points at it too). */
export async function startSandbox(start: () => Promise<Moto> = () => startMoto()): Promise<Sandbox> {
  const moto = await start();
  try {
    useEmulator(moto.endpoint);
    resetClients(); // clients built before (another emulator) would seed that one
    const account = await seedPracticeAccount();
    const lines = [
      `Warden sandbox: moto server at ${moto.endpoint} (account 123456789012, us-east-1), no AWS account used.`,
      '',
      'It holds:',
      `  security group ${account.openGroup} with SSH open to the world (rule ${account.openRule})`,
      `  ECS cluster payments: standalone task ${account.task}, service ${account.service.split('/').pop()}, container instance on ${account.instance}`,
      `  EKS cluster ${account.eksCluster} (public endpoint), ECR repository ${account.repository} (no scan on push, mutable tags)`,
      '',
      'Practise with (another terminal, in this repository):',
      ...practiceCommands(moto.endpoint, account).map((c) => `  ${c}`),
      '',
      'The sandbox runs until Ctrl-C; its state is gone when it stops.',
    ];
    return { endpoint: moto.endpoint, account, lines, stop: () => moto.stop() };
  } catch (err) {
    await moto.stop();
    throw err;
  }
}

/** `warden sandbox`: the same, as a command of the CLI. */
export function makeSandboxCommand(io: { out: { write(s: string): unknown } }, hold?: () => Promise<void>): Command {
  const cmd = new Command('sandbox')
    .description('start moto server with a practice account seeded (groups, an ECS cluster with a standalone task, a service and a container instance, an EKS cluster, an ECR repository), print its --endpoint and a command per runbook, and keep it running until Ctrl-C')
    .addHelpText('after', exitCodesHelp('0 stopped with Ctrl-C, 1 the emulator could not start (run npm run setup:venv)'));
  return act(cmd, () => sandboxCommand(io, hold));
}

/** The command: print, then hold until SIGINT or SIGTERM. */
export async function sandboxCommand(io: { out: { write(s: string): unknown } }, hold: () => Promise<void> = untilInterrupted): Promise<number> {
  const sandbox = await startSandbox();
  try {
    io.out.write(`${sandbox.lines.join('\n')}\n`);
    await hold();
    return 0;
  } finally {
    await sandbox.stop();
  }
}

const untilInterrupted = () => new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve());
  process.once('SIGTERM', () => resolve());
});

if (import.meta.url === `file://${process.argv[1]}`) {
  sandboxCommand({ out: process.stdout }).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`warden sandbox: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
