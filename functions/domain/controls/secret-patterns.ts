/**
 * Secret detection for plain environment variables (task definitions, RunTask/StartTask overrides). Normalizers call
 * `secretLikeEnv(name, value)` and keep only the verdict: the value is never stored, logged or echoed.
 *
 * A name alone is not enough, the value decides:
 * - `value`: the value has a credential's shape (a known token format, a URL with a password, a long random token),
 *   whatever the name;
 * - `name`: a secret-like name (DB_PASSWORD, API_KEY…) holding a value that is not an obvious setting (a number,
 *   a boolean, a duration, a header name, an enum-like word, a path, an ARN…).
 */

export type SecretVerdict = 'name' | 'value';

/** AWS's own credential variables (Security Hub ECS.8's `secretKeys`, plus the session token). */
export const AWS_SECRET_NAMES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'ECS_ENGINE_AUTH_DATA'];

const SECRET_TERM =
  /passw(or)?d|passwd|pwd|passphrase|secret|token|api[_-]?key|private[_-]?key|access[_-]?key|(encryption|signing|master|hmac|session)[_-]?key|credential|auth[_-]?data|connection[_-]?string/i;
/** Last words of names that point at a secret rather than hold one (DB_SECRET_ARN, TOKEN_URL, PASSWORD_FILE…). */
const REFERENCE_WORDS = new Set(['arn', 'name', 'path', 'file', 'url', 'uri', 'endpoint', 'ref', 'id', 'host', 'port', 'user', 'username', 'email']);
/** Whole words that name a password on their own (DB_PASS, SMTP_PW). */
const SECRET_WORDS = new Set(['pass', 'pw', 'psk']);
/** Last words of names of settings about secrets (PASSWORD_MIN_LENGTH, KEY_ROTATION_DAYS, AUTH_TOKEN_HEADER…). */
const SETTING_WORDS = new Set([
  'length', 'len', 'level', 'policy', 'days', 'hours', 'minutes', 'seconds', 'secs', 'ms', 'ttl', 'timeout', 'expiry',
  'expiration', 'lifetime', 'age', 'interval', 'period', 'rotation', 'enabled', 'disabled', 'required', 'enforced',
  'mode', 'type', 'header', 'format', 'algorithm', 'algo', 'strength', 'complexity', 'count', 'size', 'limit',
  'retries', 'attempts', 'version', 'provider', 'strategy', 'prefix', 'scheme', 'region', 'kind', 'field',
]);

/** "dbPasswordMinLength" / "DB_PASSWORD-MIN.LENGTH" → ["db", "password", "min", "length"]. */
const words = (name: string): string[] =>
  name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w.toLowerCase());

/** A name that says it holds a secret: a secret term, not ending in a reference or a setting word. */
export function isSecretName(name: string): boolean {
  if (AWS_SECRET_NAMES.includes(name.toUpperCase())) return true;
  const w = words(name);
  if (!SECRET_TERM.test(name) && !w.some((x) => SECRET_WORDS.has(x))) return false;
  const last = w.at(-1) ?? '';
  return !REFERENCE_WORDS.has(last) && !SETTING_WORDS.has(last);
}

// ---- credential shapes (any name) ----------------------------------------------------------------------------

/** A password part that is a placeholder, not a value: `${DB_PASSWORD}`, `$PASS`, `{{pass}}`, `<password>`, `***`. */
const PLACEHOLDER = /^(\$\{[^}]*\}|\$\([^)]*\)|\$[A-Za-z_][A-Za-z0-9_]*|\{\{[^}]*\}\}|<[^>]*>|\*+|x{3,}|redacted|\[redacted\])$/i;

