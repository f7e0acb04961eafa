import {
  AuthorizeSecurityGroupIngressCommand, DescribeSecurityGroupRulesCommand, DescribeSecurityGroupsCommand,
  RevokeSecurityGroupEgressCommand, RevokeSecurityGroupIngressCommand, type EC2Client, type Filter, type IpPermission,
  type SecurityGroup, type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import type { LiveSecurityGroup, LiveState, SgRule, Tags } from '../domain/model';
import { isAllTraffic } from '../domain/net';
import { WardenError, errorName, rethrowThrottling } from './errors';
import { fromAwsTags, toAwsTags } from './tags';
import './clients/ec2'; // ActionClients.ec2() (aws/client-cache.ts)

/** Small typed wrappers over the EC2 calls Warden makes on security groups. */

export const toSgRule = (r: SecurityGroupRule): SgRule => ({
  ruleId: r.SecurityGroupRuleId,
  groupId: r.GroupId ?? '',
  isEgress: r.IsEgress ?? false,
  protocol: r.IpProtocol ?? '-1',
  fromPort: r.FromPort ?? -1,
  toPort: r.ToPort ?? -1,
  ...(r.CidrIpv4 ? { cidrIpv4: r.CidrIpv4 } : {}),
  ...(r.CidrIpv6 ? { cidrIpv6: r.CidrIpv6 } : {}),
  ...(r.PrefixListId ? { prefixListId: r.PrefixListId } : {}),
  ...(r.ReferencedGroupInfo?.GroupId ? { referencedGroupId: r.ReferencedGroupInfo.GroupId } : {}),
  ...(r.Description ? { description: r.Description } : {}),
});

/** Every rule of a group as EC2 returns it, tags included (one call per page). A deleted group has no rules. */
const groupRules = (ec2: EC2Client, groupId: string): Promise<SecurityGroupRule[]> =>
  pagedRules(ec2, { Filters: [{ Name: 'group-id', Values: [groupId] }] });

/** Every rule DescribeSecurityGroupRules returns for `input`, all pages. */
async function pagedRules(ec2: EC2Client, input: { Filters?: Filter[]; MaxResults?: number }): Promise<SecurityGroupRule[]> {
  const rules: SecurityGroupRule[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ec2.send(new DescribeSecurityGroupRulesCommand({ ...input, NextToken })).catch(rethrowThrottling);
    rules.push(...(page.SecurityGroupRules ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return rules;
}

/** A group of the Region as `allGroups` lists it: the live group, and the account that owns it. */
export interface ListedGroup { group: LiveSecurityGroup; account: string }

/**
 * Every security group of the Region with its tags, name and every rule: two paginated reads (groups, then all
 * rules, 1,000 a page), not two calls per group. For `warden scan`; the groups are what `ec2LiveState` reads one by one.
 */
export async function allGroups(ec2: EC2Client): Promise<ListedGroup[]> {
  const groups: SecurityGroup[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ec2.send(new DescribeSecurityGroupsCommand({ MaxResults: 1000, NextToken })).catch(rethrowThrottling);
    groups.push(...(page.SecurityGroups ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  const rules = new Map<string, SgRule[]>();
  for (const r of await pagedRules(ec2, { MaxResults: 1000 })) {
    const rule = toSgRule(r);
    const list = rules.get(rule.groupId) ?? [];
    if (!list.length) rules.set(rule.groupId, list);
    list.push(rule);
  }
  return groups.flatMap((g) => (g.GroupId ? [{
    account: g.OwnerId ?? '',
    group: {
      groupId: g.GroupId, tags: fromAwsTags(g.Tags), ...(g.GroupName ? { groupName: g.GroupName } : {}),
      ...(g.VpcId ? { vpcId: g.VpcId } : {}), rules: rules.get(g.GroupId) ?? [],
    },
  }] : []));
}

/** All rules of a group. A deleted group has no rules. */
export const describeRules = async (ec2: EC2Client, groupId: string): Promise<SgRule[]> => (await groupRules(ec2, groupId)).map(toSgRule);

/** The group's tags and name (`default`: its VPC's default group), or undefined when it no longer exists. */
export async function describeGroup(ec2: EC2Client, groupId: string): Promise<{ tags: Tags; groupName?: string } | undefined> {
  try {
    const out = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
    const group = out.SecurityGroups?.[0];
    if (!group) return undefined;
    return { tags: fromAwsTags(group.Tags), ...(group.GroupName ? { groupName: group.GroupName } : {}) };
  } catch (err) {
    if (errorName(err) === 'InvalidGroup.NotFound') return undefined;
    return rethrowThrottling(err);
  }
}

/** Group tags, or undefined when the group no longer exists. */
export const describeGroupTags = async (ec2: EC2Client, groupId: string): Promise<Tags | undefined> => (await describeGroup(ec2, groupId))?.tags;

/**
 * Revoke ingress (or egress) rules by id. Ids that no longer exist (InvalidPermission.NotFound) are "already gone",
 * not errors: on that error the batch is retried one id at a time to tell the two apart.
 */
export async function revokeRules(
  ec2: EC2Client, groupId: string, ruleIds: string[], direction: 'ingress' | 'egress' = 'ingress',
): Promise<{ revoked: string[]; alreadyGone: string[] }> {
  if (ruleIds.length === 0) return { revoked: [], alreadyGone: [] };
  const revoke = (ids: string[]): Promise<unknown> => direction === 'ingress'
    ? ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, SecurityGroupRuleIds: ids }))
    : ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: groupId, SecurityGroupRuleIds: ids }));
  try {
    await revoke(ruleIds);
    return { revoked: [...ruleIds], alreadyGone: [] };
  } catch (err) {
    if (!isNotFound(err)) return rethrowThrottling(err);
  }
  const result = { revoked: [] as string[], alreadyGone: [] as string[] };
  for (const id of ruleIds) {
    try {
      await revoke([id]);
      result.revoked.push(id);
    } catch (err) {
      if (!isNotFound(err)) return rethrowThrottling(err);
      result.alreadyGone.push(id);
    }
  }
  return result;
}

const isNotFound = (err: unknown) =>
  ['InvalidPermission.NotFound', 'InvalidSecurityGroupRuleId.NotFound', 'InvalidGroup.NotFound'].includes(errorName(err));

/**
 * One ingress rule as the IpPermission that recreates it exactly: protocol, ports (none for all traffic) and its one
 * source with its description. A rule with no source or several, or an egress rule, is refused: never guessed.
 */
export function ipPermissionOf(rule: SgRule): IpPermission {
  const sources = [rule.cidrIpv4, rule.cidrIpv6, rule.prefixListId, rule.referencedGroupId].filter((v) => v !== undefined);
  if (rule.isEgress || sources.length !== 1) {
    throw new WardenError('Warden.InvalidInput', `cannot rebuild rule ${rule.ruleId ?? '(no id)'}: ${rule.isEgress ? 'it is an egress rule' : `it has ${sources.length} sources, not exactly one`}`);
  }
  const Description = rule.description;
  const d = Description === undefined ? {} : { Description };
  return {
    IpProtocol: rule.protocol,
    ...(isAllTraffic(rule) ? {} : { FromPort: rule.fromPort, ToPort: rule.toPort }),
    ...(rule.cidrIpv4 !== undefined ? { IpRanges: [{ CidrIp: rule.cidrIpv4, ...d }] } : {}),
    ...(rule.cidrIpv6 !== undefined ? { Ipv6Ranges: [{ CidrIpv6: rule.cidrIpv6, ...d }] } : {}),
    ...(rule.prefixListId !== undefined ? { PrefixListIds: [{ PrefixListId: rule.prefixListId, ...d }] } : {}),
    ...(rule.referencedGroupId !== undefined ? { UserIdGroupPairs: [{ GroupId: rule.referencedGroupId, ...d }] } : {}),
  };
}

/**
 * Authorize ingress rules exactly as given (the restore: the only Warden code that adds access). One call per rule,
 * so each new rule id is known and a rule that is already there (InvalidPermission.Duplicate: same protocol, ports
 * and source) is "already present", not an error. Every rule is checked before the first call.
 */
export async function authorizeIngressRules(
  ec2: EC2Client, groupId: string, rules: SgRule[], tags: Tags = {},
): Promise<{ authorized: { rule: SgRule; ruleId?: string }[]; alreadyPresent: SgRule[] }> {
  const permissions = rules.map((rule) => ({ rule, permission: ipPermissionOf(rule) }));
  const result = { authorized: [] as { rule: SgRule; ruleId?: string }[], alreadyPresent: [] as SgRule[] };
  const Tags = toAwsTags(tags);
  const TagSpecifications = Tags.length ? [{ ResourceType: 'security-group-rule' as const, Tags }] : undefined;
  for (const { rule, permission } of permissions) {
    try {
      const out = await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [permission], ...(TagSpecifications ? { TagSpecifications } : {}) }));
      const ruleId = out.SecurityGroupRules?.[0]?.SecurityGroupRuleId;
      result.authorized.push({ rule, ...(ruleId ? { ruleId } : {}) });
    } catch (err) {
      if (errorName(err) !== 'InvalidPermission.Duplicate') return rethrowThrottling(err);
      result.alreadyPresent.push(rule);
    }
  }
  return result;
}

/** Ids of a group's rules that carry the tag `key=value` (e.g. the rules one restore run put back). */
export async function ruleIdsTagged(ec2: EC2Client, groupId: string, key: string, value: string): Promise<Set<string>> {
  const tagged = (await groupRules(ec2, groupId)).filter((r) => fromAwsTags(r.Tags)[key] === value);
  return new Set(tagged.flatMap((r) => (r.SecurityGroupRuleId ? [r.SecurityGroupRuleId] : [])));
}

/** LiveState over EC2, for triage and `warden evaluate --live`. */
export const ec2LiveState = (ec2: () => EC2Client): LiveState => ({
  async securityGroup(groupId: string): Promise<LiveSecurityGroup | undefined> {
    const group = await describeGroup(ec2(), groupId);
    if (group === undefined) return undefined;
    return { groupId, ...group, rules: await describeRules(ec2(), groupId) };
  },
});
