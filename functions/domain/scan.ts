/**
 * `warden scan`: each resource the scan's inventory read (functions/aws/inventory/) becomes the Observation the event
 * path builds for that resource after its live read, and is decided by the same path as events (`decideObservation`:
 * the same controls, exemptions and modes). Pure: the reads are done; only the public-front-end lookup is a port, as
 * in `evaluate()`.
 */
import { decideObservation, withLiveFacts, withLiveGroup, type DecideOptions } from './evaluate';
import type { Decision, Facts, Finding, LiveSecurityGroup, LiveState, Observation, ResourceRef, Severity, Tags } from './model';

/** One resource as the inventory read it: its ref (named as the event path names it) and what the read gave. */
export type ScannedResource =
  | { ref: ResourceRef; group: LiveSecurityGroup }
  | { ref: ResourceRef; facts: Facts; tags: Tags };

export interface ScanOptions extends DecideOptions {
  /** When the scan started: the observations' time, and the time exemptions are judged at (required here). */
  now: Date;
  /** The public-front-end lookup. Absent (or failed): a group's public ports wait for knowledge, as offline. */
  live?: Pick<LiveState, 'publicFrontEnd'>;
}

/**
 * The observation of a scanned resource: `source: 'scan'`, no actor, and the resource and facts the event path's live
 * read gives. A group is read whole, like a Config item: every rule is its own (no `eventRuleIds`).
 */
export function scanObservation(r: ScannedResource, { now, policy, live = {} }: ScanOptions): Promise<Observation> {
  const time = now.toISOString();
  const base = { source: 'scan', eventId: `scan:${time}`, eventName: 'Scan', time, account: r.ref.account, region: r.ref.region, resource: r.ref } as const;
  if ('group' in r) {
    return withLiveGroup({ ...base, facts: { kind: 'sg-flagged', groupId: r.group.groupId, flaggedBy: 'warden scan' } }, r.group, live, policy);
  }
  return Promise.resolve(withLiveFacts({ ...base, facts: r.facts }, r));
}

/** The decision on one scanned resource, by the events' decision path. */
export async function decideScanned(r: ScannedResource, options: ScanOptions): Promise<Decision> {
  return decideObservation(await scanObservation(r, options), options);
}

/** A part of the account the scan could not read: never skipped silently. */
export interface ScanGap {
  region: string;
  /** The AWS service: ec2, ecs, eks, ecr, elasticloadbalancing. */
  service: string;
  /** What could not be read, e.g. "security groups", "services of cluster payments". */
  what: string;
  /** The error's name and message. */
  error: string;
}

/** How many resources of one kind were read in one Region. */
export interface ScanCount {
  region: string;
  what: string;
  count: number;
}

export interface ScanResult {
  startedAt: string;
  regions: string[];
  findings: Finding[];
  gaps: ScanGap[];
  counts: ScanCount[];
}

export const SEVERITIES: readonly Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL'];
const rank = (s: Severity) => SEVERITIES.indexOf(s);

/** One line of the summary: a control at a severity, with its findings and the distinct resources they are on. */
export interface SummaryRow {
  control: string;
  severity: Severity;
  findings: number;
  resources: number;
}

/** Findings by control and severity, most severe first, then by control id. */
export function summarize(findings: readonly Finding[]): SummaryRow[] {
  const rows = new Map<string, { control: string; severity: Severity; findings: number; resources: Set<string> }>();
  for (const f of findings) {
    const key = `${f.control}|${f.severity}`;
    const row = rows.get(key) ?? { control: f.control, severity: f.severity, findings: 0, resources: new Set<string>() };
    row.findings++;
    row.resources.add(`${f.resource.region}/${f.resource.id}`);
    rows.set(key, row);
  }
  return [...rows.values()]
    .sort((a, b) => rank(a.severity) - rank(b.severity) || a.control.localeCompare(b.control))
    .map((r) => ({ control: r.control, severity: r.severity, findings: r.findings, resources: r.resources.size }));
}

/** Findings in a stable order: most severe first, then control, Region and resource. */
export const byPriority = (a: Finding, b: Finding): number =>
  rank(a.severity) - rank(b.severity) || a.control.localeCompare(b.control) || a.resource.region.localeCompare(b.resource.region) ||
  a.resource.id.localeCompare(b.resource.id);
