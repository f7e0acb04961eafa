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

export const defaultPolicy = (overrides: PolicyInput = {}): Policy => policyFrom(overrides);
