/**
 * AWS Config "Config Configuration Item Change" for AWS::EC2::SecurityGroup: the group's whole recorded rule set
 * (EC2-style camelCase `configuration.ipPermissions[]`) and its tags. Config items carry no sgr- rule ids.
 * Oversized items carry only a summary: the group is flagged for a live read. ECS, EKS and ECR items:
 * config-item-containers.ts.
 */
import { z } from 'zod';
import type { Normalized, SgRule } from '../model';
import { normalizeContainerItem, normalizeContainerOversized } from './config-item-containers';
import { type Envelope, EventBridgeSchema, listOf, observationOf, parseDetail, Port, Protocol, SG_TYPE, sgRef, splitPermission } from './envelope';
import { CONTAINER_TYPES } from './refs';

export const CONFIG_ITEM_DETAIL_TYPE = 'Config Configuration Item Change';
const OVERSIZED = 'OversizedConfigurationItemChangeNotification';
const DELETED_STATUSES = ['ResourceDeleted', 'ResourceDeletedNotRecorded'];

const Permission = z.object({
  ipProtocol: Protocol,
  fromPort: Port,
  toPort: Port,
  ipv4Ranges: listOf(z.object({ cidrIp: z.string() })),
  /** Legacy flat list of the same IPv4 CIDRs, recorded next to ipv4Ranges. */
  ipRanges: listOf(z.string()),
  ipv6Ranges: listOf(z.object({ cidrIpv6: z.string() })),
  prefixListIds: listOf(z.object({ prefixListId: z.string() })),
  userIdGroupPairs: listOf(z.object({ groupId: z.string().optional() })),
});
type Permission = z.output<typeof Permission>;

const Item = {
  configurationItemStatus: z.string(),
  resourceType: z.string(),
  resourceId: z.string().min(1),
  awsAccountId: z.string().optional(),
  awsRegion: z.string().optional(),
};

const ItemDetail = z.object({
  messageType: z.literal('ConfigurationItemChangeNotification'),
  configurationItemDiff: z.object({ changeType: z.string().optional() }).nullish(),
  configurationItem: z.object({
    ...Item,
    tags: z.record(z.string(), z.string()).nullish(),
    configuration: z.object({ groupName: z.string().optional(), ipPermissions: listOf(Permission), ipPermissionsEgress: listOf(Permission) }).nullish(),
  }),
});

const OversizedDetail = z.object({
  messageType: z.literal(OVERSIZED),
  configurationItemSummary: z.object({ ...Item, changeType: z.string().optional() }),
});

export const ConfigItemChangeEvent = EventBridgeSchema.extend({ detail: z.union([ItemDetail, OversizedDetail]) });

function rulesOf(groupId: string, permissions: Permission[], isEgress: boolean, out: SgRule[]): void {
  for (const p of permissions) {
    let cidrIpv4 = p.ipv4Ranges.map((r) => r.cidrIp);
    if (p.ipRanges.length > 0) cidrIpv4 = [...new Set([...cidrIpv4, ...p.ipRanges])];
    splitPermission(groupId, isEgress, {
      protocol: p.ipProtocol,
      fromPort: p.fromPort,
      toPort: p.toPort,
      cidrIpv4,
      cidrIpv6: p.ipv6Ranges.map((r) => r.cidrIpv6),
      prefixListIds: p.prefixListIds.map((r) => r.prefixListId),
      groupIds: p.userIdGroupPairs.flatMap((g) => (g.groupId ? [g.groupId] : [])),
    }, out);
  }
}

/** Security groups here; ECS, EKS and ECR resource types in config-item-containers.ts. */
export function normalizeConfigItem(env: Envelope): Normalized {
  const detail = env.detail as { messageType?: unknown; configurationItem?: { resourceType?: unknown }; configurationItemSummary?: { resourceType?: unknown } } | null;
  const oversized = detail?.messageType === OVERSIZED;
  const type = oversized ? detail?.configurationItemSummary?.resourceType : detail?.configurationItem?.resourceType;
  if (typeof type === 'string' && CONTAINER_TYPES.includes(type)) {
    return oversized ? normalizeContainerOversized(env) : normalizeContainerItem(env);
  }
  return oversized ? normalizeOversized(env) : normalizeFullItem(env);
}

function normalizeFullItem(env: Envelope): Normalized {
  const parsed = parseDetail(ItemDetail, env, 'Config configuration item');
  if (!parsed.ok) return parsed.result;
  const ci = parsed.detail.configurationItem;
  if (ci.resourceType !== SG_TYPE) return { kind: 'ignored', reason: `Config item for ${ci.resourceType}, not a resource type Warden watches` };

  const account = ci.awsAccountId ?? env.account;
  const region = ci.awsRegion ?? env.region;
  const deleted = DELETED_STATUSES.includes(ci.configurationItemStatus) || parsed.detail.configurationItemDiff?.changeType === 'DELETE';
  const rules: SgRule[] = [];
  if (!deleted && ci.configuration) {
    rulesOf(ci.resourceId, ci.configuration.ipPermissions, false, rules);
    rulesOf(ci.resourceId, ci.configuration.ipPermissionsEgress, true, rules);
  }
  const observation = observationOf('config', env, sgRef(ci.resourceId, account, region, ci.tags ?? {}), {
    kind: 'sg-rules', groupId: ci.resourceId, rules, complete: true,
    ...(ci.configuration?.groupName ? { groupName: ci.configuration.groupName } : {}),
  });
  if (deleted) return { kind: 'ignored', reason: `${ci.resourceId} was deleted (${ci.configurationItemStatus}): nothing to fix`, observation };
  if (!ci.configuration) return { kind: 'ignored', reason: `Config item for ${ci.resourceId} carries no configuration (${ci.configurationItemStatus})` };
  return { kind: 'observation', observation };
}

function normalizeOversized(env: Envelope): Normalized {
  const parsed = parseDetail(OversizedDetail, env, 'Config oversized configuration item');
  if (!parsed.ok) return parsed.result;
  const s = parsed.detail.configurationItemSummary;
  if (s.resourceType !== SG_TYPE) return { kind: 'ignored', reason: `Config item for ${s.resourceType}, not a resource type Warden watches` };
  if (DELETED_STATUSES.includes(s.configurationItemStatus) || s.changeType === 'DELETE') {
    return { kind: 'ignored', reason: `${s.resourceId} was deleted (${s.configurationItemStatus}): nothing to fix` };
  }
  const account = s.awsAccountId ?? env.account;
  const region = s.awsRegion ?? env.region;
  const facts = { kind: 'sg-flagged', groupId: s.resourceId, flaggedBy: 'oversized Config item' } as const;
  return { kind: 'observation', observation: observationOf('config', env, sgRef(s.resourceId, account, region), facts) };
}
