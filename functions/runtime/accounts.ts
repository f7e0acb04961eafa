import type { AccountScope } from '../domain/accounts';

/**
 * The deployment's scope, from the template's environment: WARDEN_HUB_ACCOUNT (its own account), AWS_REGION,
 * WARDEN_MEMBER_ACCOUNTS (empty, `organization`, or account ids separated by commas) and WARDEN_SPOKE_ROLE_PREFIX.
 * Undefined when WARDEN_HUB_ACCOUNT is not set (local runs and tests that predate accounts): no account is
 * checked and every call is made with the process's own credentials, as before. A malformed value throws: the
 * cold start fails rather than acting in the wrong account.
 */
export function accountScopeOf(env: NodeJS.ProcessEnv = process.env): AccountScope | undefined {
  const hub = env.WARDEN_HUB_ACCOUNT?.trim();
  if (!hub) return undefined;
  if (!/^\d{12}$/.test(hub)) throw new Error(`WARDEN_HUB_ACCOUNT must be a 12-digit account id, not ${JSON.stringify(hub)}`);
  const hubRegion = env.AWS_REGION?.trim();
  if (!hubRegion) throw new Error('missing environment variable AWS_REGION');
  const raw = (env.WARDEN_MEMBER_ACCOUNTS ?? '').trim();
  let members: AccountScope['members'];
  if (raw === 'organization') members = 'organization';
  else {
    members = raw.split(',').map((s) => s.trim()).filter(Boolean);
    const bad = members.filter((a) => !/^\d{12}$/.test(a));
    if (bad.length) throw new Error(`WARDEN_MEMBER_ACCOUNTS: not account ids: ${bad.join(', ')}`);
  }
  const spokeRolePrefix = env.WARDEN_SPOKE_ROLE_PREFIX?.trim() || 'warden-spoke';
  return { hub, hubRegion, members, spokeRolePrefix };
}
