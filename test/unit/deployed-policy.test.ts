// The deployed policy loader (functions/runtime/deployed-policy.ts): a refused version is never half-applied; the last
// good one stays, or with none every mode is dry-run; each refusal logs the line the alarm counts. The document store
// and the clock are in-memory here (the moto path: test/integration/policy-document.test.ts).
import type { PolicyDocument } from '../../functions/aws/policy-parameter';
import { decideRunMode } from '../../functions/domain/policy';
import { documentHash } from '../../functions/domain/policy/version';
import { maxAgeSeconds, policyLoader, POLICY_REJECTED } from '../../functions/runtime/deployed-policy';
import { captureOutput } from '../support/capture';

const NAME = '/warden/test/policy';

/** A parameter in memory: each put is a new version; `fail` makes reads throw. */
function store(first: string) {
  const versions = [first];
  let fail: Error | undefined;
  const reads: boolean[] = [];
  return {
    put: (text: string) => versions.push(text),
    failWith: (e: Error | undefined) => {
      fail = e;
    },
    reads,
    read: async (_name: string, opts: { forceFetch: boolean }): Promise<PolicyDocument> => {
      reads.push(opts.forceFetch);
      if (fail) throw fail;
      return { text: versions.at(-1)!, version: versions.length };
    },
  };
}

function loader(s: ReturnType<typeof store>, env: NodeJS.ProcessEnv = {}, maxAge = 60) {
  let now = 1_000_000;
  const l = policyLoader({ parameter: NAME, maxAgeSeconds: maxAge, read: s.read, now: () => now, env });
  return { current: () => l.current(), advance: (seconds: number) => (now += seconds * 1000) };
}

/** The log lines written while `fn` ran, parsed. */
async function logs(fn: () => Promise<void>): Promise<Record<string, unknown>[]> {
  const out = await captureOutput(fn);
  return out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
}
const rejections = (lines: Record<string, unknown>[]) => lines.filter((l) => l.message === POLICY_REJECTED);

test('a valid document is used with its version and hash, and read again only after the cache period', async () => {
  const s = store('{"defaults":{"mode":"notify"}}');
  const l = loader(s);
  const first = await l.current();
  expect(first.policy.defaults.mode).toBe('notify');
  expect(first.version).toEqual({ parameter: NAME, version: 1, hash: documentHash('{"defaults":{"mode":"notify"}}'), status: 'current' });
  s.put('{"defaults":{"mode":"approval"}}');
  l.advance(59);
  expect((await l.current()).version?.version).toBe(1); // still cached
  l.advance(1);
  const next = await l.current();
  expect([next.policy.defaults.mode, next.version?.version]).toEqual(['approval', 2]);
  // Two reads: the first, then a forced one when the period ended (Powertools' cache is bypassed then).
  expect(s.reads).toEqual([false, true]);
});

test('an invalid version is refused whole: the last good version stays in use, and every refusal is logged', async () => {
  const s = store('{"defaults":{"mode":"approval"},"owners":{"fallback":"#sec"}}');
  const l = loader(s);
  await l.current();
  // Half of this is fine (owners), half is not (the mode): none of it may apply.
  s.put('{"defaults":{"mode":"yolo"},"owners":{"fallback":"#elsewhere"}}');
  l.advance(60);
  let used!: Awaited<ReturnType<typeof l.current>>;
  const lines = await logs(async () => {
    used = await l.current();
  });
  expect(used.policy.defaults.mode).toBe('approval');
  expect(used.policy.owners.fallback).toBe('#sec');
  expect(used.version).toMatchObject({ version: 1, status: 'last-good', rejected: { version: 2 } });
  expect(used.version?.problem).toMatch(/v2 .* is invalid: invalid policy: defaults\.mode/);
  expect(rejections(lines)).toEqual([expect.objectContaining({ level: 'ERROR', parameter: NAME, problem: used.version?.problem, using: expect.stringMatching(/last good version, .* v1/) })]);
  // Still broken a period later: logged again (the alarm stays up), still the last good version.
  l.advance(60);
  const again = await logs(async () => {
    expect((await l.current()).version?.status).toBe('last-good');
  });
  expect(rejections(again)).toHaveLength(1);
  // Fixed: the new version is current.
  s.put('{"defaults":{"mode":"notify"}}');
  l.advance(60);
  expect((await l.current()).version).toMatchObject({ version: 3, status: 'current' });
});

