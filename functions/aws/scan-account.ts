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

/** The readers of one Region, each with the AWS service it reads. */
const READERS: readonly { service: string; what: string; read(c: ActionClients, region: string, gap: OnGap): Promise<Inventory> }[] = [
  { service: 'ec2', what: 'security groups', read: (c, region) => securityGroupInventory(c.ec2(), region) },
  { service: 'ecs', what: 'ECS clusters, services, tasks and task definitions', read: (c, region, gap) => ecsInventory(c.ecs(), region, gap) },
  { service: 'eks', what: 'EKS clusters', read: (c, region, gap) => eksInventory(c.eks(), region, gap) },
  { service: 'ecr', what: 'ECR repositories', read: (c, region, gap) => ecrInventory(c.ecr(), region, gap) },
];

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
  const gaps: ScanGap[] = [];
  const read = await Promise.all(READERS.map(async (reader): Promise<Inventory> => {
    const gap: OnGap = (what, err) => {
      gaps.push({ region, service: reader.service, what, error: errorText(err) });
      deps.progress?.(`${region}: could not read ${what} (${reader.service}): ${errorText(err)}`);
    };
    try {
      const inventory = await reader.read(clients, region, gap);
      deps.progress?.(`${region}: ${Object.entries(inventory).map(([what, found]) => `${found.length} ${what}`).join(', ')}`);
      return inventory;
    } catch (err) {
      gap(reader.what, err);
      return {};
    }
  }));
  const counts = read.flatMap((inventory) => Object.entries(inventory).map(([what, found]) => ({ region, what, count: found.length })));
  const resources: ScannedResource[] = read.flatMap((inventory) => Object.values(inventory).flat());

  const options: ScanOptions = {
    policy: req.policy, now: req.now, ...(req.only ? { only: req.only } : {}),
    live: { publicFrontEnd: (groupId) => publicFrontEnd(clients, groupId) },
  };
  const findings: Finding[] = [];
  for (const r of resources) {
    let lookupFailed = false;
    const decision = await decideScanned(r, options).catch(async (err: unknown) => {
      // Only a group's front-end lookup reads anything here: without it, its public ports stay undecided.
      if (!('group' in r)) throw err;
      lookupFailed = true;
      gaps.push({ region, service: 'elasticloadbalancing', what: `front-end lookup of ${r.ref.id} (its public ports are not decided)`, error: errorText(err) });
      return decideScanned(r, { ...options, live: {} });
    });
    if (decision.status === 'violation') findings.push(...decision.findings);
    // What only a read could decide (a service whose task definition cannot be read…) is a gap, not a pass.
    if (decision.status === 'ignored' && decision.reason.startsWith(NEEDS_LIVE_STATE) && !lookupFailed) {
      gaps.push({ region, service: serviceOf(r.ref.type), what: `what decides ${r.ref.id}`, error: decision.reason });
    }
  }
  return { findings, gaps, counts };
}

/** `AWS::ECS::Service` → `ecs`. */
const serviceOf = (type: string): string => type.split('::')[1]?.toLowerCase() ?? type;
