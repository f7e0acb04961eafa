/** Small event builders for the normalizer tests. Shapes follow the samples in events/ (see events/README.md). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Facts, Normalized, Observation } from '../../../functions/domain/model';

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';
export const SG = 'sg-0a11c0ffee0000001';

type Json = Record<string, unknown>;

export const sample = (file: string): Json =>
  JSON.parse(readFileSync(path.resolve(process.cwd(), 'events', file), 'utf8')) as Json;

export const envelope = (source: string, detailType: string, detail: unknown): Json => ({
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': detailType,
  source,
  account: ACCOUNT,
  time: '2025-05-14T09:12:33Z',
  region: REGION,
  resources: [],
  detail,
});

export interface PermissionSpec {
  proto?: string;
  from?: number;
  to?: number;
  v4?: string[];
  v6?: string[];
  pl?: string[];
  groups?: string[];
}

/** requestParameters.ipPermissions.items[] element, with CloudTrail's `{}` for empty lists. */
export function permission({ proto = 'tcp', from, to = from, v4 = [], v6 = [], pl = [], groups = [] }: PermissionSpec): Json {
  const list = <T>(items: T[]) => (items.length ? { items } : {});
  return {
    ipProtocol: proto,
    ...(from === undefined ? {} : { fromPort: from, toPort: to }),
    groups: list(groups.map((groupId) => ({ groupId }))),
    ipRanges: list(v4.map((cidrIp) => ({ cidrIp }))),
    ipv6Ranges: list(v6.map((cidrIpv6) => ({ cidrIpv6 }))),
    prefixListIds: list(pl.map((prefixListId) => ({ prefixListId }))),
  };
}

/** responseElements.securityGroupRuleSet.items[] element. */
export function responseRule(id: string, r: { proto?: string; from?: number; egress?: boolean; v4?: string; v6?: string; pl?: string; ref?: string }): Json {
  return {
    groupOwnerId: ACCOUNT,
    groupId: SG,
    securityGroupRuleId: id,
    isEgress: r.egress ?? false,
    ipProtocol: r.proto ?? 'tcp',
    fromPort: r.from ?? -1,
    toPort: r.from ?? -1,
    ...(r.v4 ? { cidrIpv4: r.v4 } : {}),
    ...(r.v6 ? { cidrIpv6: r.v6 } : {}),
    ...(r.pl ? { prefixListId: r.pl } : {}),
    ...(r.ref ? { referencedGroupInfo: { userId: ACCOUNT, groupId: r.ref } } : {}),
  };
}

/** An EC2 CloudTrail record in its EventBridge envelope. */
export const cloudTrail = (eventName: string, requestParameters: unknown, responseElements: unknown = null, extra: Json = {}): Json =>
  serviceCall('ec2', eventName, requestParameters, responseElements, extra);

/** AuthorizeSecurityGroupIngress with the request only (no response rule set, so no rule ids). */
export const authorizeRequest = (items: unknown, extra: Json = {}) =>
  cloudTrail('AuthorizeSecurityGroupIngress', { groupId: SG, ipPermissions: { items } }, null, extra);

/** AuthorizeSecurityGroupIngress with request and response. */
export const authorize = (perms: Json[], rules: Json[], extra: Json = {}) =>
  cloudTrail('AuthorizeSecurityGroupIngress', { groupId: SG, ipPermissions: { items: perms } }, { _return: true, securityGroupRuleSet: { items: rules } }, extra);

/** A CloudTrail record of one service (ec2, ecs, eks, ecr), in its EventBridge envelope. */
export function serviceCall(
  service: 'ec2' | 'ecs' | 'eks' | 'ecr',
  eventName: string,
  requestParameters: unknown,
  responseElements: unknown = null,
  extra: Json = {},
): Json {
  return envelope(`aws.${service}`, 'AWS API Call via CloudTrail', {
    eventVersion: '1.10',
    userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT, userName: 'alice' },
    eventTime: '2025-05-14T09:12:33Z',
    eventSource: `${service}.amazonaws.com`,
    eventName,
    awsRegion: REGION,
    requestParameters,
    responseElements,
    eventType: 'AwsApiCall',
    ...extra,
  });
}

/** The observation of a normalized event; throws (with the reason) for anything else. */
export function observed(n: Normalized): Observation {
  if (n.kind !== 'observation') throw new Error(`expected an observation, got ${n.kind}: ${'reason' in n ? n.reason : ''}`);
  return n.observation;
}

/** The observation's facts, which must be of `kind`. */
export function factsOf<K extends Facts['kind']>(n: Normalized, kind: K): Extract<Facts, { kind: K }> {
  const f = observed(n).facts;
  if (f.kind !== kind) throw new Error(`expected ${kind}, got ${f.kind}`);
  return f as Extract<Facts, { kind: K }>;
}
