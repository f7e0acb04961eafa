import {
  CreateSecurityGroupCommand, CreateSnapshotCommand, CreateTagsCommand, DescribeInstancesCommand,
  DescribeSecurityGroupsCommand, DescribeSnapshotsCommand, DescribeVolumesCommand, ModifyNetworkInterfaceAttributeCommand,
  RevokeSecurityGroupEgressCommand,
  type EC2Client, type Instance, type NetworkInterface, type SecurityGroup, type Snapshot, type Volume,
} from '@aws-sdk/client-ec2';
import {
  DescribeContainerInstancesCommand, ListContainerInstancesCommand, UpdateContainerInstancesStateCommand,
  type ContainerInstance, type ECSClient,
} from '@aws-sdk/client-ecs';
import type { SgRule, Tags } from '../domain/model';
import { describeRule, isPrivateCidr } from '../domain/net';
import { WardenError, describeKnown, errorName, rethrowThrottling } from './errors';
import { networkInterfaces } from './enis';
import { listClusters } from './ecs';
import { describeRules } from './security-groups';
import { fromAwsTags, toAwsTags } from './tags';
import './clients/ec2'; // ActionClients.ec2() (aws/client-cache.ts)
import './clients/ecs'; // ActionClients.ecs() (aws/client-cache.ts)

/**
 * The EC2 and ECS calls of isolate-container-instance: read the instance, find or create the quarantine group,
 * swap ENI groups, drain the container instance, snapshot volumes, tag. Reads tolerate resources already gone.
 */

/** `i-` and 8 or 17 lowercase hex digits. */
export const INSTANCE_ID = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/** The tag that marks a quarantine group, and the name Warden gives the one it creates in a VPC. */
export const QUARANTINE_TAG = 'warden:quarantine';
export const quarantineGroupName = (vpcId: string): string => `warden-quarantine-${vpcId}`;

// ---------- instances ----------

/** The instance, or undefined when EC2 does not know it (terminated instances stay visible for about an hour). */
export async function describeInstance(ec2: EC2Client, instanceId: string): Promise<Instance | undefined> {
  try {
    const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
    return out.Reservations?.flatMap((r) => r.Instances ?? []).find((i) => i.InstanceId === instanceId);
  } catch (err) {
    if (errorName(err) === 'InvalidInstanceID.NotFound') return undefined;
    return rethrowThrottling(err);
  }
}

/** Terminated or on its way: there is nothing left to isolate. */
export const isInstanceGone = (i: Instance): boolean => ['shutting-down', 'terminated'].includes(i.State?.Name ?? '');

/** The EBS volume ids attached to the instance, in device order. */
export const instanceVolumeIds = (i: Instance): string[] =>
  (i.BlockDeviceMappings ?? []).map((m) => m.Ebs?.VolumeId ?? '').filter(Boolean);

/** Every ENI attached to the instance, read live (the ENI, not the instance, carries the security groups). */
export async function instanceEnis(ec2: EC2Client, instanceId: string): Promise<NetworkInterface[]> {
  const enis = await networkInterfaces(ec2, 'attachment.instance-id', instanceId);
  return enis.sort((a, b) => (a.Attachment?.DeviceIndex ?? 0) - (b.Attachment?.DeviceIndex ?? 0));
}

export const groupIdsOf = (eni: NetworkInterface): string[] => (eni.Groups ?? []).map((g) => g.GroupId ?? '').filter(Boolean);

/**
 * A trunk ENI (ECS awsvpc trunking, EKS security groups for pods): the tasks' or pods' branch ENIs hang off it and are
 * not attached to the instance, so swapping the instance's ENIs does not reach them.
 */
export const isTrunk = (eni: NetworkInterface): boolean => eni.InterfaceType === 'trunk';

