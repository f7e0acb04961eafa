// `warden breaker` and `warden pause|resume` with fake edges (the policy parameter in memory): usage, the choice of
// what a release starts, exit codes, pause/resume keeping the rest of the deployed policy, and a push that would resume. The real edges (moto,
// the local state machine) are in test/integration/cli-breaker.test.ts.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { breakerCommand, releaseTarget, type BreakerDeps, type BreakerPorts } from '../../cli/breaker';
import { pauseCommand } from '../../cli/pause';
import { policyCommand, type PolicyStore } from '../../cli/policy';
import { runWarden, writer } from '../support/cli';
import type { HeldEntry } from '../../functions/aws/brakes-table';
import { defaultPolicy, type Policy } from '../../functions/domain/policy';
import type { ReleaseStart } from '../../functions/runbooks/start';

const run = runWarden;

const held = (runId: string, workflow = 'remediate', status: HeldEntry['status'] = 'held'): HeldEntry => ({
  runId, reason: 'limit', why: 'breaker: total 1/1 in 15 min from 10:00Z', heldAt: '2031-01-01T10:01:00.000Z', workflow, control: 'c', resource: 'r', account: '1', status,
});

/** Fake ports: the held list given, every release recorded. */
function fakes(list: HeldEntry[], fail: string[] = [], deployed: Policy | { problem: string } = { problem: 'no parameter /warden/warden/policy' }) {
  const started: { target: string; input: ReleaseStart; id: string }[] = [];
  const ports: BreakerPorts = {
    table: { heldRuns: async () => list, current: async () => ({ counters: [], trips: [] }), reset: async () => ({ counters: [], trips: [] }) },
    caller: async () => 'arn:aws:sts::1:assumed-role/Responder/alice',
    audit: async (a, suffix) => `brakes#${a.action}#${a.at}#${suffix}`,
    deployedPolicy: async () => deployed,
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
    expect(r.stderr).toMatch(/^warden: .+\n\nUsage: warden breaker /);
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

test('status reads the limits and paused from the deployed policy; without one, says so and shows the defaults', async () => {
  const deployed = await breaker(['status'], fakes([], [], defaultPolicy({ paused: true, limits: { total: 7 } })).ports);
  expect(deployed.stdout).toContain('total 7, containment 3 per 15 min  (deployed, /warden/warden/policy)');
  expect(deployed.stdout).toContain('paused     YES: nothing is changed (warden resume)');
  const none = await breaker(['status'], fakes([]).ports);
  expect(none.stdout).toContain('total 50, containment 3 per 15 min  (built-in defaults: no parameter /warden/warden/policy)');
  expect(none.stdout).not.toContain('paused');
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

/** An SSM parameter in memory: every version of each parameter. */
function parameters(initial: Record<string, string> = { '/warden/warden/policy': '{"defaults":{"mode":"approval"},"limits":{"perControl":2}}' }) {
  const params = new Map(Object.entries(initial).map(([k, v]) => [k, [v]]));
  const store: PolicyStore = {
    get: async (name) => (params.has(name) ? { text: params.get(name)!.at(-1)!, version: params.get(name)!.length } : undefined),
    put: async (name, text) => (params.set(name, [...(params.get(name) ?? []), text]), params.get(name)!.length),
  };
  return { params, store };
}

async function pause(args: string[], p = parameters()) {
  const out = writer();
  const err = writer();
  const code = await pauseCommand(args, { store: () => p.store, env: {}, out, err });
  return { code, stdout: out.text(), stderr: err.text(), versions: p.params.get('/warden/warden/policy') ?? [] };
}

describe('warden pause|resume', () => {
  test('pause writes a new version of the deployed policy with paused: true and every other field as it was; again changes nothing', async () => {
    const p = parameters();
    const paused = await pause(['pause'], p);
    expect(paused).toMatchObject({ code: 0, stdout: "/warden/warden/policy: paused: true (was false); functions see it within the stack's PolicyCacheSeconds\n" });
    expect(paused.versions.at(-1)).toBe('{"defaults":{"mode":"approval"},"limits":{"perControl":2},"paused":true}');
    expect((await pause(['pause'], p)).stdout).toBe('/warden/warden/policy: already paused: true: nothing changed\n');
    expect(p.params.get('/warden/warden/policy')).toHaveLength(2);
    const resumed = await pause(['resume', '--stack', 'warden'], p);
    expect(resumed.stdout).toContain('paused: false (was true)');
    expect(resumed.stdout).toContain('runs held while paused stay held');
    expect(resumed.versions.at(-1)).toBe('{"defaults":{"mode":"approval"},"limits":{"perControl":2},"paused":false}');
  });

  test('no such parameter, or a deployed policy that does not validate: refused (exit 1), nothing written', async () => {
    expect(await pause(['pause', '--parameter', '/warden/typo/policy'])).toMatchObject({ code: 1, stderr: 'warden: pause refused: no parameter /warden/typo/policy: there is no deployed policy to change\n' });
    const broken = parameters({ '/warden/warden/policy': '{"limits":{"total":"lots"}}' });
    const r = await pause(['pause'], broken);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^warden: pause refused: the deployed policy does not validate \(fix it with warden policy push\): invalid policy: limits\.total/);
    expect(r.versions).toEqual(['{"limits":{"total":"lots"}}']);
    expect((await run(['pause', 'now'])).code).toBe(2);
  });

  test('warden policy push does not resume a paused Warden by leaving paused out; paused: false in the file resumes', async () => {
    const p = parameters({ '/warden/warden/policy': '{"paused":true}' });
    const push = async (text: string) => {
      const out = writer();
      const err = writer();
      const code = await policyCommand(['push', 'p.yaml'], { store: () => p.store, readFile: () => text, env: {}, out, err });
      return { code, stderr: err.text() };
    };
    const left = await push('defaults: { mode: auto }\n');
    expect(left.code).toBe(1);
    expect(left.stderr).toContain('is paused (warden pause) and p.yaml does not say paused: add "paused: true" to stay paused, or "paused: false" to resume');
    expect(p.params.get('/warden/warden/policy')).toEqual(['{"paused":true}']);
    expect((await push('defaults: { mode: auto }\npaused: true\n')).code).toBe(0);
    expect((await push('paused: false\n')).code).toBe(0);
    expect(p.params.get('/warden/warden/policy')!.at(-1)).toBe('{"paused":false}');
  });
});
