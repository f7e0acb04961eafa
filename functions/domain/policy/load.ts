import { parse as parseYaml } from 'yaml';
import { PolicySchema, type Policy, type PolicyInput } from './schema';

export class PolicyError extends Error {
  override name = 'PolicyError';
}

/** Validate a policy object; throws PolicyError with every problem listed. */
export function policyFrom(input: unknown): Policy {
  const result = PolicySchema.safeParse(input ?? {});
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new PolicyError(`invalid policy: ${problems.join('; ')}`);
  }
  return result.data;
}

/** Parse policy text (YAML, which includes JSON). */
export function parsePolicy(text: string): Policy {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new PolicyError(`policy is not valid YAML/JSON: ${(err as Error).message}`);
  }
  return policyFrom(doc);
}

export const defaultPolicy = (overrides: PolicyInput = {}): Policy => policyFrom(overrides);
