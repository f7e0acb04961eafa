import { PolicyError, policyFrom } from '../domain/policy/load';
import { ModeSchema, type Policy } from '../domain/policy/schema';

/**
 * The triage Lambda's policy: WARDEN_POLICY (JSON, may be empty), with WARDEN_DEFAULT_MODE as the global mode
 * (modes only get stricter, so it acts as a floor) and WARDEN_OWN_ROLES added to the loop guard.
 * Invalid configuration fails the cold start loudly rather than acting on a half-read policy.
 */
export function policyFromEnv(env: NodeJS.ProcessEnv = process.env): Policy {
  const base = policyFrom(env.WARDEN_POLICY?.trim() ? parseJson(env.WARDEN_POLICY) : {});
  const mode = env.WARDEN_DEFAULT_MODE?.trim() ? ModeSchema.parse(env.WARDEN_DEFAULT_MODE.trim()) : base.defaults.mode;
  const extraRoles = (env.WARDEN_OWN_ROLES ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return policyFrom({ ...base, defaults: { mode }, ownRoles: [...new Set([...base.ownRoles, ...extraRoles])] });
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
