// Every `warden` command and subcommand is a commander Command: --help (and `warden [command] help <subcommand>`) exits 0 with its
// usage and exit codes; an unknown option or a missing argument is a usage error, exit 2, with that command's help.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { program } from '../../cli/warden';
import { runWarden } from '../support/cli';
import { EXIT } from '../../cli/program';

const run = runWarden;

/** Every command path under `warden`: ['evaluate'], ['policy'], ['policy', 'validate'], … (not commander's `help`). */
const paths = (cmd: Command, prefix: string[] = []): string[][] =>
  cmd.commands.filter((c) => c.name() !== 'help').flatMap((c) => [[...prefix, c.name()], ...paths(c, [...prefix, c.name()])]);
const all = paths(program({ out: { write: () => true }, err: { write: () => true } }));
const leaves = all.filter((p) => !all.some((q) => q.length > p.length && p.every((w, i) => q[i] === w)));

test('the commands are the ones the CLI has always had, and report and sandbox', () => {
  expect(all.map((p) => p.join(' '))).toEqual([
    'evaluate', 'scan', 'approve', 'deny', 'runbook', 'runbook list', 'runbook run', 'audit', 'audit show',
    'exemptions', 'exemptions list', 'policy', 'policy validate', 'policy schema', 'policy show', 'policy push',
    'breaker', 'breaker status', 'breaker release', 'breaker reset', 'pause', 'resume', 'report', 'sandbox',
  ]);
});

test.each(all.map((p) => [p.join(' '), p] as const))('warden %s --help: exit 0, its usage and its exit codes on stdout', async (_, path) => {
  const r = await run([...path, '--help']);
  expect(r).toMatchObject({ code: EXIT.done, stderr: '' });
  expect(r.stdout).toMatch(new RegExp(`^Usage: warden ${path.join(' ')} `));
  expect(r.stdout).toMatch(/\nExit codes: 0 /);
  // `warden help scan`, `warden policy help push`: the same help.
  expect((await run([...path.slice(0, -1), 'help', path.at(-1)!])).stdout).toBe(r.stdout);
});

test.each(leaves.map((p) => [p.join(' '), p] as const))('warden %s --bogus: usage error, exit 2, with its help', async (_, path) => {
  const r = await run([...path, '--bogus']);
  expect(r.code).toBe(EXIT.usage);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(new RegExp(`^warden: unknown option '--bogus'\\n\\nUsage: warden ${path.join(' ')} `));
});

test.each([
  [['evaluate'], "missing required argument 'paths'"],
  [['approve'], "missing required argument 'approval-id'"],
  [['runbook', 'run'], "missing required argument 'name'"],
  [['audit', 'show'], "missing required argument 'id'"],
  [['policy', 'push'], "missing required argument 'file'"],
  [['pause', 'now'], "too many arguments for 'pause'"],
  [['scan', '--region'], "option '--region <region>' argument missing"],
  [['runbook'], 'warden runbook needs a command: list, run'],
  [['frobnicate'], "unknown command 'frobnicate'"],
  [['help', 'frobnicate'], "unknown command 'frobnicate'"],
  [['policy', 'help', 'frob'], "unknown command 'frob'"],
  [[], 'warden needs a command: evaluate, scan, '],
])('%j: exit 2, says what is wrong', async (args, message) => {
  const r = await run(args);
  expect(r.code).toBe(EXIT.usage);
  expect(r.stderr.split('\n')[0]).toContain(`warden: ${message}`);
  expect(r.stderr).toContain('\nUsage: warden');
});

test('--version and -V print the version of package.json, exit 0', async () => {
  const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
  expect(await run(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  expect((await run(['-V'])).stdout).toBe(`${version}\n`);
});

test('README.md has the exit-code table the commands follow', () => {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('### Exit codes'), readme.indexOf('\n#', readme.indexOf('### Exit codes') + 5));
  for (const [name, code] of Object.entries(EXIT)) expect(section).toMatch(new RegExp(`^\\| ${code} \\| ${name} \\|`, 'm'));
});
