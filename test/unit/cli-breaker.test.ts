// `warden breaker` and `warden pause|resume` with fake edges and policy files in a temporary directory: usage, the
// choice of what a release starts, exit codes, and pause/resume keeping the rest of the file. The real edges (moto,
// the local state machine) are in test/integration/cli-breaker.test.ts.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { breakerCommand, releaseTarget, type BreakerDeps, type BreakerPorts } from '../../cli/breaker';
import { main } from '../../cli/warden';
import type { HeldEntry } from '../../functions/aws/brakes-table';
import type { ReleaseStart } from '../../functions/runbooks/start';

function writer() {
  let text = '';
  return { write: (s: string) => ((text += s), true), text: () => text };
}

async function run(args: string[]) {
  const out = writer();
  const err = writer();
  const code = await main(args, out as never, err as never);
  return { code, stdout: out.text(), stderr: err.text() };
}

const held = (runId: string, workflow = 'remediate', status: HeldEntry['status'] = 'held'): HeldEntry => ({
  runId, reason: 'limit', why: 'breaker: total 1/1 in 15 min from 10:00Z', heldAt: '2031-01-01T10:01:00.000Z', workflow, control: 'c', resource: 'r', account: '1', status,
});

/** Fake ports: the held list given, every release recorded. */
function fakes(list: HeldEntry[], fail: string[] = []) {
  const started: { target: string; input: ReleaseStart; id: string }[] = [];
  const ports: BreakerPorts = {
    table: { heldRuns: async () => list, current: async () => ({ counters: [], trips: [] }), reset: async () => ({ counters: [], trips: [] }) },
    caller: async () => 'arn:aws:sts::1:assumed-role/Responder/alice',
    audit: async (a, suffix) => `brakes#${a.action}#${a.at}#${suffix}`,
    release: async (h, input, id) => {
      if (fail.includes(h.runId)) throw new Error('StartExecution refused');
      started.push({ target: releaseTarget(h), input: input('arn:aws:sts::1:assumed-role/Responder/alice'), id });
      return { executionArn: `arn:aws:states:us-east-1:1:execution:warden-${releaseTarget(h)}:${id}`, exit: 0 };
    },
  };
  return { ports, started };
}

async function breaker(args: string[], ports: BreakerPorts, env: NodeJS.ProcessEnv = { BRAKES_TABLE: 'b', AUDIT_TABLE: 'a' }) {
  const out = writer();
  const err = writer();
  const deps: BreakerDeps = { ports: async () => ports, env, out, err, now: () => new Date('2031-01-01T10:01:00Z'), suffix: () => 'abc123' };
  const code = await breakerCommand(args, deps);
  return { code, stdout: out.text(), stderr: err.text() };
}

test('usage errors exit 2 with the breaker usage', async () => {
  for (const args of [['breaker'], ['breaker', 'trip'], ['breaker', 'release'], ['breaker', 'release', '--all', 'x'], ['breaker', 'release', 'a', 'b'], ['breaker', 'status', '--approve-as', 'bob']]) {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('usage: warden breaker status');
  }
  const noTable = await run(['breaker', 'status']);
  expect(noTable.stderr).toContain('set BRAKES_TABLE');
});

test('a remediation is released through the remediate hand entry, a runbook run through its runbook, as the caller, with the reason', async () => {
  const f = fakes([held('run-1'), held('run-2', 'contain-ecs-task'), held('run-0', 'remediate', 'released')]);
  const r = await breaker(['release', '--all', '--reason', 'IR-9'], f.ports);
  expect(r.code).toBe(0);
  expect(f.started).toEqual([
    { target: 'revoke-open-ingress', id: 'release-20310101T100100-abc123', input: { release: 'run-1', requestedBy: 'arn:aws:sts::1:assumed-role/Responder/alice', reason: 'IR-9' } },
    { target: 'contain-ecs-task', id: 'release-20310101T100100-abc123', input: { release: 'run-2', requestedBy: 'arn:aws:sts::1:assumed-role/Responder/alice', reason: 'IR-9' } },
  ]);
  expect(r.stdout).toContain('released run-1 as release-20310101T100100-abc123 (revoke-open-ingress)\n  execution  arn:aws:states:us-east-1:1:execution:warden-revoke-open-ingress:');
  expect(r.stdout).toContain('follow each with: warden audit show <id>');
});

