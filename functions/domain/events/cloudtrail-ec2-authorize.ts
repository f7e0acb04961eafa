/**
 * The rules of a CloudTrail AuthorizeSecurityGroupIngress/Egress record, from every documented request form and the
 * response. The response (`securityGroupRuleSet`, one item per rule with its sgr- id) is what AWS says it created, so
 * it wins; the request is what the caller asked for:
 * - `ipPermissions.items[]`, split per source;
 * - the legacy flat form: `ipProtocol`, `fromPort`, `toPort` and `cidrIp`, or `sourceSecurityGroupName` (with
 *   `sourceSecurityGroupOwnerId`), at the top of `requestParameters` (CloudTrail then records `ipPermissions: {}`).
 * When the request is missing, unreadable or disagrees with the response, the rules are not trusted: the
 * normalizer asks for a live read before anything is decided. Shapes and sources: events/README.md.
 */
import { z } from 'zod';
import type { SgRule } from '../model';
import { Bool, firstIssue, itemsOf, Port, Protocol, splitPermission } from './envelope';
import { networkOf } from '../cidr';

/** requestParameters.ipPermissions.items[]. A default-VPC group may be named (`groupName`) instead of by id. */
const IpPermission = z.object({
  ipProtocol: Protocol,
  fromPort: Port,
  toPort: Port,
  ipRanges: itemsOf(z.object({ cidrIp: z.string() })),
  ipv6Ranges: itemsOf(z.object({ cidrIpv6: z.string() })),
  prefixListIds: itemsOf(z.object({ prefixListId: z.string() })),
  groups: itemsOf(
    z.object({ groupId: z.string().optional(), groupName: z.string().optional() })
      .refine((g) => g.groupId !== undefined || g.groupName !== undefined, { error: 'expected groupId or groupName' }),
  ),
});
const IpPermissions = itemsOf(IpPermission);

/** The legacy flat form: one rule at the top of requestParameters (the EC2 API still accepts it). */
const FlatPermission = z.object({
  ipProtocol: Protocol.optional(),
  fromPort: Port,
  toPort: Port,
  cidrIp: z.string().optional(),
  sourceSecurityGroupName: z.string().optional(),
  sourceSecurityGroupOwnerId: z.string().optional(),
});

/** requestParameters, loosely: each form is checked in requestRules, so a broken request cannot hide the response. */
export const AuthorizeRequest = z.object({
  groupId: z.string().optional(),
  groupName: z.string().optional(),
  ipPermissions: z.unknown().optional(),
  ipProtocol: z.unknown().optional(),
  fromPort: z.unknown().optional(),
  toPort: z.unknown().optional(),
  cidrIp: z.unknown().optional(),
  sourceSecurityGroupName: z.unknown().optional(),
  sourceSecurityGroupOwnerId: z.unknown().optional(),
});
type Request = z.output<typeof AuthorizeRequest>;

/** responseElements.securityGroupRuleSet.items[]: one rule each, with its sgr- id. */
export const ResponseRule = z.object({
  groupId: z.string().optional(),
  securityGroupRuleId: z.string().optional(),
  isEgress: Bool.optional(),
  ipProtocol: Protocol,
  fromPort: Port,
  toPort: Port,
  cidrIpv4: z.string().optional(),
  cidrIpv6: z.string().optional(),
  prefixListId: z.string().optional(),
  referencedGroupInfo: z.object({ groupId: z.string().optional() }).nullish(),
  description: z.string().optional(),
});
type Created = z.output<typeof ResponseRule>;

/** A flat-form group source grants full ICMP, UDP and TCP access (EC2 API reference, SourceSecurityGroupName). */
const FULL_ACCESS: readonly [string, number, number][] = [['tcp', 0, 65535], ['udp', 0, 65535], ['icmp', -1, -1]];

/**
 * The rules of the call, and whether they can be trusted without a live read. Returns the schema problem when the
 * record has no response rules and its request is malformed.
 */
export function authorizeRules(
  eventName: 'AuthorizeSecurityGroupIngress' | 'AuthorizeSecurityGroupEgress',
  request: Request | null | undefined,
  response: readonly Created[],
  groupId: string,
): { rules: SgRule[]; trusted: boolean } | string {
  const isEgress = eventName === 'AuthorizeSecurityGroupEgress';
  const requested = request ? requestRules(request, groupId, isEgress) : undefined;
  if (response.length === 0) {
    return typeof requested === 'string' ? requested : { rules: requested ?? [], trusted: true };
  }
  const created = response.map((r) => createdRule(r, groupId, isEgress));
  if (requested === undefined || typeof requested === 'string') return { rules: created, trusted: false };
  // Requested rules the response does not account for are kept, without ids: live state resolves them.
  const missing = unaccounted(requested, created);
  const trusted = missing.length === 0 && requested.length === created.length;
  return { rules: trusted ? created : [...created, ...missing], trusted };
}

