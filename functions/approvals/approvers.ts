import type { Tags } from '../domain/model';
import type { Policy } from '../domain/policy/schema';

/**
 * Who may decide an approval for this control and resource: the control's list, else the list for the resource's
 * environment (the policy's environment tag), else the global list. A more specific list replaces, never adds.
 */
export function approversFor(policy: Policy, control: string, tags: Tags | undefined): string[] {
  const a = policy.approvals;
  const env = tags?.[policy.environments.tag];
  const list = a.byControl[control] ?? (env === undefined ? undefined : a.byEnvironment[env]) ?? a.approvers;
  return [...new Set(list)];
}

/** Slack user-group ids start with S (user ids with U or W). */
export const isSlackGroup = (id: string): boolean => /^S[A-Z0-9]{2,}$/.test(id);

const globToRegExp = (glob: string): RegExp =>
  new RegExp(`^${glob.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);

/**
 * The IAM identity to match for a caller ARN: an STS assumed-role session becomes its role ARN
 * (arn:aws:sts::1:assumed-role/Name/session -> arn:aws:iam::1:role/Name; a role path is not in the session ARN).
 */
export function normalizeCallerArn(arn: string): string {
  const m = /^arn:([^:]+):sts::(\d+):assumed-role\/([^/]+)\/.+$/.exec(arn);
  return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : arn;
}

/** True when an IAM caller (user, role or assumed-role session) is in the approvers (ARNs, `*` globs allowed). */
export function arnIsApprover(callerArn: string, approvers: readonly string[]): boolean {
  const candidates = [...new Set([callerArn, normalizeCallerArn(callerArn)])];
  return approvers
    .filter((p) => p.startsWith('arn:'))
    .some((p) => {
      const re = globToRegExp(p);
      return candidates.some((c) => re.test(c));
    });
}

/**
 * True when a Slack user may decide: listed by id, or a member of a listed user group. `members` resolves a
 * group's user ids; a failed lookup counts as "not a member" (the caller's resolver returns [] or throws).
 */
export async function slackUserIsApprover(
  userId: string,
  approvers: readonly string[],
  members: (groupId: string) => Promise<string[]>,
): Promise<boolean> {
  if (approvers.includes(userId)) return true;
  for (const group of approvers.filter(isSlackGroup)) {
    try {
      if ((await members(group)).includes(userId)) return true;
    } catch {
      /* lookup failed: not a member */
    }
  }
  return false;
}
