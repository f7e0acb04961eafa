// `warden policy validate|schema|show|push`: every problem with its path and line, "did you mean", the committed
// JSON Schema, and a push that refuses any problem. The parameter is in memory here (moto: test/integration/policy-document.test.ts).
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { main } from '../../cli/warden';
import { catalogs, checkPolicyText, didYouMean, distance, pathText } from '../../cli/policy-check';
import { parameterName, policyCommand, type PolicyStore } from '../../cli/policy';
import { policyJsonSchema, policySchemaText } from '../../cli/policy-schema';
import { controls } from '../../functions/domain/controls';
import { defaultPolicy } from '../../functions/domain/policy';
import { documentHash } from '../../functions/domain/policy/version';
import { runbooks } from '../../functions/domain/runbooks/catalog';

/** `warden policy …` with files in memory and a parameter in memory. */
async function policy(args: string[], files: Record<string, string> = {}, params: Map<string, string[]> = new Map(), env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const puts: { name: string; text: string; tier?: string }[] = [];
  const store: PolicyStore = {
    get: async (name) => {
      const v = params.get(name);
      return v ? { text: v.at(-1)!, version: v.length } : undefined;
    },
    put: async (name, text, tier) => {
      puts.push({ name, text, ...(tier ? { tier } : {}) });
      params.set(name, [...(params.get(name) ?? []), text]);
      return params.get(name)!.length;
    },
  };
  const readFile = (f: string) => {
    if (!(f in files)) throw new Error('ENOENT');
    return files[f]!;
  };
  const code = await policyCommand(args, {
    store: () => store, readFile, env, out: { write: (s: string) => (stdout += s) }, err: { write: (s: string) => (stderr += s) },
  });
  return { code, stdout, stderr, puts };
}

const BROKEN = `defaults:
  mode: dryrun
controls:
  sg-world-opn-ingress: { mode: approval }
  revoke-sg-ingress: { enabled: false }
  ecs-task-root-user: { mod: notify }
approval:
  approvers: [U1]
approvals:
  byControl:
    contain-ecs-task: [U2]
    runbook:contain-ecs-tsk: [U3]
    eks-endpoint-public: [U4]
    runbook:restore-security-group-rule: [U5]
guardduty: { contain: 3, notify: 5 }
`;

describe('validate', () => {
  test('every problem, in document order, with its line, column and path, and what was probably meant', async () => {
    const r = await policy(['validate', 'p.yaml'], { 'p.yaml': BROKEN });
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n')).toEqual([
      'p.yaml:2:9: defaults.mode: "dryrun" is not one of auto, approval, notify, dry-run; did you mean "dry-run"?',
      'p.yaml:4:3: controls.sg-world-opn-ingress: unknown control "sg-world-opn-ingress"; did you mean "sg-world-open-ingress"?',
      'p.yaml:5:3: controls.revoke-sg-ingress: "revoke-sg-ingress" is an action, not a control; did you mean the control whose findings run it: sg-world-open-ingress?',
      'p.yaml:6:25: controls.ecs-task-root-user.mod: unknown field "mod"; did you mean "mode"?',
      'p.yaml:7:1: approval: unknown field "approval"; did you mean "approvals"?',
      'p.yaml:11:5: approvals.byControl.contain-ecs-task: "contain-ecs-task" is a runbook, not a control; did you mean "runbook:contain-ecs-task" (its hand starts), or the control whose findings run it: guardduty-container-threat?',
      'p.yaml:12:5: approvals.byControl.runbook:contain-ecs-tsk: unknown runbook "contain-ecs-tsk"; did you mean "runbook:contain-ecs-task"?',
      'p.yaml:15:12: guardduty: guardduty.notify must not exceed guardduty.contain',
      'p.yaml: 8 problems',
    ]);
  });

  test('a valid policy, YAML or JSON, with hand-started runbooks keyed runbook:<name>', async () => {
    const yaml = 'defaults: { mode: approval }\napprovals:\n  byControl:\n    runbook:contain-ecs-task: [U1]\n    sg-world-open-ingress: [U2]\n';
    const json = JSON.stringify({ controls: { 'ecs-task-root-user': { mode: 'notify' } }, ownRoles: ['ops-*'] });
    expect(await policy(['validate', 'p.yaml'], { 'p.yaml': yaml })).toMatchObject({ code: 0, stdout: 'p.yaml: valid\n' });
    expect(await policy(['validate', 'p.json'], { 'p.json': json })).toMatchObject({ code: 0, stdout: 'p.json: valid\n' });
    expect(await policy(['validate', 'empty.yaml'], { 'empty.yaml': '' })).toMatchObject({ code: 0 });
  });

  test('syntax errors and duplicate keys name their line; JSON problems their path too', async () => {
    const r = await policy(['validate', 'p.yaml'], { 'p.yaml': 'defaults:\n  mode: auto\n  mode: notify\n' });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^p\.yaml:3:3: \(document\): not valid YAML or JSON: Map keys must be unique/);
    const j = await policy(['validate', 'p.json'], { 'p.json': '{"approvals": {"timeoutSeconds": 5, "byControl": {"eks-endpoint-publik": ["U1"]}}}' });
    expect(j.stdout.split('\n').slice(0, 2)).toEqual([
      'p.json:1:34: approvals.timeoutSeconds: Too small: expected number to be >=60',
      'p.json:1:51: approvals.byControl.eks-endpoint-publik: unknown control "eks-endpoint-publik"; did you mean "eks-endpoint-public"?',
    ]);
  });

  test('usage: one file; the deployed-policy options are refused', async () => {
    await expect(policy(['validate'])).rejects.toThrow(/missing required argument 'file'/);
    await expect(policy(['validate', 'a', 'b'])).rejects.toThrow(/too many arguments for 'validate'\. Expected 1 argument but got 2/);
    await expect(policy(['validate', 'p.yaml', '--stack', 'x'], { 'p.yaml': '{}' })).rejects.toThrow(/unknown option '--stack'/);
    await expect(policy(['show', 'p.yaml', '--stack', 'x'], { 'p.yaml': '{}' })).rejects.toThrow(/--stack is for the deployed policy/);
    await expect(policy(['validate', 'missing.yaml'])).rejects.toThrow(/cannot read policy file missing\.yaml/);
    await expect(policy(['frobnicate'])).rejects.toThrow(/unknown command 'frobnicate'/);
  });
});

