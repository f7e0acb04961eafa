// Cloud Custodian as the bench's peer: its own Lambda entry point (c7n.handler.dispatch_event) in a long-lived Python
// child (bench/peers/custodian/driver.py), so that its cold start is measured once and its warm runs apart.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parse } from 'yaml';

/** One line of the driver's output. */
export type DriverMessage =
  | { kind: 'ready'; importMs: number; version: string }
  | { kind: 'run'; ms: number; revokeMs: number | null; awsMs: number; awsBeforeRevokeMs: number | null; calls: Record<string, number>; callMs: Record<string, number> }
  | { kind: 'error'; error: string };

const isNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0;

/** Parse and check one line the driver wrote; anything else is an error with the line in it. */
export function parseDriverLine(line: string): DriverMessage {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw new Error(`custodian driver wrote a line that is not JSON: ${line.slice(0, 200)}`);
  }
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new Error(`custodian driver wrote ${line.slice(0, 200)}`);
  if (typeof o.error === 'string') return { kind: 'error', error: o.error };
  if (o.ready === true && isNumber(o.importMs) && typeof o.version === 'string') return { kind: 'ready', importMs: o.importMs, version: o.version };
  const counts = (x: unknown): x is Record<string, number> => !!x && typeof x === 'object' && !Array.isArray(x) && Object.values(x).every(isNumber);
  const orNull = (x: unknown): x is number | null => x === null || isNumber(x);
  if (isNumber(o.ms) && orNull(o.revokeMs) && isNumber(o.awsMs) && orNull(o.awsBeforeRevokeMs) && counts(o.calls) && counts(o.callMs)) {
    return { kind: 'run', ms: o.ms, revokeMs: o.revokeMs, awsMs: o.awsMs, awsBeforeRevokeMs: o.awsBeforeRevokeMs, calls: o.calls, callMs: o.callMs };
  }
  throw new Error(`custodian driver wrote an unexpected line: ${line.slice(0, 200)}`);
}

/** The policy file as the config.json a deployed Custodian Lambda reads (as c7n's mu.py writes it). */
export function lambdaConfig(policyYaml: string): { 'execution-options': object; policies: unknown[] } {
  const doc = parse(policyYaml) as { policies?: unknown[] } | null;
  if (!doc?.policies?.length) throw new Error('the Custodian policy file has no policies');
  return { 'execution-options': {}, policies: doc.policies };
}

export type CustodianRun = Omit<Extract<DriverMessage, { kind: 'run' }>, 'kind'>;

export interface CustodianPeer {
  /** Time to import c7n.handler in the fresh process; wall time from spawn to ready (includes Python's own start). */
  ready: { importMs: number; spawnMs: number; version: string };
  handle(event: unknown): Promise<CustodianRun>;
  stop(): Promise<void>;
}

/**
 * Install (idempotently) the pinned Custodian venv. Returns its python, or why it is not there: the bench then
 * reports Warden alone and says why.
 */
export function prepareCustodian(root: string): { python: string } | { absent: string } {
  const setup = spawnSync('bash', [join(root, 'scripts', 'setup-venv.sh'), 'custodian'], { encoding: 'utf8' });
  if (setup.status !== 0) {
    const why = `${setup.stderr ?? ''}${setup.error ? String(setup.error) : ''}`.trim().split('\n').filter(Boolean);
    return { absent: `scripts/setup-venv.sh custodian failed: ${(why.find((l) => l.includes('FAILED')) ?? why.at(-1) ?? `exit ${setup.status}`).replace(/^setup-venv: FAILED: /, '')}` };
  }
  const python = join(root, '.venv-custodian', 'bin', 'python');
  return existsSync(python) ? { python } : { absent: `${python} missing after setup` };
}

/** Start the driver against the AWS endpoint (moto) with fake credentials; resolves once c7n is imported. */
export async function startCustodian(opts: { root: string; python: string; endpoint: string }): Promise<CustodianPeer> {
  const dir = join(opts.root, 'bench', 'peers', 'custodian');
  const cwd = mkdtempSync(join(tmpdir(), 'warden-bench-custodian-'));
  writeFileSync(join(cwd, 'config.json'), JSON.stringify(lambdaConfig(readFileSync(join(dir, 'policy.yml'), 'utf8'))));
  const started = performance.now();
  const child = spawn(opts.python, [join(dir, 'driver.py')], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? cwd,
      AWS_ENDPOINT_URL: opts.endpoint, AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_EC2_METADATA_DISABLED: 'true',
      // Quiet like Warden in the bench (POWERTOOLS_LOG_LEVEL=ERROR): no dump of each event to the log.
      C7N_DEBUG_EVENT: 'no',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-4000)));
  child.stdin.on('error', () => undefined);
  const waiting: { ok: (m: DriverMessage) => void; fail: (e: Error) => void }[] = [];
  let dead: Error | undefined;
  const died = (e: Error) => {
    dead ??= e;
    for (const w of waiting.splice(0)) w.fail(dead);
  };
  createInterface({ input: child.stdout }).on('line', (line) => {
    const w = waiting.shift();
    if (!w) return died(new Error(`custodian driver wrote unasked: ${line.slice(0, 200)}`));
    try {
      w.ok(parseDriverLine(line));
    } catch (e) {
      w.fail(e as Error);
    }
  });
  const exited = new Promise<void>((done) => child.once('close', (code, signal) => {
    died(new Error(`custodian driver exited (code ${code}, signal ${signal}): ${stderr.trim().split('\n').slice(-5).join(' | ')}`));
    done();
  }));
  child.once('error', (e) => died(e));
  const next = () => new Promise<DriverMessage>((ok, fail) => (dead ? fail(dead) : waiting.push({ ok, fail })));

  const first = await next();
  if (first.kind !== 'ready') throw new Error(`custodian driver did not start: ${JSON.stringify(first)}`);
  const ready = { importMs: first.importMs, spawnMs: performance.now() - started, version: first.version };
  return {
    ready,
    async handle(event) {
      const reply = next();
      child.stdin.write(JSON.stringify(event) + '\n');
      const m = await reply;
      if (m.kind === 'error') throw new Error(`custodian: ${m.error}`);
      if (m.kind !== 'run') throw new Error(`custodian driver answered ${JSON.stringify(m)}`);
      return m;
    },
    async stop() {
      child.stdin.end();
      const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(killer);
      rmSync(cwd, { recursive: true, force: true });
    },
  };
}
