import { PolicyError, policyFrom } from '../domain/policy/load';
import { stricterOf } from '../domain/policy/mode';
import { ModeSchema, type Policy } from '../domain/policy/schema';

/**
 * The triage Lambda's policy: WARDEN_POLICY (JSON, may be empty), with WARDEN_DEFAULT_MODE combined with the policy's
 * defaults.mode by strictest (modes only get stricter) and WARDEN_OWN_ROLES as the loop guard's roles.
 * Invalid configuration fails the cold start loudly rather than acting on a half-read policy.
 */
export function policyFromEnv(env: NodeJS.ProcessEnv = process.env): Policy {
  const base = policyFrom(env.WARDEN_POLICY?.trim() ? parseJson(env.WARDEN_POLICY) : {});
  // The deployment's mode and the policy's combine by strictest: neither can loosen the other.
  const mode = env.WARDEN_DEFAULT_MODE?.trim() ? stricterOf(ModeSchema.parse(env.WARDEN_DEFAULT_MODE.trim()), base.defaults.mode) : base.defaults.mode;
  // The template sets WARDEN_OWN_ROLES to the exact ARN of the role that makes changes. It then replaces the
  // default name glob (a glob would let any role with a matching name bypass Warden); roles the policy lists stay.
  const envRoles = (env.WARDEN_OWN_ROLES ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const listed = env.WARDEN_POLICY?.trim() ? ((parseJson(env.WARDEN_POLICY) as { ownRoles?: string[] }).ownRoles ?? []) : [];
  const ownRoles = envRoles.length ? [...new Set([...listed, ...envRoles])] : base.ownRoles;
  return policyFrom({ ...base, defaults: { mode }, ownRoles });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new PolicyError(`WARDEN_POLICY is not valid JSON: ${(err as Error).message}`);
  }
}

let cached: Policy | undefined;
export const runtimePolicy = (): Policy => (cached ??= policyFromEnv());
/** Forget the cached policy (tests and the demo change the environment). */
export const resetRuntimePolicy = (): void => {
  cached = undefined;
};
