/**
 * Local AWS emulator: starts moto server (installed into <repo>/.venv by `npm run setup:venv`)
 * on a free loopback port, for tests, the demo and the bench. No AWS account is needed.
 *
 * moto is run as `.venv/bin/python -c <watchdog> .venv/bin/moto_server -H 127.0.0.1 -p <port>`:
 * the watchdog runs the moto_server script in-process and exits as soon as our end of its stdin
 * pipe closes, so moto never outlives this Node process, even when Node is killed with SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Moto {
  /** e.g. http://127.0.0.1:45123 */
  endpoint: string;
  port: number;
  /** Wipe every backend (POST /moto-api/reset) and re-apply the state transitions Warden relies on. */
  reset(): Promise<void>;
  /** Stop the server; resolves once the process has exited. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartMotoOptions {
  /** true (the default): keep moto's request log to ourselves (only its tail is shown on failure); false: forward it to stderr. */
  quiet?: boolean;
  /** How long to wait for moto to answer, in ms (default 30 000). */
  timeoutMs?: number;
}

const HOST = '127.0.0.1';
const STDERR_TAIL = 4000;

/**
 * DynamoDB's item writes and transactions are atomic; moto's are not under its threaded server (a transaction checks
 * its conditions, writes, and on a failed condition restores a copy of the whole table, which can undo another
 * request's write). One lock around moto's DynamoDB operations makes concurrent requests behave as on AWS, so tests
 * may race conditional writes (the breaker's counters) against it.
 */
const SERIALIZE_DYNAMODB = [
  'from moto.dynamodb.models import DynamoDBBackend as _Ddb',
  '_ddb_lock = threading.RLock()',
  'def _serialized(fn):',
  '    def run(*args, **kwargs):',
  '        with _ddb_lock:',
  '            return fn(*args, **kwargs)',
  '    return run',
  "for _op in ('put_item', 'get_item', 'update_item', 'delete_item', 'query', 'scan', 'transact_write_items'):",
  '    setattr(_Ddb, _op, _serialized(getattr(_Ddb, _op)))',
];

/**
 * Runs argv[1] (the moto_server script) as __main__ and exits when stdin reaches EOF (parent gone); DynamoDB
 * operations serialized as above.
 */
const WATCHDOG = [
  'import os, runpy, sys, threading',
  ...SERIALIZE_DYNAMODB,
  'def _watch():',
  '    try:',
  '        while sys.stdin.buffer.read(65536):',
  '            pass',
  '    finally:',
  '        os._exit(0)',
  'threading.Thread(target=_watch, daemon=True).start()',
  'script = sys.argv[1]',
  'sys.argv = [script] + sys.argv[2:]',
  "runpy.run_path(script, run_name='__main__')",
].join('\n');

/** Every transition Warden's flows depend on; re-applied after each reset. */
const TRANSITIONS: { model_name: string; transition: Record<string, unknown> }[] = [
  // ECS tasks stay in the state they are in (RUNNING after RunTask) until something stops them, as on AWS; by default
  // moto would advance them one state per Describe call, and "immediate" would stop them right after RunTask.
  { model_name: 'ecs::task', transition: { progression: 'manual', times: 1_000_000 } },
];

function candidateRoots(): string[] {
  const roots: string[] = [];
  try {
    // local/moto.ts -> the repo root is one level up.
    roots.push(resolve(dirname(fileURLToPath(import.meta.url)), '..'));
  } catch {
    /* bundled or transformed without import.meta.url: fall back to cwd */
  }
  roots.push(process.cwd());
  return roots;
}

