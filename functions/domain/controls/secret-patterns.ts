/**
 * Secret detection for plain `environment` entries. Normalizers call `secretLikeEnv(name, value)` and keep only the
 * verdict: the value is never stored, logged or echoed. Names are matched first; values by known token shapes.
 */

/** AWS's own credential variables (Security Hub ECS.8's `secretKeys`, plus the session token). */
export const AWS_SECRET_NAMES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'ECS_ENGINE_AUTH_DATA'];

const SECRET_NAME = /passw(or)?d|passwd|pwd|secret|token|api[_-]?key|private[_-]?key|access[_-]?key|credential|auth[_-]?data/i;
/** Names that point at a secret rather than hold one (DB_SECRET_ARN, TOKEN_URL, PASSWORD_FILE…). */
const REFERENCE_SUFFIX = /[_-](arn|name|path|file|url|uri|endpoint|ref)$/i;

const SECRET_VALUES: readonly RegExp[] = [
  /\b(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/, // AWS access key id
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/, // PEM private key
  /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{10,}/, // JWT
  /\bxox[baprs]-[A-Za-z0-9-]{10,}/, // Slack token
  /\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b/, // GitHub token
  /\bgithub_pat_[A-Za-z0-9_]{22,}/, // GitHub fine-grained token
  /\b(sk|rk)_live_[A-Za-z0-9]{24,}/, // Stripe secret key
  /\bAIza[A-Za-z0-9_-]{35}\b/, // Google API key
  /\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i, // URL with user:password
];
/** An AWS secret access key: 40 base64-ish characters, only when the name says AWS or secret. */
const AWS_SECRET_KEY_SHAPE = /^[A-Za-z0-9/+=]{40}$/;

export function isSecretName(name: string): boolean {
  const upper = name.toUpperCase();
  if (AWS_SECRET_NAMES.includes(upper)) return true;
  return SECRET_NAME.test(name) && !REFERENCE_SUFFIX.test(name);
}

export function isSecretValue(name: string, value: string): boolean {
  if (SECRET_VALUES.some((re) => re.test(value))) return true;
  return /aws|secret/i.test(name) && AWS_SECRET_KEY_SHAPE.test(value.trim());
}

/** The verdict a normalizer stores in ContainerFacts.environment[].secretLike. */
export function secretLikeEnv(name: string, value: string | undefined): 'name' | 'value' | undefined {
  if (isSecretName(name)) return 'name';
  if (value !== undefined && isSecretValue(name, value)) return 'value';
  return undefined;
}
