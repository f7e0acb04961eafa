import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { secretField } from '../runtime/secret-field';
import { clearSecretCache, secretString } from './secret';

/**
 * The Slack bot token (xoxb-…), read from Secrets Manager through the shared, cached `secretString`.
 * The token is a credential: it is never logged, and errors raised here never contain it.
 */

/** For tests: forget cached secrets. */
export const clearBotTokenCache = (): void => clearSecretCache();

/** The secret value is the bare token or JSON `{"token": "xoxb-…"}`. Throws (without the value) otherwise. */
export function parseBotToken(secret: string): string {
  const raw = secretField(secret, 'token', 'Slack bot token secret', 'token');
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
  return parseBotToken(await secretString(arn, { client: deps.client, keys: ['token'], ...(deps.ttlMs ? { ttlMs: deps.ttlMs } : {}), ...(deps.now ? { now: deps.now } : {}) }));
}
