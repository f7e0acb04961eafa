import type { ContainerInstance, ECSClient } from '@aws-sdk/client-ecs';
import { nameOf } from '../aws/ecs';
import { errorName, WardenError } from '../aws/errors';
import { fromAwsTags } from '../aws/tags';
import { describeGroups } from '../aws/evidence';
import {
  INSTANCE_ID, describeContainerInstances, describeEgress, describeInstance, describeSnapshots, describeVolumes, drainContainerInstance,
  ensureQuarantineGroup, findContainerInstance, findQuarantineGroup, groupIdsOf, incidentSnapshots, instanceEnis, instanceVolumeIds,
  isInstanceGone, isTrunk, quarantineGroupName, quarantineRules, refuseIngress, setEniGroups, snapshotVolume, tagEc2,
} from '../aws/instances';
import { describeRule } from '../domain/net';
import { hostOf } from '../domain/events/guardduty';
import { commandLines, kubectlNodePlan, type KubectlPlan } from '../domain/runbooks/kubectl';
import type { Tags } from '../domain/model';
import type { Plan } from '../domain/remediation';
import type { RunbookState, RunbookSteps } from './model';
import { findingEvidence, incidentTags, planned, tagText, targetAbsent, withEvidence, withResults } from './plan-kit';

/**
 * isolate-container-instance: after approval, swap every ENI of an ECS container instance or EKS node to a quarantine
 * group with no ingress and no egress to the world, drain it (ECS only), snapshot its volumes, tag it, verify. The plan
 * records each ENI's groups as they were: that is the undo. Nothing to do only for a gone instance or one an earlier
 * run fully isolated (and still is); a re-run of a half-finished isolation completes the missing steps.
 */

type Host = 'ecs' | 'eks' | 'unknown';

interface EniBefore {
  id: string;
  vpcId: string;
  groups: string[];
  /** A trunk ENI: its branch ENIs (awsvpc tasks, pods with security groups) are not the instance's and are not swapped. */
  trunk?: true;
}

interface Details {
  instanceId: string;
  vpcId: string;
  enis: EniBefore[];
  volumes: string[];
  host: Host;
  cluster?: string;
  containerInstanceArn?: string;
  containerInstanceStatus?: string;
  /** The Kubernetes node name of an EKS node (its private DNS name, usually), for the reader. */
  nodeName?: string;
  /** An EKS node: the kubectl cordon and drain the responder runs (there is no ECS drain). */
  kubectl?: KubectlPlan;
  /** Quarantine groups that already existed at plan time, by VPC (the quarantine step creates missing ones). */
  quarantineGroups: Record<string, string>;
}

/** What the quarantine step did to one ENI. */
interface EniSwap {
  id: string;
  before: string[];
  outcome: 'quarantined' | 'already' | 'gone' | 'refused';
  error?: string;
}

interface Snap {
  volumeId: string;
  snapshotId?: string;
  outcome: 'taken' | 'already' | 'gone';
}

const INSTANCE_ARN = /^arn:aws[a-z-]*:ec2:[a-z0-9-]+:\d{12}:instance\/(i-[0-9a-f]+)$/;
const details = (s: RunbookState): Details => s.live?.result.plan.details as unknown as Details;
const results = (s: RunbookState) => (s.runbook.results ?? {}) as {
  quarantineGroupId?: string; quarantineGroups?: Record<string, string>; enis?: EniSwap[];
  drained?: { cluster: string; containerInstanceArn: string; outcome: 'draining' | 'gone' }; snapshots?: Snap[];
};
const list = (ids: string[]) => ids.join(',') || '(none)';
const onlyIn = (groups: string[], q: string | undefined) => q !== undefined && groups.length === 1 && groups[0] === q;
const trunkNote = (eniId: string) =>
  `ENI ${eniId} is a trunk: branch ENIs of awsvpc tasks / pods (ENI trunking, security groups for pods) are not swapped by this runbook: contain those tasks with contain-ecs-task, or the pods with kubectl`;

/** `i-…` as given, or the id of an instance ARN (what a GuardDuty finding names). */
function instanceIdOf(target: string): string {
  const id = INSTANCE_ARN.exec(target)?.[1] ?? target;
  if (!INSTANCE_ID.test(id)) throw new WardenError('Warden.InvalidInput', `isolate-container-instance needs an EC2 instance id (i- and 8 or 17 hex digits) or instance ARN, got ${target}`);
  return id;
}

