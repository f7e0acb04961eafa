/**
 * The scheduled sweep (pure): its plan (account × Region × resource type), what each item reports, and the summary of
 * the whole sweep. The state machine is functions/domain/asl/sweep.ts; the item's work is handlers/sweep-item.ts.
 */
import type { ScanGap } from './scan';

/**
 * The resource types one sweep item reads, as the scan's inventory readers read them (functions/aws/scan-account.ts).
 * ECS is one item: its services, tasks and task definitions are judged through each other.
 */
export const SWEEP_RESOURCE_TYPES = ['AWS::EC2::SecurityGroup', 'AWS::ECS::*', 'AWS::EKS::Cluster', 'AWS::ECR::Repository'] as const;
export type SweepResourceType = (typeof SWEEP_RESOURCE_TYPES)[number];

/** One item of the Distributed Map: an account (Warden's own, or a member's in a hub deployment), a Region, a resource type. */
export interface SweepItem {
  account: string;
  region: string;
  resourceType: SweepResourceType;
}

export interface SweepPlan {
  sweepId: string;
  startedAt: string;
  account: string;
  items: SweepItem[];
  /** What the sweep will not read, and why (a Region this deployment cannot fix). */
  gaps: ScanGap[];
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/**
 * The items of one sweep: each listed Region (default: Warden's own) × each resource type, in Warden's account and in
 * each member account (`members`, a hub deployment). In Warden's own account a Region other than its own is a gap,
 * not an item: the remediation functions' grants name their own Region, so a finding there could not be fixed
 * (deploy Warden in that Region). A member account is swept in every listed Region, through its spoke roles.
 * Throws on a Region name that is not one.
 */
export function planSweep(o: { sweepId: string; startedAt: string; account: string; ownRegion: string; regions: readonly string[]; members?: readonly string[]; memberGaps?: ScanGap[] }): SweepPlan {
  const listed = [...new Set(o.regions.map((r) => r.trim()).filter(Boolean))];
  const bad = listed.filter((r) => !REGION.test(r));
  if (bad.length) throw new Error(`SWEEP_REGIONS: not a Region name: ${bad.join(', ')}`);
  const regions = listed.length ? listed : [o.ownRegion];
  const gaps: ScanGap[] = regions.filter((r) => r !== o.ownRegion).map((region) => ({
    region, service: 'warden', what: 'the whole Region (not swept)',
    error: `this deployment fixes resources in ${o.ownRegion} only: deploy Warden in ${region} to sweep it`,
  }));
  const itemsOf = (account: string, inRegions: readonly string[]) =>
    inRegions.flatMap((region) => SWEEP_RESOURCE_TYPES.map((resourceType) => ({ account, region, resourceType })));
  const members = [...new Set(o.members ?? [])].filter((a) => a !== o.account).sort();
  const items = [...itemsOf(o.account, regions.filter((r) => r === o.ownRegion)), ...members.flatMap((a) => itemsOf(a, regions))];
  return { sweepId: o.sweepId, startedAt: o.startedAt, account: o.account, items, gaps: [...gaps, ...(o.memberGaps ?? [])] };
}

/** What one item counted. */
export interface SweepCounts {
  resources: number;
  findings: number;
  runsStarted: number;
  /** Starts that found the run already there (a retried item). */
  duplicates: number;
  suppressed: number;
  locked: number;
}

export const NO_COUNTS: SweepCounts = { resources: 0, findings: 0, runsStarted: 0, duplicates: 0, suppressed: 0, locked: 0 };

/** At most this many gaps per item and per summary are listed (all are counted): the Map's output stays small. */
export const GAPS_LISTED = 20;

/** One item's result, the output of its child execution. */
export interface SweepItemResult extends SweepCounts {
  item: SweepItem;
  gaps: ScanGap[];
  gapCount: number;
}

/** An item whose child execution caught an error (ItemFailed in the ASL). */
export interface FailedSweepItem {
  item: SweepItem;
  failed: { Error?: string; Cause?: string };
}

export interface SweepSummary extends SweepCounts {
  sweepId: string;
  status: 'completed' | 'failed';
  startedAt: string;
  finishedAt: string;
  account?: string;
  regions: string[];
  items: number;
  failedItems: number;
  gaps: number;
  /** The first gaps (GAPS_LISTED), failed items among them. */
  gapList: ScanGap[];
  /** Why the sweep failed (planning, or the Map itself). */
  error?: { error: string; cause: string };
}

const isFailed = (r: SweepItemResult | FailedSweepItem): r is FailedSweepItem => 'failed' in r;

const cause = (e: { Error?: string; Cause?: string } | undefined) => ({ error: e?.Error ?? 'Error', cause: (e?.Cause ?? '').slice(0, 1000) });

/** The sweep's summary from its plan, its items' results and, when it failed, the error. */
export function summarizeSweep(o: {
  sweepId: string; startedAt: string; finishedAt: string; plan?: SweepPlan; results?: (SweepItemResult | FailedSweepItem)[];
  error?: { Error?: string; Cause?: string };
}): SweepSummary {
  const results = o.results ?? [];
  const done = results.filter((r): r is SweepItemResult => !isFailed(r));
  const failed = results.filter(isFailed);
  const sum = (k: keyof SweepCounts) => done.reduce((n, r) => n + r[k], 0);
  const gaps: ScanGap[] = [
    ...(o.plan?.gaps ?? []),
    ...failed.map((f) => ({ region: f.item.region, service: 'warden', what: `sweep item ${f.item.resourceType}`, error: `${cause(f.failed).error}: ${cause(f.failed).cause}` })),
    ...done.flatMap((r) => r.gaps),
  ];
  const gapCount = (o.plan?.gaps.length ?? 0) + failed.length + done.reduce((n, r) => n + r.gapCount, 0);
  return {
    sweepId: o.sweepId, status: o.error ? 'failed' : 'completed', startedAt: o.startedAt, finishedAt: o.finishedAt,
    ...(o.plan ? { account: o.plan.account } : {}),
    regions: [...new Set((o.plan?.items ?? []).map((i) => i.region))],
    items: o.plan?.items.length ?? 0, failedItems: failed.length,
    resources: sum('resources'), findings: sum('findings'), runsStarted: sum('runsStarted'), duplicates: sum('duplicates'),
    suppressed: sum('suppressed'), locked: sum('locked'), gaps: gapCount, gapList: gaps.slice(0, GAPS_LISTED),
    ...(o.error ? { error: cause(o.error) } : {}),
  };
}