test('release exits 1 for a run that is not held or could not be started; --all with none held is fine', async () => {
  const f = fakes([held('run-1'), held('run-0', 'remediate', 'released')], ['run-1']);
  expect(await breaker(['release', 'nope'], f.ports)).toMatchObject({ code: 1, stderr: 'warden: no held run nope\n' });
  expect((await breaker(['release', 'run-0'], f.ports)).stderr).toMatch(/^warden: run-0 is not held: released by/);
  expect(await breaker(['release', 'run-1'], f.ports)).toMatchObject({ code: 1, stderr: 'warden: run-1 not released: StartExecution refused\n' });
  expect(await breaker(['release', '--all'], fakes([]).ports)).toMatchObject({ code: 0, stdout: 'no held runs\n' });
});

test('status reads the limits and paused from --policy; reset needs the audit table', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-breaker-'));
  writeFileSync(join(dir, 'policy.yaml'), 'paused: true\nlimits: { perControl: 2, windowMinutes: 60 }\n');
  const r = await breaker(['status', '--policy', join(dir, 'policy.yaml')], fakes([held('run-1')]).ports);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('window     60 min from 10:00Z (to 11:00Z)');
  expect(r.stdout).toContain(`per control 2, total 50, containment 3 per 60 min  (policy ${join(dir, 'policy.yaml')})`);
  expect(r.stdout).toContain('paused     YES');
  await expect(breaker(['reset'], fakes([]).ports, { BRAKES_TABLE: 'b' })).rejects.toThrow('set AUDIT_TABLE');
  expect((await breaker(['reset'], fakes([]).ports)).stdout).toContain('breaker reset by arn:aws:sts::1:assumed-role/Responder/alice: nothing to clear in this window\nrecorded in the audit table as brakes#reset#2031-01-01T10:01:00.000Z#abc123');
});

describe('warden pause|resume --policy-file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-pause-'));

  test('YAML: paused set and cleared, comments and every other field kept; already so changes nothing', async () => {
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, '# our policy\ndefaults: { mode: approval } # careful\nlimits:\n  perControl: 2\n');
    const paused = await run(['pause', '--policy-file', file]);
    expect(paused).toMatchObject({ code: 0, stdout: `${file}: paused: true (was false); deploy it for the change to apply\n` });
    expect(readFileSync(file, 'utf8')).toBe('# our policy\ndefaults: { mode: approval } # careful\nlimits:\n  perControl: 2\npaused: true\n');
    expect((await run(['pause', '--policy-file', file])).stdout).toBe(`${file}: already paused: true: nothing changed\n`);
    const resumed = await run(['resume', '--policy-file', file]);
    expect(resumed.stdout).toContain('paused: false (was true)');
    expect(resumed.stdout).toContain('runs held while paused stay held');
    expect(readFileSync(file, 'utf8')).toContain('# careful\nlimits:\n  perControl: 2\npaused: false\n');
  });

  test('JSON stays JSON; a policy that does not validate is refused and left alone; the file is required', async () => {
    const file = join(dir, 'policy.json');
    writeFileSync(file, '{"defaults": {"mode": "auto"}}\n');
    expect((await run(['pause', '--policy-file', file])).code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ defaults: { mode: 'auto' }, paused: true });
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'limits: { total: lots }\n');
    const refused = await run(['pause', '--policy-file', bad]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('limits.total');
    expect(readFileSync(bad, 'utf8')).toBe('limits: { total: lots }\n');
    const missing = await run(['resume']);
    expect(missing).toMatchObject({ code: 2 });
    expect(missing.stderr).toContain('resume needs --policy-file FILE');
  });
});
