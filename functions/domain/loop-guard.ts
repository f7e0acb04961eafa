import type { Actor } from './model';

const globToRegExp = (glob: string): RegExp =>
  new RegExp(`^${glob.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);

/** Role name from a role or assumed-role ARN: arn:aws:iam::1:role/path/name, arn:aws:sts::1:assumed-role/name/session. */
export function roleName(arn: string | undefined): string | undefined {
  if (!arn) return undefined;
  const role = /:role\/(?:.*\/)?([^/]+)$/.exec(arn);
  if (role) return role[1];
  const assumed = /:assumed-role\/([^/]+)\//.exec(arn);
  return assumed?.[1];
}

/** True when the change was made by one of Warden's own roles (names or ARNs, `*` globs allowed). */
export function isOwnChange(actor: Actor | undefined, ownRoles: readonly string[]): boolean {
  if (!actor || ownRoles.length === 0) return false;
  const candidates = [actor.roleArn, actor.arn, roleName(actor.roleArn), roleName(actor.arn)].filter(
    (c): c is string => typeof c === 'string' && c.length > 0,
  );
  return ownRoles.some((pattern) => {
    const re = globToRegExp(pattern);
    return candidates.some((c) => re.test(c));
  });
}