const TOKEN_FORMATS: readonly RegExp[] = [
  /\b(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/, // AWS access key id
  /-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----/, // PEM / OpenSSH / PGP private key
  /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{10,}/, // JWT
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/, // Slack token
  /^https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]{16,}/, // Slack incoming webhook
  /\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b/, // GitHub token
  /\bgithub_pat_[A-Za-z0-9_]{22,}/, // GitHub fine-grained token
  /\bglpat-[A-Za-z0-9_-]{20,}/, // GitLab personal access token
  /\bnpm_[A-Za-z0-9]{36}\b/, // npm token
  /\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/, // SendGrid key
  /\b(sk|rk)_live_[A-Za-z0-9]{24,}/, // Stripe secret key
  /\bAIza[A-Za-z0-9_-]{35}\b/, // Google API key
  /^(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{16,}$/i, // an Authorization header value
];

/** A connection string with a password (`Server=…;User Id=…;Password=…`), unless it is a placeholder. */
function connectionStringPassword(v: string): boolean {
  const m = /(?:^|;)\s*(?:password|pwd)\s*=\s*([^;]+)/i.exec(v);
  return m !== null && !PLACEHOLDER.test(m[1]!.trim());
}

/** `scheme://user:password@host`, unless the password is a placeholder. */
function urlWithPassword(v: string): boolean {
  const m = /\b[a-z][a-z0-9+.-]{0,31}:\/\/[^/\s:@]*:([^/\s@]+)@/i.exec(v); // a bounded scheme: linear on long values
  return m !== null && !PLACEHOLDER.test(decodeURIComponentSafe(m[1]!));
}

/** A URL whose query carries a credential (`?access_token=…`, `&X-Amz-Signature=…`). */
const QUERY_CREDENTIAL = /[?&](access_token|api[_-]?key|apikey|token|secret|client_secret|password|passwd|sig|signature|x-amz-signature|x-amz-security-token)=[^&\s]{8,}/i;

const decodeURIComponentSafe = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

const hasClasses = (v: string): boolean => /[a-z]/.test(v) && /[A-Z]/.test(v) && /[0-9]/.test(v);

/** Shannon entropy in bits per character. */
function entropy(v: string): number {
  const counts = new Map<string, number>();
  for (const c of v) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / v.length) * Math.log2(n / v.length);
  return h;
}

/** Share of the value made of word-like runs (Read, Only, ACCESS): high for identifiers, low for random tokens. */
const wordiness = (v: string): number => (v.match(/[A-Z]?[a-z]{3,}|[A-Z]{4,}/g) ?? []).join('').length / v.length;

/** An AWS secret access key: 40 base64 characters, mixed case and digits, not made of words. */
const awsSecretKeyShape = (v: string): boolean => /^[A-Za-z0-9/+]{40}$/.test(v) && hasClasses(v) && wordiness(v) < 0.7;

/**
 * A long random token (base64 / base64url alphabet, 24+ characters, mixed case and digits, high entropy, few words).
 * Hex strings (digests, commit SHAs, UUIDs) are not counted: under a secret-like name they are still secrets.
 */
const randomToken = (v: string): boolean =>
  v.length >= 24 && /^[A-Za-z0-9+/=_-]+$/.test(v) && hasClasses(v) && entropy(v) >= 3.8 && wordiness(v) < 0.5;

export function isCredentialShaped(value: string): boolean {
  const v = value.trim();
  return (
    TOKEN_FORMATS.some((re) => re.test(v)) || urlWithPassword(v) || connectionStringPassword(v) || QUERY_CREDENTIAL.test(v) ||
    awsSecretKeyShape(v) || randomToken(v)
  );
}

// ---- obvious settings (never a secret, whatever the name) ----------------------------------------------------

const SETTING_VOCABULARY = new Set(
  (
    'true false yes no on off y n enabled disabled enable disable none null nil undefined default auto manual strict ' +
    'lax loose lenient permissive relaxed moderate medium high low basic standard strong weak simple complex required ' +
    'optional always never all any debug info warn warning error trace fatal verbose quiet silent dev development test ' +
    'testing staging stage prod production local sandbox bearer digest jwt oauth oauth2 oidc saml ldap kerberos plain ' +
    'plaintext rsa ecdsa ed25519 bcrypt scrypt argon2 argon2i argon2id pbkdf2 sha1 sha256 sha384 sha512 md5 hs256 hs384 ' +
    'hs512 rs256 rs384 rs512 es256 es384 es512 ps256 aes aes128 aes256 aes-128-gcm aes-256-gcm chacha20-poly1305 memory ' +
    'file redis database cookie header query env kms ssm secretsmanager vault daily weekly monthly hourly yearly enforce ' +
    'enforced audit block allow deny reject accept json text yaml xml csv gzip utf8 utf-8 tls ssl mtls'
  ).split(' '),
);

