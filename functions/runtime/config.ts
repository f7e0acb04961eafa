import { PolicyError, policyFrom } from '../domain/policy/load';
import { stricterOf } from '../domain/policy/mode';
import { ModeSchema, type Policy } from '../domain/policy/schema';

/**
 * The policy a function runs with, from the deployed document's text (JSON; the SSM parameter's value): the document
 * validated, WARDEN_DEFAULT_MODE combined with its defaults.mode by strictest (modes only get stricter) and
 * WARDEN_OWN_ROLES as the loop guard's roles. Throws PolicyError with every problem when either is invalid: the
 * caller keeps its last good policy or fails closed (runtime/deployed-policy.ts), never a half-read one.
 */
export function policyFromText(text: string, env: NodeJS.ProcessEnv = process.env): Policy {
  const doc = text.trim() ? parseJson(text) : {};
  const base = policyFrom(doc);
  // The deployment's mode and the policy's combine by strictest: neither can loosen the other.
  const envMode = env.WARDEN_DEFAULT_MODE?.trim();
  const parsed = envMode ? ModeSchema.safeParse(envMode) : undefined;
  if (parsed && !parsed.success) throw new PolicyError(`WARDEN_DEFAULT_MODE ${JSON.stringify(envMode)} is not a mode (auto, approval, notify, dry-run)`);
  const mode = parsed?.success ? stricterOf(parsed.data, base.defaults.mode) : base.defaults.mode;
  return policyFrom({ ...base, defaults: { mode }, ownRoles: ownRolesOf(doc, base, env) });
}

/**
 * The policy when no document is good: the defaults, every mode dry-run, the loop guard still the deployment's roles
 * (Warden must never act on its own changes, even in dry-run).
 */
export function failClosedPolicy(env: NodeJS.ProcessEnv = process.env): Policy {
  return policyFrom({ defaults: { mode: 'dry-run' }, ownRoles: ownRolesOf({}, policyFrom({}), env) });
}

// The template sets WARDEN_OWN_ROLES to the exact ARNs of the roles that make changes. They then replace the default
// name glob (a glob would let any role with a matching name bypass Warden); roles the document lists stay.
function ownRolesOf(doc: unknown, base: Policy, env: NodeJS.ProcessEnv): string[] {
  const envRoles = (env.WARDEN_OWN_ROLES ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const listed = (doc as { ownRoles?: string[] } | null)?.ownRoles ?? [];
  return envRoles.length ? [...new Set([...listed, ...envRoles])] : base.ownRoles;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new PolicyError(`the policy document is not valid JSON: ${(err as Error).message}`);
  }
}
