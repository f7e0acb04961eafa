// How every `warden` command is parsed and run (commander): one exit-code table, usage errors with the command's
// help, and no stack trace ever printed (cli/errors.ts says what failed and what to do).
import { Command, CommanderError } from 'commander';
import { errorLine } from './errors';

export type Writer = { write(s: string): unknown };
export interface Io { out: Writer; err: Writer }

/** The exit codes of every command (README.md, "Exit codes"); `warden evaluate` exits 0 whatever it found. */
export const EXIT = { done: 0, failed: 1, usage: 2, incomplete: 3 } as const;

/** A mistake in how a command was called: exit 2, with the command's help. */
export class UsageError extends Error {
  override name = 'UsageError';
  /** The help of the command that was called wrongly (set when it is known). */
  help?: string;
}

/** The help's closing line: what this command's exit codes mean. */
export const exitCodesHelp = (text: string) => `\nExit codes: ${text}.\n`;

const codes = new WeakMap<Command, number>();
const rootOf = (cmd: Command): Command => (cmd.parent ? rootOf(cmd.parent) : cmd);

/** `cmd.action(fn)`, where `fn` returns the exit code (commander's own arguments: positionals, options, command). */
export function act(cmd: Command, fn: (...args: never[]) => Promise<number>): Command {
  return cmd.action(async (...args: unknown[]) => void codes.set(rootOf(cmd), await fn(...(args as never[]))));
}

/** `warden runbook run`: the words a person types. */
export const commandPath = (cmd: Command | undefined): string =>
  cmd ? [...(cmd.parent ? [commandPath(cmd.parent)] : []), cmd.name()].join(' ') : 'warden';

const columns = (w: Writer): number | undefined => ((w as { isTTY?: boolean }).isTTY ? (w as { columns?: number }).columns : undefined);

interface State { active?: Command; failed?: Command; errText: string }

/** Commander reports to us instead of exiting; help goes to `io.out`, error output is kept for the usage message. */
function configure(cmd: Command, io: Io, state: State): void {
  cmd.exitOverride();
  cmd.configureOutput({
    writeOut: (s) => void io.out.write(s),
    writeErr: (s) => {
      state.failed = cmd;
      state.errText += s;
    },
    outputError: () => void (state.failed = cmd),
    getOutHelpWidth: () => columns(io.out) ?? 80,
    getErrHelpWidth: () => columns(io.err) ?? 80,
    getOutHasColors: () => false,
    getErrHasColors: () => false,
  });
  for (const sub of cmd.commands) configure(sub, io, state);
}

/** The full help of a command, as `--help` prints it (text added with addHelpText included). */
function helpOf(cmd: Command, state: State): string {
  state.errText = '';
  cmd.outputHelp({ error: true });
  return state.errText;
}

async function parse(root: Command, args: string[], io: Io, state: State): Promise<number> {
  configure(root, io, state);
  root.hook('preAction', (_root, action) => void (state.active = action));
  try {
    await root.parseAsync(args, { from: 'user' });
    return codes.get(root) ?? EXIT.done;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return EXIT.done; // --help, help, --version
      const at = state.failed ?? root;
      // A command with subcommands called without one (or `help <unknown>`) prints its help as the error: say why.
      const asked = args[args.lastIndexOf('help') + 1];
      const names = at.commands.map((c) => c.name()).filter((n) => n !== 'help');
      const message = e.code !== 'commander.help'
        ? e.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ')
        : args.includes('help') && asked && !names.includes(asked)
          ? `unknown command '${asked}'`
          : `${commandPath(at)} needs a command: ${names.join(', ')}`;
      const usage = new UsageError(message);
      usage.help = helpOf(at, state);
      throw usage;
    }
    if (e instanceof UsageError && e.help === undefined) e.help = helpOf(state.active ?? root, state);
    throw e;
  }
}

/** Parse and run one command tree; usage errors are thrown as UsageError (with the help), other errors as they are. */
export const parseCommand = (root: Command, args: string[], io: Io): Promise<number> => parse(root, args, io, { errText: '' });

/** Parse and run, reporting every error on stderr: a usage error with the help (exit 2), anything else in one line (exit 1). */
export async function runProgram(root: Command, args: string[], io: Io): Promise<number> {
  const state: State = { errText: '' };
  try {
    return await parse(root, args, io, state);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err.write(`warden: ${e.message}\n${e.help ? `\n${e.help}` : ''}`);
      return EXIT.usage;
    }
    io.err.write(`${errorLine(e, commandPath(state.active))}\n`);
    return EXIT.failed;
  }
}