test('an unreadable parameter is treated the same: last good version kept, the error logged', async () => {
  const s = store('{}');
  const l = loader(s);
  await l.current();
  s.failWith(Object.assign(new Error('wrapped'), { cause: Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }) }));
  l.advance(60);
  let used!: Awaited<ReturnType<typeof l.current>>;
  expect(rejections(await logs(async () => {
    used = await l.current();
  }))).toHaveLength(1);
  expect(used.version).toMatchObject({ status: 'last-good', version: 1, problem: `cannot read ${NAME}: AccessDeniedException: User is not authorized` });
});

describe('with no good version at all, it fails closed: every mode dry-run, and the reason in the run\'s modeReasons', () => {
  test.each([
    ['a cold start on an invalid document', '{"controls":{"sg-world-open-ingress":{"mode":"automatic"}}}', undefined, /v1 .* is invalid/],
    ['a document that is not JSON', 'defaults: {mode: auto}', undefined, /not valid JSON/],
    ['an unreadable parameter', '{}', new Error('ParameterNotFound'), /cannot read/],
  ])('%s', async (_what, text, failure, problem) => {
    const s = store(text);
    s.failWith(failure);
    const l = loader(s, { WARDEN_DEFAULT_MODE: 'auto', WARDEN_OWN_ROLES: 'arn:aws:iam::1:role/warden-apply' });
    let used!: Awaited<ReturnType<typeof l.current>>;
    const lines = await logs(async () => {
      used = await l.current();
    });
    expect(used.version).toMatchObject({ status: 'fail-closed', problem: expect.stringMatching(problem) });
    expect(used.version?.version).toBeUndefined();
    expect(used.policy.defaults.mode).toBe('dry-run');
    // The loop guard still knows Warden's own roles.
    expect(used.policy.ownRoles).toEqual(['arn:aws:iam::1:role/warden-apply']);
    expect(rejections(lines)).toEqual([expect.objectContaining({ using: 'none: failing closed, every mode dry-run' })]);
    // Even a hand start, whose policy drops defaults.mode (decision 50), and a control that defaults to auto.
    const decision = decideRunMode({ ...used.policy, defaults: { mode: 'auto' }, controls: {} }, {
      controlId: 'sg-world-open-ingress', controlDefault: 'auto', announced: 'auto', tags: {}, policyVersion: used.version,
    });
    expect(decision.mode).toBe('dry-run');
    expect(decision.reasons).toEqual([expect.stringMatching(/^no valid policy \(.+\): failing closed → dry-run$/)]);
  });

  test('no parameter configured at all', async () => {
    const l = policyLoader({ parameter: undefined, maxAgeSeconds: 60, read: () => Promise.reject(new Error('not called')), now: () => 0, env: {} });
    await logs(async () => {
      expect((await l.current()).version).toEqual({ status: 'fail-closed', problem: expect.stringMatching(/WARDEN_POLICY_PARAMETER is not set/) });
    });
  });
});

test('an invalid WARDEN_DEFAULT_MODE is a refused policy too, never a loosened one', async () => {
  const l = loader(store('{}'), { WARDEN_DEFAULT_MODE: 'yolo' });
  await logs(async () => {
    expect((await l.current()).version).toMatchObject({ status: 'fail-closed', problem: expect.stringMatching(/WARDEN_DEFAULT_MODE "yolo"/) });
  });
});

test('cache period from WARDEN_POLICY_MAX_AGE_SECONDS: whole seconds, 0 reads every time, anything else the default', async () => {
  expect([maxAgeSeconds({}), maxAgeSeconds({ WARDEN_POLICY_MAX_AGE_SECONDS: '5' }), maxAgeSeconds({ WARDEN_POLICY_MAX_AGE_SECONDS: '0' })]).toEqual([60, 5, 0]);
  await logs(async () => {
    expect([maxAgeSeconds({ WARDEN_POLICY_MAX_AGE_SECONDS: '-1' }), maxAgeSeconds({ WARDEN_POLICY_MAX_AGE_SECONDS: 'soon' })]).toEqual([60, 60]);
  });
  const s = store('{}');
  const l = loader(s, {}, 0);
  await l.current();
  await l.current();
  expect(s.reads).toEqual([false, true]);
});
