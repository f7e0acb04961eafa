/**
 * GuardDuty "GuardDuty Finding" (detail = one Finding object, as GetFindings returns it). Warden reads container
 * findings: `ECSCluster` (ECS Runtime Monitoring: the task), `EKSCluster` (EKS audit-log and runtime: the cluster)
 * and `Instance` when the instance's tags show it is an ECS container instance or an EKS node. Archived updates,
 * sample findings and other resources are ignored with a reason.
 */
import { z } from 'zod';
import type { GuardDutyFacts, Normalized, Observation, ResourceRef, Tags } from '../model';
import { observationOf, parseDetail, type Envelope } from './envelope';
import { clusterRef, eksClusterRef, taskRef, type Where } from './refs';

export const GUARDDUTY_DETAIL_TYPE = 'GuardDuty Finding';
/** The GuardDuty resource types triage reads: ECS tasks and clusters, EKS clusters, EC2 hosts of either. */
export const GUARDDUTY_RESOURCE_TYPES = ['ECSCluster', 'EKSCluster', 'Instance'] as const;
export const INSTANCE_TYPE = 'AWS::EC2::Instance';

const Str = z.string().nullish();
const TagList = z.array(z.object({ key: z.string(), value: z.string().nullish() })).nullish();
const Container = z.object({ name: Str, image: Str });

const Resource = z.object({
  resourceType: z.string(),
  ecsClusterDetails: z
    .object({
      name: Str,
      arn: Str,
      tags: TagList,
      taskDetails: z
        .object({ arn: Str, definitionArn: Str, group: Str, startedBy: Str, launchType: Str, tags: TagList, containers: z.array(Container).nullish() })
        .nullish(),
    })
    .nullish(),
  eksClusterDetails: z.object({ name: Str, arn: Str, tags: TagList }).nullish(),
  kubernetesDetails: z
    .object({
      kubernetesUserDetails: z.object({ username: Str }).nullish(),
      kubernetesWorkloadDetails: z.object({ name: Str, type: Str, namespace: Str, containers: z.array(Container).nullish() }).nullish(),
    })
    .nullish(),
  instanceDetails: z.object({ instanceId: Str, tags: TagList }).nullish(),
});

const Finding = z.object({
  accountId: z.string().optional(),
  region: z.string().optional(),
  partition: z.string().optional(),
  id: z.string().min(1),
  type: z.string().min(1),
  title: Str,
  severity: z.number().min(0).max(10),
  updatedAt: Str,
  resource: Resource,
  service: z
    .object({
      archived: z.boolean().nullish(),
      count: z.number().nullish(),
      additionalInfo: z.object({ sample: z.boolean().nullish() }).nullish(),
      runtimeDetails: z.object({ process: z.object({ name: Str, executablePath: Str }).nullish() }).nullish(),
    })
    .nullish(),
});
type Finding = z.output<typeof Finding>;
type Resource = z.output<typeof Resource>;

export const GuardDutyFindingEvent = z.object({ detail: Finding });

const tagsOf = (list: z.output<typeof TagList>): Tags | undefined =>
  list?.length ? Object.fromEntries(list.map((t) => [t.key, t.value ?? ''])) : undefined;

const compact = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null && v !== '')) as T;

const containersOf = (list: { name?: string | null; image?: string | null }[] | null | undefined): string[] | undefined =>
  list?.length ? list.map((c) => `${c.name ?? '(unnamed)'}${c.image ? ` (${c.image})` : ''}`) : undefined;

/** The orchestrator an EC2 instance belongs to, and its cluster, from the tags ECS and EKS put on their hosts. */
export function hostOf(tags: Tags | undefined): { host: 'ecs' | 'eks'; cluster?: string } | undefined {
  if (!tags) return undefined;
  const eks = tags['eks:cluster-name'] ?? tags['aws:eks:cluster-name'];
  if (eks) return { host: 'eks', cluster: eks };
  const k8s = Object.keys(tags).find((k) => k.startsWith('kubernetes.io/cluster/'));
  if (k8s) return { host: 'eks', cluster: k8s.slice('kubernetes.io/cluster/'.length) };
  if ('AmazonECSManaged' in tags) return { host: 'ecs' };
  return undefined;
}

const instanceArn = (w: Where, id: string) => `arn:${w.partition ?? 'aws'}:ec2:${w.region}:${w.account}:instance/${id}`;

interface Placed {
  resource: ResourceRef;
  facts: Partial<GuardDutyFacts>;
}

