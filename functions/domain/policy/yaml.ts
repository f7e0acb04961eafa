import { parse as parseYaml } from 'yaml';
import { PolicyError, policyFrom } from './load';
import type { Policy } from './schema';

/** Parse policy text (YAML, which includes JSON). For the CLI; Lambdas read JSON (runtime/config.ts). */
export function parsePolicy(text: string): Policy {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new PolicyError(`policy is not valid YAML/JSON: ${(err as Error).message}`);
  }
  return policyFrom(doc);
}