/** Volumes by id, with their attachments; ids that no longer exist are left out. */
export const describeVolumes = (ec2: EC2Client, ids: string[]): Promise<Volume[]> =>
  describeKnown(ids, 'InvalidVolume.NotFound', async (VolumeIds) => (await ec2.send(new DescribeVolumesCommand({ VolumeIds }))).Volumes);

/** CreateTags on EC2 resources (instance, group, snapshot). Overwrites: safe to repeat. */
export async function tagEc2(ec2: EC2Client, resourceIds: string[], tags: Tags): Promise<void> {
  await ec2.send(new CreateTagsCommand({ Resources: resourceIds, Tags: toAwsTags(tags) })).catch(rethrowThrottling);
}

// ---------- the quarantine group ----------

async function groupsWhere(ec2: EC2Client, vpcId: string, filter: { Name: string; Values: string[] }): Promise<SecurityGroup[]> {
  const out = await ec2
    .send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, filter] }))
    .catch(rethrowThrottling);
  return (out.SecurityGroups ?? []).sort((a, b) => (a.GroupId ?? '').localeCompare(b.GroupId ?? ''));
}

const isTaggedQuarantine = (g: SecurityGroup) => fromAwsTags(g.Tags)[QUARANTINE_TAG] === 'true';

/**
 * The VPC's quarantine group: the one named `warden-quarantine-<vpc>` AND tagged `warden:quarantine=true`. A group with
 * only the tag is someone else's and is ignored. A group with only the name blocks Warden's own: refused, never adopted
 * (its rules are not Warden's to trust).
 */
export async function findQuarantineGroup(ec2: EC2Client, vpcId: string): Promise<SecurityGroup | undefined> {
  const name = quarantineGroupName(vpcId);
  const [named] = await groupsWhere(ec2, vpcId, { Name: 'group-name', Values: [name] });
  if (!named || isTaggedQuarantine(named)) return named;
  throw new WardenError(
    'Warden.InvalidInput',
    `the quarantine group name ${name} is taken in ${vpcId} by ${named.GroupId}, which is not tagged ${QUARANTINE_TAG}=true: Warden never adopts a group it did not create. Rename or delete ${named.GroupId}, then run again (Warden creates its own)`,
  );
}

/**
 * Egress that can leave the private network: anything but a private CIDR or another security group. Public ranges, /0
 * (or a split such as 0.0.0.0/1 + 128.0.0.0/1) and prefix lists (the S3 list reaches every bucket) all count.
 */
const reachesWorld = (r: SgRule) =>
  r.referencedGroupId === undefined && !isPrivateCidr(r.cidrIpv4 ?? r.cidrIpv6);

/** A quarantine group's rules, sorted by what Warden does with them. */
export interface QuarantineRules {
  /** Never allowed: the group would open every ENI put in it. */
  ingress: SgRule[];
  /** Egress that can reach beyond private addresses (public CIDRs, /0, prefix lists), any protocol or port: revoked. */
  worldEgress: SgRule[];
  /** Egress to private CIDRs or security groups a team added on purpose (e.g. HTTPS to the SSM endpoints): kept. */
  keptEgress: SgRule[];
}

export async function quarantineRules(ec2: EC2Client, groupId: string): Promise<QuarantineRules> {
  const rules = await describeRules(ec2, groupId);
  const egress = rules.filter((r) => r.isEgress);
  return { ingress: rules.filter((r) => !r.isEgress), worldEgress: egress.filter(reachesWorld), keptEgress: egress.filter((r) => !reachesWorld(r)) };
}

/** An egress rule for a timeline line: `sgr-… tcp/443 to 10.0.0.0/16 ("SSM endpoints")`. */
export const describeEgress = (r: SgRule): string =>
  `${describeRule(r).replace(/ from (\S+)$/, ' to $1')}${r.description ? ` ("${r.description}")` : ''}`;