/** The resource and resource-specific facts of a finding, or a reason it is not one Warden reads. */
function place(r: Resource, w: Where): Placed | string {
  if (r.resourceType === 'ECSCluster') {
    const c = r.ecsClusterDetails;
    if (!c?.name && !c?.arn) return 'GuardDuty ECSCluster finding without ecsClusterDetails';
    const t = c.taskDetails;
    const tags = { ...tagsOf(c.tags), ...tagsOf(t?.tags) };
    const withTags = (ref: ResourceRef): ResourceRef => (Object.keys(tags).length ? { ...ref, tags } : ref);
    const resource = withTags(t?.arn ? taskRef(w, t.arn) : clusterRef(w, (c.arn ?? c.name)!));
    const facts = compact({
      clusterName: c.name ?? undefined,
      clusterArn: c.arn ?? undefined,
      taskArn: t?.arn ?? undefined,
      taskDefinitionArn: t?.definitionArn ?? undefined,
      taskGroup: t?.group ?? undefined,
      startedBy: t?.startedBy ?? undefined,
      launchType: t?.launchType ?? undefined,
      containers: containersOf(t?.containers),
    });
    return { resource, facts };
  }
  if (r.resourceType === 'EKSCluster') {
    const c = r.eksClusterDetails;
    if (!c?.name) return 'GuardDuty EKSCluster finding without eksClusterDetails.name';
    const k = r.kubernetesDetails;
    const wl = k?.kubernetesWorkloadDetails;
    const resource = eksClusterRef(w, c.name, c.arn ?? undefined, tagsOf(c.tags));
    // Runtime findings on a node running on EC2 name it (instanceDetails); EKS on Fargate has no Runtime Monitoring,
    // and audit-log findings name no instance.
    const node = r.instanceDetails?.instanceId ?? undefined;
    const facts = compact({
      clusterName: c.name,
      clusterArn: resource.arn,
      kubernetesUser: k?.kubernetesUserDetails?.username ?? undefined,
      kubernetesNamespace: wl?.namespace ?? undefined,
      kubernetesWorkload: wl?.name ? `${wl.type ?? 'workload'}/${wl.name}` : undefined,
      containers: containersOf(wl?.containers),
      // The EKS runbook finds the node to cordon by it; the contain band also isolates it (isolate-container-instance).
      instanceId: node,
      instanceArn: node ? instanceArn(w, node) : undefined,
      instanceTags: tagsOf(r.instanceDetails?.tags),
    });
    return { resource, facts };
  }
  if (r.resourceType === 'Instance') {
    const i = r.instanceDetails;
    if (!i?.instanceId) return 'GuardDuty Instance finding without instanceDetails.instanceId';
    const tags = tagsOf(i.tags);
    // Without ECS or EKS tags the host is unknown: the control asks live state (an ECS container-instance lookup).
    const host = hostOf(tags);
    const arn = instanceArn(w, i.instanceId);
    const resource: ResourceRef = { type: INSTANCE_TYPE, id: arn, arn, account: w.account, region: w.region, ...(tags ? { tags } : {}) };
    return { resource, facts: compact({ instanceId: i.instanceId, instanceArn: arn, host: host?.host, clusterName: host?.cluster }) };
  }
  return `GuardDuty finding on ${r.resourceType}: not an ECS task, EKS cluster or container host`;
}

function factsOf(f: Finding, placed: Partial<GuardDutyFacts>): GuardDutyFacts {
  const p = f.service?.runtimeDetails?.process;
  const process = p?.name ? `${p.name}${p.executablePath ? ` (${p.executablePath})` : ''}` : (p?.executablePath ?? undefined);
  return compact({
    id: f.id,
    type: f.type,
    severity: f.severity,
    updatedAt: f.updatedAt ?? undefined,
    count: f.service?.count ?? undefined,
    resourceType: f.resource.resourceType as GuardDutyFacts['resourceType'],
    title: f.title ?? undefined,
    ...placed,
    process,
    runtime: f.service?.runtimeDetails ? true : undefined,
  });
}

export function normalizeGuardDuty(env: Envelope): Normalized {
  const parsed = parseDetail(Finding, env, 'GuardDuty finding');
  if (!parsed.ok) return parsed.result;
  const f = parsed.detail;
  const w: Where = { account: f.accountId ?? env.account, region: f.region ?? env.region, ...(f.partition ? { partition: f.partition } : {}) };
  const placed = place(f.resource, w);
  const observation: Observation | undefined =
    typeof placed === 'string' ? undefined : observationOf('guardduty', env, placed.resource, { kind: 'guardduty-finding', finding: factsOf(f, placed.facts) });
  const ignored = (reason: string): Normalized => (observation ? { kind: 'ignored', reason, observation } : { kind: 'ignored', reason });

  if (f.service?.archived === true) return ignored(`GuardDuty finding ${f.id} (${f.type}) is archived`);
  if (f.service?.additionalInfo?.sample === true) return ignored(`GuardDuty finding ${f.id} (${f.type}) is a sample finding`);
  if (typeof placed === 'string') return ignored(placed);
  return { kind: 'observation', observation: observation! };
}
