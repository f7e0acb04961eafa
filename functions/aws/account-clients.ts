import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { isHome, refusal, sessionName, spokeRoleArn, type AccountScope, type SpokeRole, type Where } from '../domain/accounts';
import type { ActionClients } from './action-clients';
import { forgetWithClients, sdkConfig } from './client-cache';
import { sts } from './clients/sts';
import { errorName, isThrottling, WardenError } from './errors';
import { regionClients } from './region-clients';

/** Role sessions last the minimum STS allows; a session is used until a minute before it ends. */
const SESSION_SECONDS = 900;
const MARGIN_MS = 60_000;
/** Bounded: a warm Lambda keeps at most this many accounts' clients. */
const MAX_ENTRIES = 64;

/** A member account's clients (or the promise of them, while its role is being assumed), and until when to use them. */
interface Entry { clients: Promise<ActionClients>; until: number }
const cache = new Map<string, unknown>();
forgetWithClients(cache);

/** Errors that mean the role cannot be assumed at all (not there, not trusting Warden, Region off): no retry helps. */
const UNAVAILABLE = new Set(['AccessDenied', 'AccessDeniedException', 'InvalidClientTokenId', 'RegionDisabledException', 'ExpiredTokenException', 'MalformedPolicyDocument']);

async function assume(roleArn: string, session: string, run: string): Promise<AwsCredentialIdentity> {
  try {
    const out = await sts().send(new AssumeRoleCommand({
      RoleArn: roleArn, RoleSessionName: session, DurationSeconds: SESSION_SECONDS,
      // The member account's CloudTrail names the run on every call the session makes.
      Tags: [{ Key: 'warden:run', Value: run.replace(/[^\p{L}\p{Z}\p{N}_.:/=+@-]/gu, '-').slice(0, 256) || 'none' }],
    }));
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new WardenError('Warden.SpokeRoleUnavailable', `AssumeRole ${roleArn} returned no credentials`);
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}), ...(c.Expiration ? { expiration: c.Expiration } : {}) };
  } catch (err) {
    if (err instanceof WardenError || isThrottling(err) || !UNAVAILABLE.has(errorName(err))) throw err;
    const account = roleArn.split(':')[4];
    throw new WardenError('Warden.SpokeRoleUnavailable', `cannot assume ${roleArn} (${errorName(err)}): deploy infra/spoke.yaml in account ${account}, or take the account out of MemberAccountIds`);
  }
}

/**
 * The clients to read or change `where` with: the function's own (`home`) in Warden's account and Region; in a member
 * account, clients of its Region with the credentials of its spoke role `role`, assumed by a session named and tagged
 * after `run`, kept for the session's length (`base`: the SDK settings, default the Lambdas'). Anywhere else
 * (Warden's account in another Region, an account that is no member): Warden.OutOfReach. Without a scope (local
 * runs), always `home`.
 */
export async function clientsIn(
  where: Where, role: SpokeRole, run: string, scope: AccountScope | undefined, home: ActionClients,
  options: { base?: object; now?: () => number } = {},
): Promise<ActionClients> {
  const { base, now = Date.now } = options;
  if (!scope || isHome(scope, where)) return home;
  // The organization's own check is the role's: the hub may assume spoke roles only inside it (aws:ResourceOrgID).
  const why = scope.members === 'organization' && where.account !== scope.hub ? undefined : refusal(scope, where);
  if (why) throw new WardenError('Warden.OutOfReach', why);
  const roleArn = spokeRoleArn(scope, where.account, role);
  const session = sessionName(run);
  const key = `${where.account}|${where.region}|${roleArn}|${session}`;
  const hit = cache.get(key) as Entry | undefined;
  if (hit && hit.until > now()) return hit.clients;
  // One AssumeRole per key, however many steps ask at once (a sweep's items in parallel).
  const clients = (async () => {
    const credentials = await assume(roleArn, session, run);
    const until = credentials.expiration ? credentials.expiration.getTime() - MARGIN_MS : now() + (SESSION_SECONDS * 1000 - MARGIN_MS);
    return { clients: regionClients(where.region, { base: base ?? sdkConfig(), credentials }), until };
  })();
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  const pending = clients.then((c) => c.clients);
  pending.catch(() => undefined); // its waiters see the failure; unawaited, it is no unhandled rejection
  cache.set(key, { clients: pending, until: Number.POSITIVE_INFINITY } satisfies Entry);
  try {
    const made = await clients;
    cache.set(key, { clients: Promise.resolve(made.clients), until: made.until } satisfies Entry);
    return made.clients;
  } catch (err) {
    cache.delete(key);
    throw err;
  }
}
