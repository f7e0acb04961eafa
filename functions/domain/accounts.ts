/**
 * Where Warden acts: its own account (the hub), and, in a hub-and-spoke deployment, the member accounts of the
 * organization, through a role of the same name in each (infra/spoke.yaml). Pure: the runtime reads it from the
 * environment (runtime/accounts.ts), the clients assume the roles (aws/account-clients.ts).
 */

/** The spoke roles, one per hub function that reads or changes a member account. */
export const SPOKE_ROLES = {
  triage: 'TriageFunction',
  live: 'LoadLiveStateFunction',
  apply: 'ApplyRemediationFunction',
  verify: 'VerifyRemediationFunction',
  runbook: 'RunbookStepFunction',
  restore: 'RestoreRuleFunction',
  scan: 'SweepItemFunction',
} as const;
export type SpokeRole = keyof typeof SPOKE_ROLES;

/** The spoke roles whose changes the loop guard ignores: the ones that change a member account. */
export const CHANGING_SPOKE_ROLES: readonly SpokeRole[] = ['apply', 'runbook', 'restore'];

export interface AccountScope {
  /** Warden's own account. */
  hub: string;
  /** Warden's own Region. */
  hubRegion: string;
  /**
   * The member accounts Warden may act in besides its own: a list, or `organization` (every account the
   * organization lists). Empty: a single-account deployment.
   */
  members: readonly string[] | 'organization';
  /** The spoke roles are `<prefix>-<role>` in every member account. */
  spokeRolePrefix: string;
  partition?: string;
}

export interface Where {
  account: string;
  region: string;
}

export const isHubDeployment = (scope: AccountScope): boolean => scope.members === 'organization' || scope.members.length > 0;

/** In Warden's own account and Region: the function's own credentials and clients. */
export const isHome = (scope: AccountScope, where: Where): boolean => where.account === scope.hub && where.region === scope.hubRegion;

export const spokeRoleName = (scope: Pick<AccountScope, 'spokeRolePrefix'>, role: SpokeRole): string => `${scope.spokeRolePrefix}-${role}`;

export const spokeRoleArn = (scope: AccountScope, account: string, role: SpokeRole): string =>
  `arn:${scope.partition ?? 'aws'}:iam::${account}:role/${spokeRoleName(scope, role)}`;

/**
 * The loop guard's roles in `account`: the exact ARNs of the changing spoke roles there. A role of the same name
 * in another account, or under another path, is not Warden's (a spoke role name alone would let any account
 * create a role that Warden ignores).
 */
export function ownSpokeRoles(scope: AccountScope, account: string): string[] {
  if (!isHubDeployment(scope) || account === scope.hub) return [];
  return CHANGING_SPOKE_ROLES.map((role) => spokeRoleArn(scope, account, role));
}

/**
 * Why Warden must not act in `where`, or undefined when it may: its own account in its own Region (its grants name
 * that Region), or a member account in any Region (`organization`: an account the organization lists, `orgAccounts`).
 */
export function refusal(scope: AccountScope, where: Where, orgAccounts?: ReadonlySet<string>): string | undefined {
  const { account, region } = where;
  if (account === scope.hub) {
    return region === scope.hubRegion ? undefined : `this deployment acts in its own account in ${scope.hubRegion} only, not in ${region}`;
  }
  if (!isHubDeployment(scope)) {
    return `account ${account} is not this deployment's account (${scope.hub}), and it has no member accounts`;
  }
  if (scope.members === 'organization') {
    if (!orgAccounts) return `the organization's accounts could not be listed, so account ${account} cannot be checked`;
    return orgAccounts.has(account) ? undefined : `account ${account} is not an account of the organization`;
  }
  return scope.members.includes(account) ? undefined : `account ${account} is not one of the member accounts (MemberAccountIds)`;
}

/**
 * An STS role session name for a run (`[\w+=,.@-]`, at most 64 characters): the run id as far as it fits, so that
 * CloudTrail in the member account names the run that made each change.
 */
export const sessionName = (runId: string): string => `warden-${runId}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