/** The repo root: the first of (this file's repo, cwd and their parents) that holds .venv/bin/moto_server. */
export function findRepoRoot(): { root: string; motoServer: string | undefined } {
  const roots = candidateRoots();
  for (const start of roots) {
    let dir = start;
    for (;;) {
      const bin = join(dir, '.venv', 'bin', 'moto_server');
      if (existsSync(bin)) return { root: dir, motoServer: bin };
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return { root: roots[0] ?? process.cwd(), motoServer: undefined };
}

/** A port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', fail);
    srv.listen(0, HOST, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port > 0 ? ok(port) : fail(new Error('could not get a free port'))));
    });
  });
}

// Every live moto child, killed synchronously if this process exits without stopping them.
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) {
      try {
        child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
}

async function post(endpoint: string, path: string, body?: unknown): Promise<void> {
  const res = await fetch(`${endpoint}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? '' : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`moto ${path} answered ${res.status}: ${text.slice(0, 500)}`);
}

async function applyTransitions(endpoint: string): Promise<void> {
  for (const t of TRANSITIONS) await post(endpoint, '/moto-api/state-manager/set-transition', t);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

class MotoDied extends Error {}

async function startOnce(python: string, motoServer: string, root: string, opts: StartMotoOptions): Promise<Moto> {
  const port = await freePort();
  const endpoint = `http://${HOST}:${port}`;
  const quiet = opts.quiet ?? true;
  const timeoutMs = opts.timeoutMs ?? 30_000;

  const child = spawn(python, ['-c', WATCHDOG, motoServer, '-H', HOST, '-p', String(port)], {
    cwd: root,
    // MOTO_PORT lets moto's Step Functions interpreter call back into this same server.
    env: { ...process.env, MOTO_PORT: String(port), PYTHONUNBUFFERED: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  live.add(child);
  installExitHook();

  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-STDERR_TAIL);
    if (!quiet) process.stderr.write(chunk);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.stdin?.on('error', () => undefined); // EPIPE if it died first

  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitPromise = new Promise<void>((done) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      live.delete(child);
      done();
    });
    child.once('error', (err) => {
      tail += `\n${String(err)}`;
      exited = exited ?? { code: -1, signal: null };
      live.delete(child);
      done();
    });
  });

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) {
      throw new MotoDied(
        `moto_server exited before answering (code ${exited.code}, signal ${exited.signal}) on port ${port}.\n` +
          `--- moto output (tail) ---\n${tail.trim()}`,
      );
    }
    try {
      const res = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await exitPromise;
      throw new Error(
        `moto_server did not answer ${endpoint}/moto-api/ within ${timeoutMs} ms.\n--- moto output (tail) ---\n${tail.trim()}`,
      );
    }
    await sleep(100);
  }

  // Do not let a forgotten stop() keep the event loop (and so jest or a CLI) alive.
  child.unref();
  for (const s of [child.stdin, child.stdout, child.stderr]) (s as unknown as { unref?: () => void } | null)?.unref?.();

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (exited) return;
      // The watchdog sees EOF and calls os._exit at once (~10 ms). Do not send SIGTERM: moto's handler
      // raises SystemExit, and shutdown then aborts (SIGABRT after ~1 s) on the thread blocked reading stdin.
      child.stdin?.end();
      const killer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exitPromise;
      clearTimeout(killer);
    })();
    return stopping;
  };

  try {
    await applyTransitions(endpoint);
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    endpoint,
    port,
    async reset() {
      await post(endpoint, '/moto-api/reset');
      await applyTransitions(endpoint);
    },
    stop,
  };
}

/** Start moto server on a free 127.0.0.1 port and wait until it answers. */
export async function startMoto(opts: StartMotoOptions = {}): Promise<Moto> {
  const { root, motoServer } = findRepoRoot();
  if (!motoServer) throw new Error('moto is not installed: run npm run setup:venv');
  const python = join(dirname(motoServer), 'python');
  if (!existsSync(python)) throw new Error('moto is not installed: run npm run setup:venv');

  // The free port can be taken between probing and binding: retry a couple of times on early death.
  let last: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(python, motoServer, root, opts);
    } catch (err) {
      last = err;
      if (!(err instanceof MotoDied) || !/Address already in use/i.test(err.message)) throw err;
    }
  }
  throw last;
}

/**
 * Point every AWS SDK v3 client constructed from now on at `endpoint`, with dummy credentials in us-east-1.
 * Construct clients after calling this.
 */
export function useEmulator(endpoint: string): void {
  process.env.AWS_ENDPOINT_URL = endpoint;
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_DEFAULT_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'testing';
  process.env.AWS_SECRET_ACCESS_KEY = 'testing';
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
}
