/**
 * Lint every statemachines/**\/*.asl.json with asl-validator (paths and ARN checks on).
 * `${Name}` placeholders are first replaced by arn:aws:lambda:us-east-1:123456789012:function:Name,
 * mirroring what SAM DefinitionSubstitutions does at deploy time.
 * Exit 1 on any error, or when there is no file to lint.
 *
 * Usage: tsx scripts/lint-asl.ts [file-or-dir ...]   (default: <repo>/statemachines)
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

interface AslError {
  'Error code': string;
  Message: string;
}
type Validator = (
  definition: unknown,
  opts: { checkPaths: boolean; checkArn: boolean },
) => { isValid: boolean; errors: AslError[]; errorsText(separator?: string): string };

// asl-validator ships CommonJS without type declarations.
const require = createRequire(import.meta.url);
const validate = require('asl-validator') as Validator;

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SUFFIX = '.asl.json';

export function substitute(text: string): string {
  return text.replace(/\$\{([A-Za-z0-9_.:-]+)\}/g, (_m, name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`);
}

function collect(target: string, out: string[]): void {
  if (!existsSync(target)) return;
  if (statSync(target).isDirectory()) {
    for (const entry of readdirSync(target, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      collect(join(target, entry.name), out);
    }
  } else if (target.endsWith(SUFFIX)) {
    out.push(target);
  }
}

function lintFile(file: string): string[] {
  let definition: unknown;
  try {
    definition = JSON.parse(substitute(readFileSync(file, 'utf8')));
  } catch (err) {
    return [`invalid JSON: ${(err as Error).message}`];
  }
  try {
    const result = validate(definition, { checkPaths: true, checkArn: true });
    return result.isValid ? [] : result.errors.map((e) => `${e['Error code']}: ${e.Message}`);
  } catch (err) {
    return [`validator crashed: ${(err as Error).stack ?? String(err)}`];
  }
}

const show = (p: string): string => {
  const rel = relative(root, p);
  return rel === '' ? '.' : rel.startsWith('..') ? p : rel;
};

function main(argv: string[]): number {
  const targets = argv.length > 0 ? argv.map((a) => resolve(a)) : [join(root, 'statemachines')];
  const files: string[] = [];
  for (const t of targets) collect(t, files);
  if (files.length === 0) {
    console.error(`asl-validator: FAILED: no *${SUFFIX} files under ${targets.map(show).join(', ')}`);
    return 1;
  }
  let failed = 0;
  for (const file of files) {
    const name = show(file);
    const errors = lintFile(file);
    if (errors.length === 0) {
      console.log(`asl-validator: ${name} ok`);
    } else {
      failed++;
      console.error(`asl-validator: ${name} INVALID`);
      for (const e of errors) console.error(`  - ${e}`);
    }
  }
  if (failed > 0) {
    console.error(`asl-validator: ${failed} of ${files.length} file(s) invalid`);
    return 1;
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