const SETTING_SHAPES: readonly RegExp[] = [
  /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?$/, // a number, a percentage
  /^v?\d+(\.\d+){1,3}([-+][0-9A-Za-z.-]+)?$/, // a version
  /^(\d+(\.\d+)?\s*(ns|us|µs|ms|s|sec|secs|seconds?|m|min|mins|minutes?|h|hr|hrs|hours?|d|days?|w|wk|weeks?|mo|months?|y|yr|years?)\s*)+$/i, // 30d, 1h30m, 90 days
  /^P(?=\d|T)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/, // ISO 8601 duration (PT1H, P90D)
  /^\d+(\.\d+)?\s*([kmgtp]i?b?|bytes?)$/i, // a size: 512Mi, 10MB
  /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/, // an UPPER_SNAKE constant (ROTATE_DAILY, SSE_KMS)
  /^X-[A-Za-z0-9]+(-[A-Za-z0-9]+)*$/, // a header name (X-Api-Key)
  /^(Authorization|Proxy-Authorization|Cookie|Set-Cookie|WWW-Authenticate|Api-Key)$/i, // well-known header names
  /^(~|\.{1,2})?(\/[\w.@-]+)+\/?$/, // an absolute or ./ path (/run/secrets/db)
  /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9._-]+)+\/?$/, // a lower-case relative path or secret name (payments/db-password)
  /^[A-Za-z]:\\/, // a Windows path
  /^arn:aws[a-z-]*:/, // an ARN (a Secrets Manager / SSM reference is not the secret)
  /^alias\/[\w/-]+$/, // a KMS alias
  /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d[a-z]?$/, // a region or availability zone
  /^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?(:\d+)?$/, // an IPv4 address or CIDR
  /^[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}(:\d+)?$/, // a lower-case host name (db.internal:5432)
];

/** A URL that carries no credential is a location, not a secret. */
const plainUrl = (v: string): boolean => /^[a-z][a-z0-9+.-]*:\/\/[^\s@]+$/i.test(v) && !QUERY_CREDENTIAL.test(v);

/** A setting anyone may read: one of the shapes above, or a comma-separated list of them. */
export function isObviousSetting(value: string): boolean {
  const v = value.trim();
  if (v === '' || PLACEHOLDER.test(v)) return true;
  const one = (s: string) => SETTING_VOCABULARY.has(s.toLowerCase()) || SETTING_SHAPES.some((re) => re.test(s)) || plainUrl(s);
  return one(v) || (v.includes(',') && v.split(',').every((part) => part.trim() !== '' && one(part.trim())));
}

/** CloudTrail's marker for a value it did not record: the value is unknown, so the name decides (live state knows it). */
export const HIDDEN_BY_CLOUDTRAIL = 'HIDDEN_DUE_TO_SECURITY_REASONS';

/**
 * The verdict a normalizer stores in `environment[].secretLike`. An absent or empty value holds nothing to leak.
 * Non-string values are judged as text (numbers, booleans); other shapes are not secrets.
 */
export function secretLikeEnv(name: string, value: unknown): SecretVerdict | undefined {
  const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
  if (text === undefined || text.trim() === '') return undefined;
  if (text.trim() === HIDDEN_BY_CLOUDTRAIL) return isSecretName(name) ? 'name' : undefined;
  if (isCredentialShaped(text)) return 'value';
  if (isSecretName(name) && !isObviousSetting(text)) return 'name';
  return undefined;
}
