import { readFileSync } from 'node:fs';
import { defaultPolicy, parsePolicy, type Policy } from '../functions/domain/policy';
import { UsageError } from './program';

/** A policy file (YAML or JSON) as the CLI's `--policy FILE` takes it; the built-in policy without one. */
export function loadPolicy(file: string | undefined): Policy {
  if (!file) return defaultPolicy();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`cannot read policy file ${file}`);
  }
  try {
    return parsePolicy(text);
  } catch (err) {
    throw new UsageError(`${file}: ${(err as Error).message}`);
  }
}