describe('did you mean', () => {
  test('Levenshtein, and a suggestion only when it is close', () => {
    expect([distance('kitten', 'sitting'), distance('', 'abc'), distance('same', 'same')]).toEqual([3, 3, 0]);
    expect(didYouMean('sg-world-opn-ingress', controls.map((c) => c.id))).toBe('sg-world-open-ingress');
    expect(didYouMean('Approvals', ['approvals', 'owners'])).toBe('approvals');
    expect(didYouMean('firewall', controls.map((c) => c.id))).toBeUndefined();
  });
  test('paths as people write them', () => {
    expect([pathText([]), pathText(['a', 'b-c']), pathText(['t', 2]), pathText(['o', 'a.b'])]).toEqual(['(root)', 'a.b-c', 't[2]', 'o["a.b"]']);
  });
  test('every catalog entry is accepted where it belongs', () => {
    const c = catalogs();
    const doc = {
      controls: Object.fromEntries(c.controls.map((x) => [x.id, { enabled: true }])),
      approvals: { byControl: Object.fromEntries([...c.controls.map((x) => x.id), ...c.runbooks.map((r) => `runbook:${r}`)].map((k) => [k, ['U1']])) },
    };
    expect(checkPolicyText(JSON.stringify(doc), c).problems).toEqual([]);
    expect(c.runbooks).toEqual(runbooks.map((r) => r.name));
  });
});

describe('schema', () => {
  test('policy.schema.json is current (npm run gen:schema)', async () => {
    const committed = readFileSync(new URL('../../policy.schema.json', import.meta.url), 'utf8');
    expect(committed).toBe(policySchemaText());
    expect((await policy(['schema'])).stdout).toBe(committed);
  });
  test('generated from the zod schema as written: every field optional, the catalog as the keys of controls and byControl', () => {
    const s = policyJsonSchema() as { required?: string[]; properties: Record<string, { propertyNames?: { enum: string[] }; properties?: Record<string, { propertyNames?: { enum: string[] } }> }> };
    expect(s.required).toBeUndefined();
    expect(Object.keys(s.properties)).toEqual(Object.keys(defaultPolicy()));
    expect(s.properties.controls!.propertyNames!.enum).toEqual(controls.map((c) => c.id).sort());
    expect(s.properties.approvals!.properties!.byControl!.propertyNames!.enum).toContain('runbook:contain-ecs-task');
  });
});