function createdRule(r: Created, groupId: string, isEgress: boolean): SgRule {
  const rule: SgRule = { groupId: r.groupId ?? groupId, isEgress: r.isEgress ?? isEgress, protocol: r.ipProtocol, fromPort: r.fromPort, toPort: r.toPort };
  if (r.securityGroupRuleId) rule.ruleId = r.securityGroupRuleId;
  if (r.cidrIpv4) rule.cidrIpv4 = r.cidrIpv4;
  if (r.cidrIpv6) rule.cidrIpv6 = r.cidrIpv6;
  if (r.prefixListId) rule.prefixListId = r.prefixListId;
  if (r.referencedGroupInfo?.groupId) rule.referencedGroupId = r.referencedGroupInfo.groupId;
  if (r.description) rule.description = r.description;
  return rule;
}

/** Every rule the request asks for, in both forms; the first schema problem otherwise. */
function requestRules(req: Request, groupId: string, isEgress: boolean): SgRule[] | string {
  const permissions = IpPermissions.safeParse(req.ipPermissions ?? {});
  if (!permissions.success) return firstIssue(permissions.error, 'detail.requestParameters.ipPermissions');
  const rules: SgRule[] = [];
  for (const p of permissions.data) {
    splitPermission(groupId, isEgress, {
      protocol: p.ipProtocol,
      fromPort: p.fromPort,
      toPort: p.toPort,
      cidrIpv4: p.ipRanges.map((r) => r.cidrIp),
      cidrIpv6: p.ipv6Ranges.map((r) => r.cidrIpv6),
      prefixListIds: p.prefixListIds.map((r) => r.prefixListId),
      // A default-VPC group by name: a reference all the same (its id is only in the response).
      groupIds: p.groups.map((g) => g.groupId ?? g.groupName ?? ''),
    }, rules);
  }
  const flat = flatRules(req, groupId, isEgress);
  return typeof flat === 'string' ? flat : [...rules, ...flat];
}

function flatRules(req: Request, groupId: string, isEgress: boolean): SgRule[] | string {
  if (req.ipProtocol == null && req.cidrIp == null && req.sourceSecurityGroupName == null) return [];
  const parsed = FlatPermission.safeParse(req);
  if (!parsed.success) return firstIssue(parsed.error, 'detail.requestParameters');
  const f = parsed.data;
  const where = 'detail.requestParameters';
  if (f.cidrIp === undefined && f.sourceSecurityGroupName === undefined) return `${where}: ipProtocol without cidrIp or sourceSecurityGroupName`;
  if (f.cidrIp !== undefined && f.sourceSecurityGroupName !== undefined) return `${where}: both cidrIp and sourceSecurityGroupName`;
  const base = { groupId, isEgress };
  if (f.cidrIp !== undefined) {
    if (f.ipProtocol === undefined) return `${where}: cidrIp without ipProtocol`;
    return [{ ...base, protocol: f.ipProtocol, fromPort: f.fromPort, toPort: f.toPort, cidrIpv4: f.cidrIp }];
  }
  const referencedGroupId = f.sourceSecurityGroupName!;
  const grants = f.ipProtocol === undefined ? FULL_ACCESS : [[f.ipProtocol, f.fromPort, f.toPort] as const];
  return grants.map(([protocol, fromPort, toPort]) => ({ ...base, protocol, fromPort, toPort, referencedGroupId }));
}

// ---------- does the response account for the request? ----------

/** A CIDR as AWS stores it (100.68.0.18/18 → 100.68.0.0/18); unparseable text is compared as written. */
const canonicalCidr = (cidr: string): string => networkOf(cidr) ?? cidr.trim().toLowerCase();

/**
 * What makes two records of a rule the same rule. Group references compare by kind only: the request may name a
 * default-VPC group where the response has its id (and a group reference is never world-open).
 */
function ruleKey(r: SgRule, canonical: (cidr: string) => string = canonicalCidr): string {
  const source = r.cidrIpv4 !== undefined ? `v4 ${canonical(r.cidrIpv4)}`
    : r.cidrIpv6 !== undefined ? `v6 ${canonical(r.cidrIpv6)}`
      : r.prefixListId !== undefined ? `pl ${r.prefixListId}`
        : r.referencedGroupId !== undefined ? 'group' : 'none';
  return `${r.isEgress ? 'egress' : 'ingress'} ${r.protocol} ${r.fromPort} ${r.toPort} ${source}`;
}

/**
 * Requested rules with no created counterpart (each created rule accounts for one requested rule). Rules are matched
 * as written first; only what is left is compared with canonical CIDRs (parsing every range of a 200-rule record
 * would cost milliseconds, and AWS echoes most ranges as they were sent).
 */
function unaccounted(requested: readonly SgRule[], created: readonly SgRule[]): SgRule[] {
  const match = (want: readonly SgRule[], have: readonly SgRule[], key: (r: SgRule) => string) => {
    const left = new Map<string, SgRule[]>();
    for (const r of have) left.set(key(r), [...(left.get(key(r)) ?? []), r]);
    const unmatched = want.filter((r) => !(left.get(key(r))?.shift()));
    return { unmatched, rest: [...left.values()].flat() };
  };
  const asWritten = match(requested, created, (r) => ruleKey(r, (c) => c.trim()));
  return match(asWritten.unmatched, asWritten.rest, ruleKey).unmatched;
}
