/**
 * What `sam build` reads. A CodeUri with a package.json makes SAM copy that folder and run `npm install` in it once
 * per function (with build_in_source, in the checkout itself); a CodeUri holding node_modules or .venv made
 * `sam build` copy gigabytes. The functions' CodeUri therefore holds sources only (README, Deploying).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { functions, loadTemplate } from '../../local/template';

const t = loadTemplate();
const fns = functions(t);
const codeDirs = [...new Set(fns.map((f) => resolve(t.root, f.codeUri)))];

/** Names that must not appear anywhere under a code folder. */
const NOT_IN_CODE = new Set(['node_modules', '.venv', 'package.json', '.aws-sam', 'dist']);

function unwanted(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (NOT_IN_CODE.has(e.name)) return [path];
    return e.isDirectory() ? unwanted(path) : [];
  });
}

test('CodeUri is set once, in Globals', () => {
  expect(t.Globals?.Function?.CodeUri).toEqual(expect.any(String));
  const own = Object.entries(t.Resources)
    .filter(([, r]) => r.Type === 'AWS::Serverless::Function' && r.Properties?.CodeUri !== undefined)
    .map(([id]) => id);
  expect(own).toEqual([]);
});

describe.each(fns.map((f) => [f.logicalId, f] as const))('function %s', (_id, f) => {
  const dir = resolve(t.root, f.codeUri);

  test(`CodeUri ${f.codeUri} is a folder inside the repository, not its root`, () => {
    expect(statSync(dir).isDirectory()).toBe(true);
    const rel = relative(t.root, dir);
    if (rel === '' || rel.startsWith('..')) throw new Error(`${f.logicalId}: CodeUri ${f.codeUri} is not below the repository root`);
  });

  test('the entry point lies inside CodeUri', () => {
    expect(f.handlerPath?.startsWith(dir + sep)).toBe(true);
  });
});

test.each(codeDirs.map((d) => [relative(t.root, d) || '.', d]))('code folder %s holds no node_modules, .venv, package.json or build output', (_rel, dir) => {
  expect(unwanted(dir).map((p) => relative(t.root, p))).toEqual([]);
});

test('samconfig builds in source, so plain `sam build` finds esbuild in the repository node_modules', () => {
  const toml = readFileSync(resolve(t.root, 'samconfig.toml'), 'utf8');
  const build = /^\[default\.build\.parameters\]\n([^[]*)/m.exec(toml)?.[1] ?? '';
  expect(build).toMatch(/^build_in_source = true$/m);
});
