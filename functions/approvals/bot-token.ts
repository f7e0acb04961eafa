import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * The Slack bot token (xoxb-…), read from Secrets Manager and cached per container (per secret ARN).
 * The token is a credential: it is never logged, and errors raised here never contain it.
 */

const DEFAULT_TTL_MS = 5 * 60_000;
const cache = new Map<string, { token: string; expires: number }>();

/** For tests: forget cached tokens. */
export const clearBotTokenCache = (): void => cache.clear();

/** The secret value is the bare token or JSON `{"token": "xoxb-…"}`. Throws (without the value) otherwise. */
export function parseBotToken(secret: string): string {
  let raw = secret.trim();
  if (raw.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new Error('Slack bot token secret is neither a token nor JSON {"token": ...}');
    }
    const token = (parsed as { token?: unknown }).token;
    if (typeof token !== 'string') throw new Error('Slack bot token secret JSON has no string "token"');
    raw = token.trim();
  }
  if (!/^xox[a-z]-\S+$/.test(raw) && !/^xoxe\.xox[a-z]-\S+$/.test(raw)) {
    throw new Error('Slack bot token secret does not hold a Slack token (xoxb-…)');
  }
  return raw;
}

export interface BotTokenDeps {
  client: SecretsManagerClient;
  ttlMs?: number;
  now?: () => number;
}

/** The bot token, or undefined when no secret is configured (empty/unset ARN). Secrets Manager errors propagate. */
export async function slackBotToken(secretArn: string | undefined, deps: BotTokenDeps): Promise<string | undefined> {
  const arn = secretArn?.trim();
  if (!arn) return undefined;
  const now = (deps.now ?? Date.now)();
  const hit = cache.get(arn);
  if (hit && hit.expires > now) return hit.token;
  const out = await deps.client.send(new GetSecretValueCommand({ SecretId: arn }));
  if (out.SecretString === undefined) throw new Error('Slack bot token secret has no SecretString');
  const token = parseBotToken(out.SecretString);
  cache.set(arn, { token, expires: now + (deps.ttlMs ?? DEFAULT_TTL_MS) });
  return token;
}