describe('show', () => {
  test('a file: the effective policy, every default filled in, as YAML or JSON', async () => {
    const r = await policy(['show', 'p.yaml'], { 'p.yaml': 'defaults: { mode: notify }\n' });
    expect(r.code).toBe(0);
    expect(parse(r.stdout)).toEqual(defaultPolicy({ defaults: { mode: 'notify' } }));
    const j = await policy(['show', 'p.yaml', '--json'], { 'p.yaml': 'ownRoles: [ops-*]\n' });
    expect(JSON.parse(j.stdout)).toEqual(defaultPolicy({ ownRoles: ['ops-*'] }));
  });
  test('the deployed one: its version and hash first; an invalid one is reported, exit 1', async () => {
    const params = new Map([['/warden/prod/policy', ['{}', '{"defaults":{"mode":"approval"}}']]]);
    const r = await policy(['show', '--stack', 'prod'], {}, params);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(`# /warden/prod/policy version 2 (sha256 ${documentHash('{"defaults":{"mode":"approval"}}')})`);
    expect((parse(r.stdout) as { defaults: unknown }).defaults).toEqual({ mode: 'approval' });
    params.get('/warden/prod/policy')!.push('{"defaults":{"mode":"fast"}}');
    const bad = await policy(['show'], {}, params, { WARDEN_POLICY_PARAMETER: '/warden/prod/policy' });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^\/warden\/prod\/policy \(deployed\):1:\d+: defaults\.mode: "fast" is not one of/);
    expect(await policy(['show'], {}, params)).toMatchObject({ code: 1, stderr: expect.stringMatching(/no parameter \/warden\/warden\/policy/) });
  });
  test('the parameter name: --parameter, else WARDEN_POLICY_PARAMETER, else /warden/<stack>/policy', () => {
    expect(parameterName({ parameter: '/x' }, { WARDEN_POLICY_PARAMETER: '/y' })).toBe('/x');
    expect(parameterName({}, { WARDEN_POLICY_PARAMETER: '/y', WARDEN_STACK: 's' })).toBe('/y');
    expect(parameterName({ stack: 'blue' }, { WARDEN_STACK: 's' })).toBe('/warden/blue/policy');
    expect(parameterName({}, { WARDEN_STACK: 's' })).toBe('/warden/s/policy');
    expect(parameterName({}, {})).toBe('/warden/warden/policy');
  });
});

describe('push', () => {
  const deployed = () => new Map([['/warden/warden/policy', ['{}']]]);

  test('validates first and refuses on any problem: nothing is written', async () => {
    const params = deployed();
    const r = await policy(['push', 'p.yaml'], { 'p.yaml': BROKEN }, params);
    expect(r.code).toBe(1);
    expect(r.puts).toEqual([]);
    expect(r.stdout).toMatch(/p\.yaml: 8 problems/);
    expect(r.stderr).toMatch(/not pushed: p\.yaml has problems \(the deployed policy is unchanged\)/);
    expect(params.get('/warden/warden/policy')).toEqual(['{}']);
  });

  test('writes the document as written (compact JSON, no defaults filled in) as a new version, and prints it', async () => {
    const params = deployed();
    const r = await policy(['push', 'p.yaml'], { 'p.yaml': '# tighter\ndefaults:\n  mode: approval\n' }, params);
    expect(r.code).toBe(0);
    expect(r.puts).toEqual([{ name: '/warden/warden/policy', text: '{"defaults":{"mode":"approval"}}' }]);
    expect(r.stdout).toMatch(new RegExp(`^pushed p\\.yaml to /warden/warden/policy: version 2 \\(sha256 ${documentHash('{"defaults":{"mode":"approval"}}')}, 32 bytes\\)`));
    // The same document again is not a new version.
    const again = await policy(['push', 'p.yaml'], { 'p.yaml': 'defaults: { mode: approval }' }, params);
    expect(again).toMatchObject({ code: 0, puts: [], stdout: expect.stringMatching(/^unchanged: \/warden\/warden\/policy is already this policy \(version 2/) });
  });

  test('over 4 KB: the Advanced tier; over 8 KB: refused', async () => {
    const approvers = (n: number) => Array.from({ length: n }, (_, i) => `U${String(i).padStart(10, '0')}`);
    const big = await policy(['push', 'p.json'], { 'p.json': JSON.stringify({ approvals: { approvers: approvers(300) } }) }, deployed());
    expect(big.code).toBe(0);
    expect(big.puts[0]!.tier).toBe('Advanced');
    const huge = await policy(['push', 'p.json'], { 'p.json': JSON.stringify({ approvals: { approvers: approvers(700) } }) }, deployed());
    expect(huge).toMatchObject({ code: 1, puts: [], stderr: expect.stringMatching(/bytes as JSON; a parameter holds at most 8192/) });
  });

  test('a parameter that does not exist is not created on AWS (a wrong name would never be read)', async () => {
    const r = await policy(['push', 'p.yaml', '--parameter', '/warden/typo/policy'], { 'p.yaml': '{}' }, deployed());
    expect(r).toMatchObject({ code: 1, puts: [], stderr: expect.stringMatching(/no parameter \/warden\/typo\/policy/) });
  });
});

test('warden help lists the policy commands; a policy usage error exits 2 with its usage', async () => {
  let out = '';
  let err = '';
  const w = (f: (s: string) => void) => ({ write: (s: string) => (f(s), true) }) as never;
  expect(await main(['help'], w((s) => (out += s)), w((s) => (err += s)))).toBe(0);
  expect(out).toMatch(/^ {2}policy +the policy: validate, schema, show, push$/m);
  expect(await main(['help', 'policy'], w((s) => (out += s)), w((s) => (err += s)))).toBe(0);
  expect(out).toMatch(/^ {2}push \[options\] <file> +validate FILE, then make it the deployed policy/m);
  expect(err).toBe('');
  expect(await main(['policy', 'validate'], w(() => undefined), w((s) => (err += s)))).toBe(2);
  expect(err).toMatch(/^warden: missing required argument 'file'\n\nUsage: warden policy validate \[options\] <file>\n/);
});
