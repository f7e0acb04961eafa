/**
 * EventBridge "AWS API Call via CloudTrail" for EC2 security-group changes:
 * AuthorizeSecurityGroupIngress, AuthorizeSecurityGroupEgress (egress only: ignored) and ModifySecurityGroupRules.
 * EC2 is a query-protocol API: CloudTrail keeps its `{ items: [...] }` list wrappers (lowerCamelCase), and wraps
 * newer calls in `<Operation>Request` with PascalCase members. Shapes and sources: events/README.md.
 */
import { z } from 'zod';
import type { Facts, Normalized, SgRule } from '../model';
import { authorizeRules, AuthorizeRequest, ResponseRule } from './cloudtrail-ec2-authorize';
import { CLOUDTRAIL_DETAIL_TYPE, cloudTrailObservation, failedCall, parseCloudTrail, UserIdentity } from './cloudtrail-common';
import { Bool, EventBridgeSchema, itemsOf, oneOrMany, Port, Protocol, sgRef, type Envelope } from './envelope';

export { CLOUDTRAIL_DETAIL_TYPE };
export const CLOUDTRAIL_EC2_EVENTS = ['AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'ModifySecurityGroupRules'] as const;
/** The EC2 calls the triage rule routes: egress rules are parsed (and ignored) but not worth an invocation. */
export const ROUTED_EC2_EVENTS = CLOUDTRAIL_EC2_EVENTS.filter((e) => e !== 'AuthorizeSecurityGroupEgress');
type Ec2EventName = (typeof CLOUDTRAIL_EC2_EVENTS)[number];

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

/** The request's rules are parsed in authorizeRules: a broken request must not hide the rules AWS says it created. */
const AuthorizeDetail = z.object({
  ...Common,
  eventName: z.enum(['AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress']),
  requestParameters: AuthorizeRequest.nullish(),
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

/** Envelope + detail, for Powertools' parser. The Authorize request's rules are checked in authorizeRules. */
export const AuthorizeSecurityGroupEvent = EventBridgeSchema.extend({ detail: AuthorizeDetail });
export const ModifySecurityGroupRulesEvent = EventBridgeSchema.extend({ detail: ModifyDetail });

type Modify = z.output<typeof ModifyDetail>;

export const isCloudTrailEc2Event = (name: unknown): name is Ec2EventName =>
  typeof name === 'string' && (CLOUDTRAIL_EC2_EVENTS as readonly string[]).includes(name);

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
  // The record cannot say everything about its rules: the facts ask for a live read (`readLive`) before any
  // decision. Modify omits the direction; an Authorize record may lack its request or disagree with its response.
  let readLive = false;
  if (d.eventName === 'ModifySecurityGroupRules') {
    groupId = d.requestParameters?.ModifySecurityGroupRulesRequest.GroupId;
    rules = groupId ? modifyRules(d, groupId) : [];
    readLive = true;
  } else {
    const created = d.responseElements?.securityGroupRuleSet ?? [];
    groupId = d.requestParameters?.groupId ?? created.find((r) => r.groupId)?.groupId;
    const found = groupId ? authorizeRules(d.eventName, d.requestParameters, created, groupId) : { rules: [], trusted: true };
    rules = typeof found === 'string' ? found : found.rules;
    readLive = typeof found !== 'string' && !found.trusted;
  }
  if (!groupId || typeof rules === 'string') {
    if (failed) return { kind: 'ignored', reason: failed };
    const groupName = d.eventName === 'ModifySecurityGroupRules' ? undefined : d.requestParameters?.groupName;
    const problem = typeof rules === 'string'
      ? `detail does not match its schema at ${rules}`
      : groupName
        ? `the request names its group by name only (${groupName}, default VPC) and no response carries the group id`
        : 'no security group id in requestParameters or responseElements';
    return { kind: 'invalid', reason: `${what}: ${problem}` };
  }

  const isEgressCall = d.eventName === 'AuthorizeSecurityGroupEgress';
  // A successful Authorize call always adds a rule: when the record shows none, only live state can say which.
  const facts: Facts = !failed && rules.length === 0 && d.eventName === 'AuthorizeSecurityGroupIngress'
    ? { kind: 'sg-flagged', groupId, flaggedBy: `CloudTrail ${d.eventName} (no readable rule in the record)` }
    : { kind: 'sg-rules', groupId, rules, complete: false, ...(readLive ? { readLive: true } : {}) };
  const observation = cloudTrailObservation(env, d, sgRef(groupId, env.account, env.region), facts);

  if (failed) return { kind: 'ignored', reason: failed, observation };
  if (d.eventName === 'ModifySecurityGroupRules' && d.responseElements?.ModifySecurityGroupRulesResponse?.return === false) {
    return { kind: 'ignored', reason: 'the API call returned false: nothing changed', observation };
  }
  if (isEgressCall || (rules.length > 0 && rules.every((r) => r.isEgress))) {
    return { kind: 'ignored', reason: `only egress rules (${d.eventName}): Warden watches ingress`, observation };
  }
  return { kind: 'observation', observation };
}