/** Refuse a quarantine group with ingress rules: Warden never keeps ingress on it, and never removes a person's rule. */
export function refuseIngress(groupId: string, ingress: SgRule[]): void {
  if (ingress.length === 0) return;
  throw new WardenError(
    'Warden.InvalidInput',
    `the quarantine group ${groupId} has ingress rules ${ingress.map(describeRule).join('; ')}: remove them or delete the group; Warden never adds or keeps ingress on it`,
  );
}

export interface QuarantineGroup {
  groupId: string;
  created: boolean;
  /** World-reaching egress rules revoked now (a new group has EC2's default allow-all; an existing one should have none). */
  revoked: SgRule[];
  /** Egress rules left on the group: ones a team added on purpose, none reaching the world. */
  kept: SgRule[];
}

/**
 * Find or create the VPC's quarantine group and make sure it cannot widen access: no ingress rule (refused with
 * Warden.InvalidInput, before any change) and no egress to the world (revoked). Never adds a rule.
 * Safe to repeat: a retry after the create finds the group by name and tag, and a concurrent create is found too.
 */
export async function ensureQuarantineGroup(ec2: EC2Client, vpcId: string, tags: Tags): Promise<QuarantineGroup> {
  let group = await findQuarantineGroup(ec2, vpcId);
  let created = false;
  if (!group) {
    created = await createQuarantineGroup(ec2, vpcId, tags);
    // Read it back (also when another run created it first).
    group = await findQuarantineGroup(ec2, vpcId);
    if (!group?.GroupId) throw new Error(`quarantine group ${quarantineGroupName(vpcId)} was neither created nor found`);
  }
  const groupId = group.GroupId!;
  const { ingress, worldEgress, keptEgress } = await quarantineRules(ec2, groupId);
  refuseIngress(groupId, ingress);
  for (const rule of worldEgress) await revokeEgressRule(ec2, groupId, rule.ruleId ?? '');
  return { groupId, created, revoked: worldEgress, kept: keptEgress };
}

async function revokeEgressRule(ec2: EC2Client, groupId: string, ruleId: string): Promise<void> {
  try {
    await ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: groupId, SecurityGroupRuleIds: [ruleId] }));
  } catch (err) {
    // Already gone (a retry, or another run): nothing to revoke.
    if (!['InvalidPermission.NotFound', 'InvalidSecurityGroupRuleId.NotFound'].includes(errorName(err))) rethrowThrottling(err);
  }
}

/** CreateSecurityGroup, tagged in the same call; false when a group of that name already exists (a concurrent run). */
async function createQuarantineGroup(ec2: EC2Client, vpcId: string, tags: Tags): Promise<boolean> {
  try {
    await ec2.send(new CreateSecurityGroupCommand({
      VpcId: vpcId,
      GroupName: quarantineGroupName(vpcId),
      Description: 'Warden quarantine: no rules, blocks all traffic of the ENIs it is put on. Do not add rules.',
      TagSpecifications: [{ ResourceType: 'security-group', Tags: toAwsTags({ ...tags, [QUARANTINE_TAG]: 'true', Name: quarantineGroupName(vpcId) }) }],
    }));
    return true;
  } catch (err) {
    if (errorName(err) === 'InvalidGroup.Duplicate') return false;
    return rethrowThrottling(err);
  }
}

/** Replace an ENI's security groups (ModifyNetworkInterfaceAttribute Groups); `gone` when the ENI no longer exists. */
export async function setEniGroups(ec2: EC2Client, eniId: string, groupIds: string[]): Promise<'set' | 'gone'> {
  try {
    await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniId, Groups: groupIds }));
    return 'set';
  } catch (err) {
    if (errorName(err) === 'InvalidNetworkInterfaceID.NotFound') return 'gone';
    return rethrowThrottling(err);
  }
}

// ---------- ECS container instances ----------

/**
 * The container instance an EC2 instance is registered as, searching the given clusters in order, or every cluster of
 * the region. ListContainerInstances filters with the cluster query language (`ec2InstanceId == i-…`); the match is
 * checked again on the description.
 */
