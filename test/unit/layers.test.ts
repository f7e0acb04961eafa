// Every layer imports downward only (docs/architecture.md, "Layers"): checked on the source, import by import.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));

/** [importing file, imported module]: relative imports resolved to repo paths, packages as written. */
const imports = (dir: string) => files(dir).flatMap((file) =>
  [...readFileSync(file, 'utf8').matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)].map((m) => {
    const spec = m[1]!;
    return [file, spec.startsWith('.') ? relative('.', normalize(join(dirname(file), spec))) : spec] as const;
  }));

/** Which layers each layer may import from (a layer may always import itself). */
const LAYERS: Record<string, string[]> = {
  'functions/domain': [],
  'functions/aws': ['functions/domain'],
  'functions/actions': ['functions/domain', 'functions/aws'],
  'functions/runbooks': ['functions/domain', 'functions/aws', 'functions/actions', 'functions/audit', 'functions/notify', 'functions/approvals', 'functions/runtime', 'functions/brakes'],
  'functions/brakes': ['functions/domain', 'functions/aws', 'functions/runtime'],
  'functions/notify': ['functions/domain', 'functions/aws', 'functions/runtime'],
  'functions/audit': ['functions/domain', 'functions/aws', 'functions/runtime'],
  'functions/approvals': ['functions/domain', 'functions/aws', 'functions/runtime', 'functions/notify'],
  'functions/runtime': ['functions/domain', 'functions/aws'],
  'functions/handlers': ['functions'],
};
const layerOf = (path: string) => Object.keys(LAYERS).find((l) => path === l || path.startsWith(`${l}/`));

test('the domain imports no AWS SDK and nothing outside the domain', () => {
  const bad = imports('functions/domain').filter(([, to]) => to.startsWith('@aws-sdk/') || (to.includes('/') && !to.startsWith('@') && to.startsWith('functions/') && !to.startsWith('functions/domain')));
  expect(bad).toEqual([]);
});

test('each layer under functions/ imports only itself and the layers below it; nothing in functions/ imports cli/, local/ or test/', () => {
  const bad = imports('functions').filter(([from, to]) => {
    if (/^(cli|local|test|bench|scripts)(\/|$)/.test(to)) return true;
    if (!to.startsWith('functions/')) return false;
    const own = layerOf(from);
    const target = layerOf(to);
    if (!own || !target || own === target) return false;
    return !LAYERS[own]!.some((allowed) => target === allowed || target.startsWith(`${allowed}/`) || allowed === 'functions');
  });
  expect(bad).toEqual([]);
});

/** The SDK packages of ActionClients, and the module under functions/aws/clients/ that builds each client. */
const ACTION_CLIENT_MODULES: Record<string, string> = {
  '@aws-sdk/client-ec2': 'ec2', '@aws-sdk/client-ecs': 'ecs', '@aws-sdk/client-eks': 'eks', '@aws-sdk/client-ecr': 'ecr',
  '@aws-sdk/client-elastic-load-balancing': 'elb', '@aws-sdk/client-elastic-load-balancing-v2': 'elbv2',
};

test("code that sends a service's commands imports that service's client module (ActionClients finds its client there)", () => {
  const valueImports = (text: string) => [...text.matchAll(/(?:^|\n)\s*import\s+(?!type\s)([^'"]*?)\s+from\s+['"](@aws-sdk\/client-[a-z0-9-]+)['"]/g)]
    .filter((m) => m[1]!.replace(/[{}\s]/g, '').split(',').some((s) => s && !s.startsWith('type')))
    .map((m) => m[2]!);
  const sideEffects = (file: string, text: string) => [...text.matchAll(/(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g)]
    .map((m) => relative('.', normalize(join(dirname(file), m[1]!))));
  const missing = files('functions').flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    return [...new Set(valueImports(text))].flatMap((pkg) => {
      const client = ACTION_CLIENT_MODULES[pkg];
      const module = `functions/aws/clients/${client}`;
      if (!client || file === `${module}.ts` || sideEffects(file, text).includes(module)) return [];
      return [`${file} sends ${pkg} commands without importing ${module}`];
    });
  });
  expect(missing).toEqual([]);
});
