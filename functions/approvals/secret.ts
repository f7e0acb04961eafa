import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * A Slack credential from Secrets Manager (the signing secret, the bot token), cached per container and secret.
 * The value is either the bare string or JSON with one of `keys` (e.g. {"signingSecret": "…"}, {"token": "xoxb-…"}).
 * Errors never contain the value.
 */
const cache = new Map<string, { value: string; expires: number }>();

export const clearSecretCache = (): void => cache.clear();

export async function secretString(
  arn: string,
  deps: { client: SecretsManagerClient; keys: string[]; ttlMs?: number; now?: () => number; timeoutMs?: number },
): Promise<string> {
  const now = (deps.now ?? Date.now)();
  const k = `${arn}#${deps.keys.join(',')}`;
  const hit = cache.get(k);
  if (hit && hit.expires > now) return hit.value;
  const out = await deps.client.send(
    new GetSecretValueCommand({ SecretId: arn }),
    deps.timeoutMs ? { abortSignal: AbortSignal.timeout(deps.timeoutMs) } : {},
  );
  const value = pick(out.SecretString, deps.keys);
  cache.set(k, { value, expires: now + (deps.ttlMs ?? 5 * 60_000) });
  return value;
}

export function pick(secret: string | undefined, keys: string[]): string {
  const raw = secret?.trim();
  if (!raw) throw new Error('secret has no SecretString');
  if (!raw.startsWith('{')) return raw;
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    throw new Error('secret looks like JSON but does not parse');
  }
  for (const key of keys) {
    const v = json[key];
    if (typeof v === 'string' && v.trim()) return v.trim();
  }
  throw new Error(`secret JSON has none of the keys ${keys.join(', ')}`);
}