/** Which orchestrator runs on the instance, and its ECS container instance if it is one. */
async function hostFacts(
  s: RunbookState, ecs: ECSClient, instanceId: string, tags: Tags,
): Promise<{ host: Host; cluster?: string; containerInstance?: ContainerInstance }> {
  const g = s.context.guardduty;
  const fromTags = hostOf(tags);
  if (fromTags?.host === 'eks' || g?.host === 'eks' || g?.resourceType === 'EKSCluster') {
    const cluster = fromTags?.cluster ?? g?.clusterName;
    return { host: 'eks', ...(cluster ? { cluster } : {}) };
  }
  // The finding names the ECS cluster; a hand start on an untagged host searches every cluster of the region.
  const found = await findContainerInstance(ecs, instanceId, g?.clusterName ? [g.clusterName] : undefined);
  if (found) return { host: 'ecs', cluster: nameOf(found.cluster), containerInstance: found.containerInstance };
  return { host: fromTags?.host === 'ecs' || g?.host === 'ecs' ? 'ecs' : 'unknown', ...(g?.clusterName ? { cluster: g.clusterName } : {}) };
}

/** What the EKS node's drain step says: no ECS drain, and who cordons and drains it with which commands. */
const eksNode = (d: Pick<Details, 'cluster' | 'nodeName' | 'instanceId'>): string =>
  `EKS node ${d.instanceId}${d.nodeName ? ` (${d.nodeName})` : ''}${d.cluster ? ` of ${d.cluster}` : ''}: no ECS drain, and Warden holds no cluster credentials: cordon and drain it yourself with kubectl, after the snapshots`;

function drainSteps(d: Pick<Details, 'host' | 'cluster' | 'containerInstanceArn' | 'nodeName' | 'instanceId' | 'kubectl'>): string[] {
  if (d.containerInstanceArn) return [`set container instance ${d.containerInstanceArn} on cluster ${d.cluster} to DRAINING (service tasks move to other instances; standalone tasks keep running until stopped)`];
  if (d.host === 'eks') return [`${eksNode(d)}:`, ...commandLines(d.kubectl ?? kubectlNodePlan(undefined, d.instanceId))];
  return [`no ECS container instance registered for ${d.instanceId}: nothing to drain`];
}

