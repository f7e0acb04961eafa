import type { ActionClients } from './action-clients';
import type { Finding } from '../domain/model';
import type { Policy } from '../domain/policy/schema';
import { byPriority, decideScanned, type ScanCount, type ScanGap, type ScannedResource, type ScanOptions, type ScanResult } from '../domain/scan';
import { NEEDS_LIVE_STATE } from '../domain/notes';
import { errorName } from './errors';
import { publicFrontEnd } from './front-ends';
import { ecsInventory } from './inventory/ecs';
import { ecrInventory, eksInventory } from './inventory/eks-ecr';
import { mapLimit, type Inventory, type OnGap } from './inventory/kit';
import type { SweepResourceType } from '../domain/sweep';
import { securityGroupInventory } from './inventory/security-groups';

/**
 * `warden scan` over the SDK: each Region's inventory (inventory/), then each resource decided by the events' path
 * (domain/scan.ts). Read only: its IAM grants are SCAN_READS (permissions.ts), from which infra/scan-policy.json is
 * generated. Whatever cannot be read is a gap (service, Region, error), never skipped silently.
 */

export interface ScanRequest {
  regions: readonly string[];
  policy: Policy;
  /** When the scan started: the findings' time and the time exemptions are judged at. */
  now: Date;
  /** Only these controls (`--controls`). */
  only?: readonly string[];
}

export interface ScanDeps {
  /** The SDK clients of one Region (region-clients.ts regionClients; tests record or fail their calls). */
  clientsFor(region: string): ActionClients;
  /** One line per reader and Region as it finishes (stderr in the CLI). */
  progress?(line: string): void;
}

/** One inventory reader: the resource type it reads (a sweep item's), the AWS service, and what it reads. */
export interface Reader {
  resourceType: SweepResourceType;
  service: string;
  what: string;
  read(c: ActionClients, region: string, gap: OnGap): Promise<Inventory>;
}

/** The readers of one Region, each with the AWS service it reads. */
export const READERS: readonly Reader[] = [
  { resourceType: 'AWS::EC2::SecurityGroup', service: 'ec2', what: 'security groups', read: (c, region) => securityGroupInventory(c.ec2(), region) },
  { resourceType: 'AWS::ECS::*', service: 'ecs', what: 'ECS clusters, services, tasks and task definitions', read: (c, region, gap) => ecsInventory(c.ecs(), region, gap) },
  { resourceType: 'AWS::EKS::Cluster', service: 'eks', what: 'EKS clusters', read: (c, region, gap) => eksInventory(c.eks(), region, gap) },
  { resourceType: 'AWS::ECR::Repository', service: 'ecr', what: 'ECR repositories', read: (c, region, gap) => ecrInventory(c.ecr(), region, gap) },
];

/** The reader of a sweep item's resource type. */
export const readerFor = (type: SweepResourceType): Reader => READERS.find((r) => r.resourceType === type)!;

/** Regions read at once (each reads its four services at once). */
const REGIONS_AT_ONCE = 4;

export const errorText = (err: unknown): string => {
  const message = (err as Error)?.message ?? String(err);
  const name = errorName(err);
  return name && name !== 'Error' ? `${name}: ${message}` : message;
};

export async function scanAccount(req: ScanRequest, deps: ScanDeps): Promise<ScanResult> {
  const perRegion = await mapLimit(req.regions, REGIONS_AT_ONCE, (region) => scanRegion(region, req, deps));
  return {
    startedAt: req.now.toISOString(),
    regions: [...req.regions],
    findings: perRegion.flatMap((r) => r.findings).sort(byPriority),
    gaps: perRegion.flatMap((r) => r.gaps),
    counts: perRegion.flatMap((r) => r.counts),
  };
}

async function scanRegion(region: string, req: ScanRequest, deps: ScanDeps): Promise<{ findings: Finding[]; gaps: ScanGap[]; counts: ScanCount[] }> {
  const clients = deps.clientsFor(region);
  const read = await readInventory(region, READERS, clients, deps.progress);
  const options: ScanOptions = { policy: req.policy, now: req.now, ...(req.only ? { only: req.only } : {}) };
  const decided = await decideInventory(region, read.resources, options, clients);
  return { findings: decided.violations.flatMap((v) => v.findings), gaps: [...read.gaps, ...decided.gaps], counts: read.counts };
}

/** What readers read in one Region: the resources, how many of each kind, and the gaps. */
export interface ReadInventory {
  resources: ScannedResource[];
  counts: ScanCount[];
  gaps: ScanGap[];
}

/** Run `readers` over one Region at once; a refused or failed read is a gap, and the others go on. */
export async function readInventory(region: string, readers: readonly Reader[], clients: ActionClients, progress?: (line: string) => void): Promise<ReadInventory> {
  const gaps: ScanGap[] = [];
  const read = await Promise.all(readers.map(async (reader): Promise<Inventory> => {
    const gap: OnGap = (what, err) => {
      gaps.push({ region, service: reader.service, what, error: errorText(err) });
      progress?.(`${region}: could not read ${what} (${reader.service}): ${errorText(err)}`);
    };
    try {
      const inventory = await reader.read(clients, region, gap);
      progress?.(`${region}: ${Object.entries(inventory).map(([what, found]) => `${found.length} ${what}`).join(', ')}`);
      return inventory;
    } catch (err) {
      gap(reader.what, err);
      return {};
    }
  }));
  return {
    resources: read.flatMap((inventory) => Object.values(inventory).flat()),
    counts: read.flatMap((inventory) => Object.entries(inventory).map(([what, found]) => ({ region, what, count: found.length }))),
    gaps,
  };
}

/** The resources of one Region that violate a control, each with its findings (one observation's, as triage has them). */
export interface DecidedInventory {
  violations: { resource: ScannedResource; findings: Finding[] }[];
  gaps: ScanGap[];
}

/**
 * Decide each resource by the events' path, with the public-front-end lookup made as triage makes it (`options.live`
 * is set here). What only a failed read could decide is a gap, not a pass.
 */
export async function decideInventory(region: string, resources: readonly ScannedResource[], options: ScanOptions, clients: ActionClients): Promise<DecidedInventory> {
  const withLookup: ScanOptions = { ...options, live: { publicFrontEnd: (groupId) => publicFrontEnd(clients, groupId) } };
  const violations: DecidedInventory['violations'] = [];
  const gaps: ScanGap[] = [];
  for (const r of resources) {
    let lookupFailed = false;
    const decision = await decideScanned(r, withLookup).catch(async (err: unknown) => {
      // Only a group's front-end lookup reads anything here: without it, its public ports stay undecided.
      if (!('group' in r)) throw err;
      lookupFailed = true;
      gaps.push({ region, service: 'elasticloadbalancing', what: `front-end lookup of ${r.ref.id} (its public ports are not decided)`, error: errorText(err) });
      return decideScanned(r, { ...withLookup, live: {} });
    });
    if (decision.status === 'violation') violations.push({ resource: r, findings: decision.findings });
    // What only a read could decide (a service whose task definition cannot be read…) is a gap, not a pass.
    if (decision.status === 'ignored' && decision.reason.startsWith(NEEDS_LIVE_STATE) && !lookupFailed) {
      gaps.push({ region, service: serviceOf(r.ref.type), what: `what decides ${r.ref.id}`, error: decision.reason });
    }
  }
  return { violations, gaps };
}

/** `AWS::ECS::Service` → `ecs`. */
const serviceOf = (type: string): string => type.split('::')[1]?.toLowerCase() ?? type;