export async function findContainerInstance(
  ecs: ECSClient, instanceId: string, clusters?: string[],
): Promise<{ cluster: string; containerInstance: ContainerInstance } | undefined> {
  for (const cluster of clusters ?? (await listClusters(ecs))) {
    const arns: string[] = [];
    let nextToken: string | undefined;
    try {
      do {
        const page = await ecs.send(new ListContainerInstancesCommand({ cluster, filter: `ec2InstanceId == ${instanceId}`, nextToken }));
        arns.push(...(page.containerInstanceArns ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
    } catch (err) {
      if (errorName(err) === 'ClusterNotFoundException') continue;
      return rethrowThrottling(err);
    }
    for (let i = 0; i < arns.length; i += 100) {
      const found = (await describeContainerInstances(ecs, cluster, arns.slice(i, i + 100))).find((c) => c.ec2InstanceId === instanceId);
      if (found) return { cluster, containerInstance: found };
    }
  }
  return undefined;
}

/** Container instances by ARN (at most 100); unknown ones and a missing cluster give none. */
export async function describeContainerInstances(ecs: ECSClient, cluster: string, arns: string[]): Promise<ContainerInstance[]> {
  if (arns.length === 0) return [];
  try {
    return (await ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: arns }))).containerInstances ?? [];
  } catch (err) {
    if (errorName(err) === 'ClusterNotFoundException') return [];
    return rethrowThrottling(err);
  }
}

/** Set a container instance to DRAINING; `gone` when it is no longer registered (ECS reports it as a MISSING failure). */
export async function drainContainerInstance(ecs: ECSClient, cluster: string, arn: string): Promise<'draining' | 'gone'> {
  try {
    const out = await ecs.send(new UpdateContainerInstancesStateCommand({ cluster, containerInstances: [arn], status: 'DRAINING' }));
    if (out.containerInstances?.length) return 'draining';
    const failure = out.failures?.[0];
    if (!failure || failure.reason === 'MISSING') return 'gone';
    throw new Error(`UpdateContainerInstancesState ${arn}: ${failure.reason ?? 'failed'}${failure.detail ? ` (${failure.detail})` : ''}`);
  } catch (err) {
    if (errorName(err) === 'ClusterNotFoundException') return 'gone';
    return rethrowThrottling(err);
  }
}

// ---------- snapshots ----------

/** Snapshots of a volume this incident already took (tagged `warden:incident=<run id>`): what makes the step repeatable. */
export async function incidentSnapshots(ec2: EC2Client, incidentId: string, volumeId: string): Promise<Snapshot[]> {
  const out = await ec2
    .send(new DescribeSnapshotsCommand({
      OwnerIds: ['self'],
      Filters: [{ Name: 'tag:warden:incident', Values: [incidentId] }, { Name: 'volume-id', Values: [volumeId] }],
    }))
    .catch(rethrowThrottling);
  return out.Snapshots ?? [];
}

/** Snapshots by id; unknown ids are left out. */
export const describeSnapshots = (ec2: EC2Client, ids: string[]): Promise<Snapshot[]> =>
  describeKnown(ids, 'InvalidSnapshot.NotFound', async (SnapshotIds) => (await ec2.send(new DescribeSnapshotsCommand({ SnapshotIds }))).Snapshots);

/** CreateSnapshot with its tags in the same call (no untagged window); `gone` when the volume no longer exists. */
export async function snapshotVolume(ec2: EC2Client, volumeId: string, description: string, tags: Tags): Promise<Snapshot | 'gone'> {
  try {
    return await ec2.send(new CreateSnapshotCommand({
      VolumeId: volumeId,
      Description: description.slice(0, 255),
      TagSpecifications: [{ ResourceType: 'snapshot', Tags: toAwsTags(tags) }],
    }));
  } catch (err) {
    if (errorName(err) === 'InvalidVolume.NotFound') return 'gone';
    return rethrowThrottling(err);
  }
}
