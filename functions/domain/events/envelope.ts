import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { z } from 'zod';
import type { Facts, Normalized, Observation, ResourceRef, SgRule, Source, Tags } from '../model';

/** The EventBridge envelope as validated by Powertools (detail left `unknown`; each source extends it). */
export type Envelope = z.output<typeof EventBridgeSchema>;
export { EventBridgeSchema };

export const SG_TYPE = 'AWS::EC2::SecurityGroup';

/** First problem of a failed parse, shortly: "detail.requestParameters.groupId: Invalid input: expected string". */
export function firstIssue(error: z.ZodError, prefix = ''): string {
  const issue = error.issues[0];
  if (!issue) return prefix || '(root)';
  const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
  return `${path || '(root)'}: ${issue.message}`;
}

/** Parse `env.detail` with a source's detail schema; the error names the path inside the event. */
export function parseDetail<S extends z.ZodType>(
  schema: S,
  env: Envelope,
  what: string,
): { ok: true; detail: z.output<S> } | { ok: false; result: Normalized } {
  const parsed = schema.safeParse(env.detail);
  if (parsed.success) return { ok: true, detail: parsed.data };
  return { ok: false, result: { kind: 'invalid', reason: `${what}: detail does not match its schema at ${firstIssue(parsed.error, 'detail')}` } };
}

// ---- Field helpers shared by the source schemas -------------------------------------------------------------

/** A port: number, numeric string, or absent (= -1, "all"). */
export const Port = z
  .union([z.number().int(), z.string().regex(/^-?\d+$/).transform(Number)], { error: 'expected a port number' })
  .nullish()
  .transform((p) => p ?? -1);

const PROTOCOL_NAMES: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6', all: '-1' };

/** IP protocol: lower-cased, well-known numbers named ("6" → "tcp"), "-1" for all traffic. */
export const Protocol = z
  .union([z.string().min(1), z.number().int()], { error: 'expected an IP protocol' })
  .transform((p) => {
    const s = String(p).trim().toLowerCase();
    return PROTOCOL_NAMES[s] ?? s;
  });

/** true/false, also as the strings some recorders write. */
export const Bool = z.union([z.boolean(), z.enum(['true', 'false']).transform((s) => s === 'true')], { error: 'expected a boolean' });

/**
 * EC2 (query protocol) lists as CloudTrail records them: `{ items: [...] }`, `{ items: {...} }` for a single
 * element, or `{}` / null when empty. Always yields an array; error paths stay precise (ipRanges.items.3.cidrIp).
 */
export const itemsOf = <T extends z.ZodType>(item: T) =>
  z
    .preprocess((v) => {
      const items = v && typeof v === 'object' ? (v as { items?: unknown }).items : undefined;
      return { items: items == null ? [] : Array.isArray(items) ? items : [items] };
    }, z.object({ items: z.array(item) }))
    .transform((v) => v.items);

/** A list that may also arrive as one bare object (ModifySecurityGroupRules) or be absent. */
export const oneOrMany = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (v == null ? [] : Array.isArray(v) ? v : [v]), z.array(item));

/** A plain array that may be absent or null. */
export const listOf = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (v == null ? [] : v), z.array(item));

// ---- Domain builders ----------------------------------------------------------------------------------------

export const sgArn = (region: string, account: string, groupId: string, partition = 'aws'): string =>
  `arn:${partition}:ec2:${region}:${account}:security-group/${groupId}`;

/** The Observation of a Config or Security Hub event: named by its detail-type, placed where its resource is. */
export const observationOf = (source: Source, env: Envelope, resource: ResourceRef, facts: Facts): Observation => ({
  source,
  eventId: env.id,
  eventName: env['detail-type'],
  time: env.time,
  account: resource.account,
  region: resource.region,
  resource,
  facts,
});

export function sgRef(groupId: string, account: string, region: string, tags?: Tags, partition?: string): ResourceRef {
  return {
    type: SG_TYPE,
    id: groupId,
    arn: sgArn(region, account, groupId, partition),
    account,
    region,
    ...(tags ? { tags } : {}),
  };
}

/** The sources of one EC2 permission, already flattened to plain lists. */
export interface PermissionSources {
  protocol: string;
  fromPort: number;
  toPort: number;
  cidrIpv4: readonly string[];
  cidrIpv6: readonly string[];
  prefixListIds: readonly string[];
  groupIds: readonly string[];
}

/** One SgRule per source (CIDR, prefix list, group): multi-range permissions are split, in order. */
export function splitPermission(groupId: string, isEgress: boolean, p: PermissionSources, out: SgRule[]): void {
  const base = { groupId, isEgress, protocol: p.protocol, fromPort: p.fromPort, toPort: p.toPort };
  for (const cidrIpv4 of p.cidrIpv4) out.push({ ...base, cidrIpv4 });
  for (const cidrIpv6 of p.cidrIpv6) out.push({ ...base, cidrIpv6 });
  for (const prefixListId of p.prefixListIds) out.push({ ...base, prefixListId });
  for (const referencedGroupId of p.groupIds) out.push({ ...base, referencedGroupId });
}
