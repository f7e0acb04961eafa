import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { secretField } from '../runtime/secret-field';

/**
 * The Slack incoming-webhook URL, read from Secrets Manager and cached per container (per secret ARN).
 * The URL is a credential: it is never logged, and errors raised here never contain it.
 */

const DEFAULT_TTL_MS = 5 * 60_000;
const cache = new Map<string, { url: string; expires: number }>();

/** For tests: forget cached URLs. */
export const clearWebhookCache = (): void => cache.clear();

/**
 * The secret value is either the bare URL or JSON `{"url": "..."}`. Throws (without the value) when it is
 * neither, or when the URL is not https. Plain http is allowed only to 127.0.0.1 / localhost, for local runs.
 */
export function parseWebhookUrl(secret: string): string {
  const raw = secretField(secret, 'url', 'Slack webhook secret', 'URL');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error('Slack webhook secret is not a valid URL');
  }
  const local = url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === 'localhost');
  if (url.protocol !== 'https:' && !local) throw new Error(`Slack webhook URL must be https (got ${url.protocol})`);
  return url.toString();
}

export interface WebhookSecretDeps {
  client?: SecretsManagerClient;
  ttlMs?: number;
  now?: () => number;
}

let defaultClient: SecretsManagerClient | undefined;

/** The webhook URL, or undefined when no secret is configured (empty/unset ARN). */
export async function slackWebhookUrl(secretArn: string | undefined, deps: WebhookSecretDeps = {}): Promise<string | undefined> {
  const arn = secretArn?.trim();
  if (!arn) return undefined;
  const now = (deps.now ?? Date.now)();
  const hit = cache.get(arn);
  if (hit && hit.expires > now) return hit.url;
  const client = deps.client ?? (defaultClient ??= new SecretsManagerClient({}));
  const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
  if (out.SecretString === undefined) throw new Error('Slack webhook secret has no SecretString');
  const url = parseWebhookUrl(out.SecretString);
  cache.set(arn, { url, expires: now + (deps.ttlMs ?? DEFAULT_TTL_MS) });
  return url;
}

/** A provider for notify()'s deps: `slackWebhookUrl: webhookUrlProvider(process.env.SLACK_WEBHOOK_SECRET_ARN)`. */
export const webhookUrlProvider =
  (secretArn: string | undefined, deps: WebhookSecretDeps = {}) =>
  (): Promise<string | undefined> =>
    slackWebhookUrl(secretArn, deps);
