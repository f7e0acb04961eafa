import { ModeSchema, policyFrom, type Policy } from '../domain/policy';
import { parsePolicy } from '../domain/policy/load';

/**
 * The Lambda's policy: WARDEN_POLICY (YAML/JSON, may be empty), with WARDEN_DEFAULT_MODE as the global mode
 * (modes only get stricter, so it acts as a floor) and WARDEN_OWN_ROLES added to the loop guard.
 * Invalid configuration fails the cold start loudly rather than acting on a half-read policy.
 */
export function policyFromEnv(env: NodeJS.ProcessEnv = process.env): Policy {
  const base = env.WARDEN_POLICY?.trim() ? parsePolicy(env.WARDEN_POLICY) : policyFrom({});
  const mode = env.WARDEN_DEFAULT_MODE?.trim() ? ModeSchema.parse(env.WARDEN_DEFAULT_MODE.trim()) : base.defaults.mode;
  const extraRoles = (env.WARDEN_OWN_ROLES ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return policyFrom({ ...base, defaults: { mode }, ownRoles: [...new Set([...base.ownRoles, ...extraRoles])] });
}

let cached: Policy | undefined;
export const runtimePolicy = (): Policy => (cached ??= policyFromEnv());
/** Forget the cached policy (tests and the demo change the environment). */
export const resetRuntimePolicy = (): void => {
  cached = undefined;
};

export const requireEnv = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`missing environment variable ${name}`);
  return value;
};
