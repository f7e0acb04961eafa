/**
 * EventBridge "AWS API Call via CloudTrail" for EC2 security-group changes:
 * AuthorizeSecurityGroupIngress, AuthorizeSecurityGroupEgress (egress only: ignored) and ModifySecurityGroupRules.
 * EC2 is a query-protocol API: CloudTrail keeps its `{ items: [...] }` list wrappers (lowerCamelCase), and wraps
 * newer calls in `<Operation>Request` with PascalCase members. Shapes and sources: events/README.md.
 */
import { z } from 'zod';
import type { Normalized, SgRule } from '../model';
import { CLOUDTRAIL_DETAIL_TYPE, cloudTrailObservation, failedCall, parseCloudTrail, UserIdentity } from './cloudtrail-common';
import {
  Bool,
  EventBridgeSchema,
  firstIssue,
  itemsOf,
  oneOrMany,
  Port,
  Protocol,
  sgRef,
  splitPermission,
  type Envelope,
} from './envelope';

export { CLOUDTRAIL_DETAIL_TYPE };
export const CLOUDTRAIL_EC2_EVENTS = ['AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'ModifySecurityGroupRules'] as const;
type Ec2EventName = (typeof CLOUDTRAIL_EC2_EVENTS)[number];

/** requestParameters.ipPermissions.items[] (AuthorizeSecurityGroupIngress/Egress). */
const IpPermission = z.object({
  ipProtocol: Protocol,
  fromPort: Port,
  toPort: Port,
  ipRanges: itemsOf(z.object({ cidrIp: z.string() })),
  ipv6Ranges: itemsOf(z.object({ cidrIpv6: z.string() })),
  prefixListIds: itemsOf(z.object({ prefixListId: z.string() })),
  groups: itemsOf(z.object({ groupId: z.string() })),
});

/** responseElements.securityGroupRuleSet.items[]: one rule each, with its sgr- id. */
const ResponseRule = z.object({
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

/** requestParameters.ModifySecurityGroupRulesRequest.SecurityGroupRule (one object, or a list). */
const ModifiedRule = z.object({
  SecurityGroupRuleId: z.string(),
  SecurityGroupRule: z.object({
    IpProtocol: Protocol,
    FromPort: Port,
    ToPort: Port,
    CidrIpv4: z.string().optional(),
    CidrIpv6: z.string().optional(),
    PrefixListId: z.string().optional(),
    ReferencedGroupId: z.string().optional(),
    Description: z.string().optional(),
  }),
});

const Common = {
  eventSource: z.literal('ec2.amazonaws.com'),
  userIdentity: UserIdentity,
  errorCode: z.string().optional(),
};

const IpPermissions = itemsOf(IpPermission);

/** The request's permissions are parsed only when the response has no rule set (see authorizeRules). */
const AuthorizeDetail = z.object({
  ...Common,
  eventName: z.enum(['AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress']),
  requestParameters: z.object({ groupId: z.string().optional(), ipPermissions: z.unknown() }).nullish(),
  responseElements: z.object({ securityGroupRuleSet: itemsOf(ResponseRule) }).nullish(),
});

const ModifyDetail = z.object({
  ...Common,
  eventName: z.literal('ModifySecurityGroupRules'),
  requestParameters: z
    .object({ ModifySecurityGroupRulesRequest: z.object({ GroupId: z.string(), SecurityGroupRule: oneOrMany(ModifiedRule) }) })
    .nullish(),
  responseElements: z.object({ ModifySecurityGroupRulesResponse: z.object({ return: Bool.optional() }).nullish() }).nullish(),
});

/** Envelope + detail, for Powertools' parser. The Authorize request's permissions are checked in authorizeRules. */
export const AuthorizeSecurityGroupEvent = EventBridgeSchema.extend({ detail: AuthorizeDetail });
export const ModifySecurityGroupRulesEvent = EventBridgeSchema.extend({ detail: ModifyDetail });

type Authorize = z.output<typeof AuthorizeDetail>;
type Modify = z.output<typeof ModifyDetail>;

export const isCloudTrailEc2Event = (name: unknown): name is Ec2EventName =>
  typeof name === 'string' && (CLOUDTRAIL_EC2_EVENTS as readonly string[]).includes(name);

/**
 * Rules of an Authorize call: the response's rule set (one rule per item, with its sgr- id) when present, else
 * the request's permissions split per source (no ids). Returns the schema problem when the request is malformed.
 */
function authorizeRules(d: Authorize, groupId: string): SgRule[] | string {
  const rules: SgRule[] = [];
  const response = d.responseElements?.securityGroupRuleSet ?? [];
  if (response.length > 0) {
    for (const r of response) {
      const rule: SgRule = {
        groupId: r.groupId ?? groupId,
        isEgress: r.isEgress ?? d.eventName === 'AuthorizeSecurityGroupEgress',
        protocol: r.ipProtocol,
        fromPort: r.fromPort,
        toPort: r.toPort,
      };
      if (r.securityGroupRuleId) rule.ruleId = r.securityGroupRuleId;
      if (r.cidrIpv4) rule.cidrIpv4 = r.cidrIpv4;
      if (r.cidrIpv6) rule.cidrIpv6 = r.cidrIpv6;
      if (r.prefixListId) rule.prefixListId = r.prefixListId;
      if (r.referencedGroupInfo?.groupId) rule.referencedGroupId = r.referencedGroupInfo.groupId;
      if (r.description) rule.description = r.description;
      rules.push(rule);
    }
    return rules;
  }
  const permissions = IpPermissions.safeParse(d.requestParameters?.ipPermissions);
  if (!permissions.success) return firstIssue(permissions.error, 'detail.requestParameters.ipPermissions');
  const isEgress = d.eventName === 'AuthorizeSecurityGroupEgress';
  for (const p of permissions.data) {
    splitPermission(groupId, isEgress, {
      protocol: p.ipProtocol,
      fromPort: p.fromPort,
      toPort: p.toPort,
      cidrIpv4: p.ipRanges.map((r) => r.cidrIp),
      cidrIpv6: p.ipv6Ranges.map((r) => r.cidrIpv6),
      prefixListIds: p.prefixListIds.map((r) => r.prefixListId),
      groupIds: p.groups.map((g) => g.groupId),
    }, rules);
  }
  return rules;
}

/**
 * ModifySecurityGroupRules carries the rule id but not the direction: rules are reported as ingress (the
 * dangerous reading). See the note in events/README.md.
 */
function modifyRules(d: Modify, groupId: string): SgRule[] {
  return (d.requestParameters?.ModifySecurityGroupRulesRequest.SecurityGroupRule ?? []).map(({ SecurityGroupRuleId, SecurityGroupRule: r }) => {
    const rule: SgRule = { ruleId: SecurityGroupRuleId, groupId, isEgress: false, protocol: r.IpProtocol, fromPort: r.FromPort, toPort: r.ToPort };
    if (r.CidrIpv4) rule.cidrIpv4 = r.CidrIpv4;
    if (r.CidrIpv6) rule.cidrIpv6 = r.CidrIpv6;
    if (r.PrefixListId) rule.prefixListId = r.PrefixListId;
    if (r.ReferencedGroupId) rule.referencedGroupId = r.ReferencedGroupId;
    if (r.Description) rule.description = r.Description;
    return rule;
  });
}

export function normalizeCloudTrailEc2(env: Envelope, eventName: Ec2EventName): Normalized {
  const what = `CloudTrail ${eventName}`;
  // A failed call changed nothing, whatever its request looked like (parseCloudTrail ignores it).
  const parsed = parseCloudTrail(eventName === 'ModifySecurityGroupRules' ? ModifyDetail : AuthorizeDetail, env, eventName);
  if (!parsed.ok) return parsed.result;
  const d = parsed.detail;

  const failed = d.errorCode ? failedCall(d.errorCode) : undefined;
  let groupId: string | undefined;
  let rules: SgRule[] | string;
  if (d.eventName === 'ModifySecurityGroupRules') {
    groupId = d.requestParameters?.ModifySecurityGroupRulesRequest.GroupId;
    rules = groupId ? modifyRules(d, groupId) : [];
  } else {
    groupId = d.requestParameters?.groupId ?? d.responseElements?.securityGroupRuleSet.find((r) => r.groupId)?.groupId;
    rules = groupId ? authorizeRules(d, groupId) : [];
  }
  if (!groupId || typeof rules === 'string') {
    if (failed) return { kind: 'ignored', reason: failed };
    const problem = typeof rules === 'string' ? `detail does not match its schema at ${rules}` : 'no security group id in requestParameters or responseElements';
    return { kind: 'invalid', reason: `${what}: ${problem}` };
  }

  const observation = cloudTrailObservation(env, d, sgRef(groupId, env.account, env.region), {
    kind: 'sg-rules', groupId, rules, complete: false, ...(d.eventName === 'ModifySecurityGroupRules' ? { directionUnknown: true } : {}),
  });

  if (failed) return { kind: 'ignored', reason: failed, observation };
  if (d.eventName === 'ModifySecurityGroupRules' && d.responseElements?.ModifySecurityGroupRulesResponse?.return === false) {
    return { kind: 'ignored', reason: 'the API call returned false: nothing changed', observation };
  }
  if (d.eventName === 'AuthorizeSecurityGroupEgress' || (rules.length > 0 && rules.every((r) => r.isEgress))) {
    return { kind: 'ignored', reason: `only egress rules (${d.eventName}): Warden watches ingress`, observation };
  }
  return { kind: 'observation', observation };
}