export const isolateContainerInstance: RunbookSteps = {
  async plan(s, deps) {
    const instanceId = instanceIdOf(s.runbook.target);
    const ec2 = deps.clients.ec2();
    const instance = await describeInstance(ec2, instanceId);
    const arn = s.context.guardduty?.instanceArn ?? `arn:aws:ec2:${s.context.finding.resource.region}:${s.context.finding.resource.account}:instance/${instanceId}`;
    const base: Plan = { action: 'isolate-container-instance', resource: { ...s.context.finding.resource, type: 'AWS::EC2::Instance', id: instanceId, arn }, targets: [], steps: [] };
    if (!instance) {
      const why = `instance ${instanceId} not found in ${base.resource.region}: nothing to isolate`;
      return planned(s, deps, { stillViolating: false, absent: targetAbsent(s), plan: { ...base, steps: [why] }, runbookDefault: 'approval', detail: why });
    }
    if (isInstanceGone(instance)) {
      const why = `instance ${instanceId} is ${instance.State?.Name}: nothing to isolate`;
      return planned(s, deps, { stillViolating: false, plan: { ...base, steps: [why] }, runbookDefault: 'approval', detail: why });
    }
    const tags = fromAwsTags(instance.Tags);
    const enis: EniBefore[] = (await instanceEnis(ec2, instanceId)).map((e) => ({
      id: e.NetworkInterfaceId ?? '', vpcId: e.VpcId ?? instance.VpcId ?? '', groups: groupIdsOf(e), ...(isTrunk(e) ? { trunk: true as const } : {}),
    }));
    const vpcs = [...new Set([instance.VpcId ?? '', ...enis.map((e) => e.vpcId)].filter(Boolean))];
    const quarantineGroups: Record<string, string> = {};
    const groupSteps: string[] = [];
    let groupsNeedWork = false;
    for (const vpc of vpcs) {
      // A group with the quarantine name but not the tag, or a Warden group with ingress, fails the plan here.
      const q = (await findQuarantineGroup(ec2, vpc))?.GroupId;
      if (!q) continue;
      quarantineGroups[vpc] = q;
      const rules = await quarantineRules(ec2, q);
      refuseIngress(q, rules.ingress);
      groupsNeedWork ||= rules.worldEgress.length > 0;
      if (rules.worldEgress.length) groupSteps.push(`revoke the egress of ${q} that reaches the world: ${rules.worldEgress.map(describeEgress).join(', ')}`);
      if (rules.keptEgress.length) groupSteps.push(`${q} keeps the egress a team added: ${rules.keptEgress.map(describeEgress).join(', ')}`);
    }
    const isolated = (e: EniBefore) => onlyIn(e.groups, quarantineGroups[e.vpcId]);
    const host = await hostFacts(s, deps.clients.ecs(), instanceId, tags);
    const d: Details = {
      instanceId, vpcId: instance.VpcId ?? vpcs[0] ?? '', enis, volumes: instanceVolumeIds(instance), host: host.host, quarantineGroups,
      ...(host.cluster ? { cluster: host.cluster } : {}),
      ...(host.containerInstance?.containerInstanceArn ? { containerInstanceArn: host.containerInstance.containerInstanceArn, containerInstanceStatus: host.containerInstance.status ?? 'unknown' } : {}),
      ...(host.host === 'eks' && instance.PrivateDnsName ? { nodeName: instance.PrivateDnsName } : {}),
      ...(host.host === 'eks' ? { kubectl: kubectlNodePlan(host.cluster ? { name: host.cluster, region: base.resource.region } : undefined, instanceId) } : {}),
    };
    const to = (vpc: string) => quarantineGroups[vpc] ?? `a new group ${quarantineGroupName(vpc)} (created with no rules)`;
    const plan: Plan = {
      ...base,
      resource: { ...base.resource, tags },
      targets: [instanceId, ...enis.map((e) => e.id)],
      steps: [
        `capture evidence: the instance, its ${enis.length} ENI(s) and their security groups with rules, ${d.volumes.length} volume(s), ${d.containerInstanceArn ? 'the container instance, ' : ''}the finding`,
        ...groupSteps,
        // Already quarantined (a re-run after a half-finished isolation): left as is, the other steps still run.
        ...enis.map((e) => (isolated(e) ? `${e.id} already has only the quarantine group ${e.groups[0]}: left as is` : `swap ${e.id} ${list(e.groups)} → ${to(e.vpcId)}`)),
        ...enis.filter((e) => e.trunk).map((e) => trunkNote(e.id)),
        ...drainSteps(d),
        `snapshot ${list(d.volumes)} (tagged warden:incident=${s.context.id})`,
        `tag ${instanceId} ${tagText({ ...incidentTags(s), 'warden:isolated': 'true' })} warden:quarantine-group=<group>`,
        `verify: only the quarantine group on every ENI, no ingress and no world-reaching egress on it, ${d.containerInstanceArn ? 'the container instance DRAINING, ' : ''}the snapshots started`,
        'notify the owner with the timeline',
      ],
      details: d as unknown as Record<string, unknown>,
    };
    // Fully isolated by an earlier run (it tags the instance last, after the swap, the drain and the snapshots): a new
    // finding on the quarantined host asks nobody again and takes no new snapshots. A half-isolated host goes on.
    // Not when the quarantine group has world egress again, or when trunk ENIs leave tasks or pods reachable.
    const done = tags['warden:isolated'] === 'true' && enis.length > 0 && enis.every(isolated) && !groupsNeedWork &&
      !enis.some((e) => e.trunk) && (!d.containerInstanceArn || d.containerInstanceStatus === 'DRAINING');
    if (done) {
      const why = `instance ${instanceId} is already isolated by ${tags['warden:incident'] ?? 'an earlier run'}: every ENI has only the quarantine group${d.containerInstanceArn ? ', the container instance is DRAINING' : ''}`;
      return planned(s, deps, { stillViolating: false, plan: { ...plan, targets: [], steps: [why] }, tags, runbookDefault: 'approval', detail: why });
    }
    const what = host.host === 'ecs' ? `ECS container instance${host.cluster ? ` on ${host.cluster}` : ''}` : host.host === 'eks' ? `EKS node${host.cluster ? ` of ${host.cluster}` : ''}` : 'instance (no ECS container instance, no EKS tag)';
    const already = enis.filter(isolated).length;
    const quarantined = already ? ` (${already} already in the quarantine group)` : '';
    return planned(s, deps, { stillViolating: true, plan, tags, runbookDefault: 'approval', detail: `${instanceId} is a running ${what} with ${enis.length} ENI(s)${quarantined} and ${d.volumes.length} volume(s)` });
  },

  async 'capture-evidence'(s, deps) {
    const d = details(s);
    const ec2 = deps.clients.ec2();
    const instance = await describeInstance(ec2, d.instanceId);
    const enis = await instanceEnis(ec2, d.instanceId);
    const groups = await describeGroups(ec2, [...new Set(enis.flatMap(groupIdsOf))]);
    const volumes = await describeVolumes(ec2, d.volumes);
    const [containerInstance] = d.containerInstanceArn && d.cluster ? await describeContainerInstances(deps.clients.ecs(), d.cluster, [d.containerInstanceArn]) : [];
    // DescribeInstances does not return user data (it may hold secrets); drop it anyway should a future SDK include it.
    const { UserData: _userData, ...described } = (instance ?? {}) as typeof instance & { UserData?: unknown };
    const state = withEvidence(s, {
      instance: instance ? described : null,
      networkInterfaces: enis,
      securityGroups: groups,
      volumes,
      containerInstance: containerInstance ?? null,
      finding: findingEvidence(s),
    });
    return { state, detail: `instance, ${enis.length} ENI(s), ${groups.length} security group(s) with rules, ${volumes.length} volume(s), ${containerInstance ? 'the container instance, ' : ''}the finding` };
  },

  async quarantine(s, deps) {
    const d = details(s);
    const ec2 = deps.clients.ec2();
    // Read the ENIs again: one attached since the plan is quarantined too (its live groups are recorded here). An ENI
    // of the plan keeps its plan-time groups: after a retry it is already in quarantine, and those are still the undo.
    const live = await instanceEnis(ec2, d.instanceId);
    const known = new Set(d.enis.map((e) => e.id));
    const enis: EniBefore[] = [...d.enis, ...live.filter((e) => !known.has(e.NetworkInterfaceId ?? '')).map((e) => ({ id: e.NetworkInterfaceId ?? '', vpcId: e.VpcId ?? d.vpcId, groups: groupIdsOf(e) }))];
    const now = new Map(live.map((e) => [e.NetworkInterfaceId ?? '', e]));
    const groups: Record<string, string> = {};
    const notes: string[] = [];
    // Every group first: one with ingress fails the step (Warden.InvalidInput) before any ENI is swapped.
    for (const vpc of [...new Set(enis.map((e) => e.vpcId))]) {
      const q = await ensureQuarantineGroup(ec2, vpc, { 'warden:created-by': s.context.id });
      groups[vpc] = q.groupId;
      if (q.created) notes.push(`created ${q.groupId} (${quarantineGroupName(vpc)}) with no rules`);
      else if (q.revoked.length) notes.push(`revoked world-reaching egress from ${q.groupId}: ${q.revoked.map(describeEgress).join(', ')}`);
      if (q.kept.length) notes.push(`${q.groupId} keeps egress ${q.kept.map(describeEgress).join(', ')}`);
    }
    const trunks = new Set([...d.enis.filter((e) => e.trunk).map((e) => e.id), ...live.filter(isTrunk).map((e) => e.NetworkInterfaceId ?? '')]);
    notes.push(...enis.filter((e) => trunks.has(e.id)).map((e) => trunkNote(e.id)));
    const swaps: EniSwap[] = [];
    for (const e of enis) {
      const q = groups[e.vpcId]!;
      const current = now.get(e.id);
      if (!current) {
        swaps.push({ id: e.id, before: e.groups, outcome: 'gone' });
        continue;
      }
      if (onlyIn(groupIdsOf(current), q)) {
        // In quarantine already: by this run (an earlier attempt of this step) unless it was so at plan time.
        swaps.push({ id: e.id, before: e.groups, outcome: onlyIn(e.groups, q) ? 'already' : 'quarantined' });
        continue;
      }
      try {
        const outcome = await setEniGroups(ec2, e.id, [q]);
        swaps.push({ id: e.id, before: e.groups, outcome: outcome === 'set' ? 'quarantined' : 'gone' });
      } catch (err) {
        // Throttling is retried by the state machine; any other refusal (e.g. an ENI another service manages) is
        // recorded, the other ENIs are still quarantined, and verify-isolated fails on this one.
        if (errorName(err) === 'Warden.Throttled') throw err;
        swaps.push({ id: e.id, before: e.groups, outcome: 'refused', error: `${errorName(err)}: ${(err as Error).message}`.slice(0, 300) });
      }
    }
    const line = (w: EniSwap) => {
      const q = groups[enis.find((e) => e.id === w.id)!.vpcId];
      if (w.outcome === 'quarantined') return `${w.id} ${list(w.before)} → ${q}`;
      if (w.outcome === 'already') return `${w.id} already ${q}`;
      if (w.outcome === 'gone') return `${w.id} gone`;
      return `${w.id} REFUSED (${w.error})`;
    };
    const primary = groups[d.vpcId] ?? Object.values(groups)[0];
    const state = withResults(
      { ...s, applied: { result: { applied: swaps.filter((w) => w.outcome === 'quarantined').map((w) => w.id), alreadyGone: swaps.filter((w) => w.outcome === 'gone').map((w) => w.id) } } },
      { ...(primary ? { quarantineGroupId: primary } : {}), quarantineGroups: groups, enis: swaps },
    );
    const refused = swaps.some((w) => w.outcome === 'refused');
    return { state, ...(refused ? { result: 'failed' as const } : {}), detail: [...swaps.map(line), ...notes].join('; ') || `no ENI attached to ${d.instanceId}` };
  },

  async drain(s, deps) {
    const d = details(s);
    if (d.host === 'eks') {
      // Nothing to call: the step says what the responder runs, so the timeline and the notification carry it.
      const kubectl = d.kubectl ?? kubectlNodePlan(undefined, d.instanceId);
      return { result: 'skipped', detail: [eksNode(d), ...commandLines(kubectl)].join('; ') };
    }
    if (!d.containerInstanceArn || !d.cluster) {
      return { result: 'skipped', detail: `not an ECS container instance: no container instance for ${d.instanceId}${d.cluster ? ` on ${d.cluster}` : ''}, nothing to drain` };
    }
    const outcome = await drainContainerInstance(deps.clients.ecs(), d.cluster, d.containerInstanceArn);
    const state = withResults(s, { drained: { cluster: d.cluster, containerInstanceArn: d.containerInstanceArn, outcome } });
    if (outcome === 'gone') return { state, result: 'skipped', detail: `container instance ${d.containerInstanceArn} is no longer registered on ${d.cluster}` };
    return { state, detail: `container instance ${d.containerInstanceArn} on ${d.cluster} ${d.containerInstanceStatus ?? 'ACTIVE'} → DRAINING` };
  },

  async snapshot(s, deps) {
    const d = details(s);
    const ec2 = deps.clients.ec2();
    const instance = await describeInstance(ec2, d.instanceId);
    const volumes = [...new Set([...d.volumes, ...(instance ? instanceVolumeIds(instance) : [])])];
    const incident = s.context.id;
    const tags: Tags = { ...incidentTags(s), 'warden:instance': d.instanceId };
    const snaps: Snap[] = [];
    for (const volumeId of volumes) {
      // A retry after a partial success: the snapshot this incident already took of the volume is kept, not taken twice.
      const [earlier] = await incidentSnapshots(ec2, incident, volumeId);
      if (earlier?.SnapshotId) {
        snaps.push({ volumeId, snapshotId: earlier.SnapshotId, outcome: 'already' });
        continue;
      }
      const out = await snapshotVolume(ec2, volumeId, `Warden ${incident}: forensic snapshot of ${volumeId} from ${d.instanceId}`, { ...tags, 'warden:volume': volumeId });
      snaps.push(out === 'gone' ? { volumeId, outcome: 'gone' } : { volumeId, snapshotId: out.SnapshotId ?? '', outcome: 'taken' });
    }
    const line = (x: Snap) => (x.outcome === 'gone' ? `${x.volumeId} gone` : `${x.volumeId} → ${x.snapshotId}${x.outcome === 'already' ? ' (already taken)' : ''}`);
    return { state: withResults(s, { snapshots: snaps }), ...(snaps.length ? {} : { result: 'skipped' as const }), detail: snaps.map(line).join('; ') || `no EBS volume attached to ${d.instanceId}` };
  },

  async 'tag-instance'(s, deps) {
    const d = details(s);
    const tags: Tags = { ...incidentTags(s), 'warden:isolated': 'true' };
    const q = results(s).quarantineGroupId;
    if (q) tags['warden:quarantine-group'] = q;
    try {
      await tagEc2(deps.clients.ec2(), [d.instanceId], tags);
    } catch (err) {
      if (errorName(err) === 'InvalidInstanceID.NotFound') return { result: 'skipped', detail: `${d.instanceId} is gone: not tagged` };
      throw err;
    }
    return { detail: `tagged ${d.instanceId} ${tagText(tags)}` };
  },

  async 'verify-isolated'(s, deps) {
    const d = details(s);
    const r = results(s);
    const ec2 = deps.clients.ec2();
    const problems: string[] = [];
    const checked: string[] = [];
    const groups = r.quarantineGroups ?? {};
    const instance = await describeInstance(ec2, d.instanceId);
    if (instance && !isInstanceGone(instance)) {
      const enis = await instanceEnis(ec2, d.instanceId);
      for (const e of enis) {
        const q = groups[e.VpcId ?? d.vpcId];
        const now = groupIdsOf(e);
        if (!q || now.length !== 1 || now[0] !== q) problems.push(`${e.NetworkInterfaceId} has ${list(now)}, not only ${q ?? 'a quarantine group'}`);
      }
      checked.push(`${enis.length} ENI(s) only in ${list(Object.values(groups))}`);
    } else {
      checked.push(`${d.instanceId} is ${instance?.State?.Name ?? 'gone'}`);
    }
    for (const groupId of Object.values(groups)) {
      const [g] = await describeGroups(ec2, [groupId]);
      if (!g) {
        problems.push(`quarantine group ${groupId} is gone`);
        continue;
      }
      const { ingress, worldEgress, keptEgress } = await quarantineRules(ec2, groupId);
      if (ingress.length) problems.push(`quarantine group ${groupId} has ingress rule(s) ${ingress.map(describeRule).join('; ')}`);
      if (worldEgress.length) problems.push(`quarantine group ${groupId} reaches the world: ${worldEgress.map(describeEgress).join(', ')}`);
      if (!ingress.length && !worldEgress.length) checked.push(`${groupId} has no ingress and no world-reaching egress (${keptEgress.length} egress rule(s) kept)`);
    }
    if (r.drained?.outcome === 'draining') {
      const [ci] = await describeContainerInstances(deps.clients.ecs(), r.drained.cluster, [r.drained.containerInstanceArn]);
      if (ci && ci.status !== 'DRAINING') problems.push(`container instance ${r.drained.containerInstanceArn} is ${ci.status}, not DRAINING`);
      else checked.push(ci ? 'container instance DRAINING' : 'container instance deregistered');
    }
    const wanted = (r.snapshots ?? []).filter((x) => x.snapshotId).map((x) => x.snapshotId!);
    const snaps = await describeSnapshots(ec2, wanted);
    for (const id of wanted) {
      const snap = snaps.find((x) => x.SnapshotId === id);
      if (!snap) problems.push(`snapshot ${id} not found`);
      else if (snap.State === 'error') problems.push(`snapshot ${id} failed: ${snap.StateMessage ?? 'state error'}`);
    }
    if (wanted.length) checked.push(`${wanted.length} snapshot(s) ${[...new Set(snaps.map((x) => x.State))].join('/')}`);
    if (problems.length) throw new WardenError('Warden.VerificationFailed', problems.join('; '));
    // Branch ENIs of a trunk are not swapped: the host is cut off, but its tasks or pods may not be. Say so in the
    // record and the notification (verified: false) rather than calling it contained.
    const trunks = d.enis.filter((e) => e.trunk).map((e) => e.id);
    if (trunks.length) {
      return {
        state: { ...s, verified: { result: { verified: false, remaining: trunks } } }, result: 'failed',
        detail: `${checked.join('; ')}; NOT fully contained: ${list(trunks)} ${trunks.length > 1 ? 'are trunks' : 'is a trunk'} whose branch ENIs keep their groups (contain those tasks with contain-ecs-task, or the pods with kubectl)`,
      };
    }
    return { state: { ...s, verified: { result: { verified: true, remaining: [] } } }, detail: checked.join('; ') };
  },
};
