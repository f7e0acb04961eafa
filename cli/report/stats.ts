// What `warden report` shows, computed from the audit records, the exemption sightings and the pending approvals.
// Pure: no AWS, no clock (the time is given).
import type { ApprovalRecord } from '../../functions/approvals/model';
import { instantText, untilEnds } from '../../functions/domain/policy/exemption';
import type { Outcome, RemediationRecord } from '../../functions/domain/remediation';

const DAY_MS = 86_400_000;

/** A pending approval as the report reads it: every field of the item but the task token (never read). */
export type PendingApproval = Omit<ApprovalRecord, 'taskToken'>;

/** One finding of `warden scan --json` (only what the report uses). */
export interface ScanFinding {
  control: string;
  severity: string;
  resourceId?: string;
  region?: string;
}

/** An exemption first sighting: an audit item `exemption#<account>/<region>/<type>/<id>#until=…|legacy=…`. */
export interface Sighting {
  key: string;
  firstSeen: string;
}

export interface ReportData {
  /** Every record read (final and in progress). */
  records: RemediationRecord[];
  sightings: Sighting[];
  /** Pending approvals, or undefined when no approvals table was read (and why, in `approvalsNote`). */
  approvals?: PendingApproval[];
  approvalsNote?: string;
  /** The findings of a scan (`--scan FILE`), and where they came from. */
  scan?: { file: string; findings: ScanFinding[] };
  /** Where the records came from: the audit table's name (and endpoint), for the page's header. */
  source: string;
}

export interface ReportOptions {
  now: Date;
  /** Only runs that finished within this many days (default 30). */
  days?: number;
  /** An exemption ending within this many days is "expiring" (default 14). */
  expiringDays?: number;
  /** The policy's exemptions.maxDays: the cap of an exemption seen without a run (default 90). */
  maxDays?: number;
}

/** Outcomes in the order the charts and tables list them. */
export const OUTCOMES: readonly Outcome[] = [
  'fixed', 'already-fixed', 'resource-gone', 'not-found', 'notified', 'dry-run', 'approval-required', 'denied', 'expired', 'held', 'failed',
];

/** Median and 95th percentile (nearest rank) of a list of numbers; undefined for an empty list. */
export function percentiles(values: readonly number[]): { median: number; p95: number } | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, p95: s[Math.ceil(0.95 * s.length) - 1]! };
}

/** How long a run took: its durationMs, else from the event to the end. */
export function durationOf(r: RemediationRecord): number | undefined {
  if (Number.isFinite(r.durationMs) && r.durationMs >= 0) return r.durationMs;
  const ms = Date.parse(r.finishedAt) - Date.parse(r.eventTime);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export interface Report {
  now: string;
  days: number;
  /** Runs that finished in the window (in-progress ones are counted apart). */
  finished: RemediationRecord[];
  inProgress: number;
  /** Per day (UTC, oldest first, every day of the window) and outcome: the number of runs that finished. */
  perDay: { days: string[]; series: { outcome: Outcome; counts: number[] }[] };
  /** Fixed runs' durations by control, slowest median first. */
  timeToFix: { control: string; fixes: number; median: number; p95: number; max: number }[];
  approvals?: PendingApproval[];
  expiring: ExpiringExemption[];
  slowest: RemediationRecord[];
  failed: RemediationRecord[];
  scan?: { file: string; total: number; severities: string[]; byControl: { control: string; counts: Record<string, number>; total: number }[] };
}

export interface ExpiringExemption {
  resource: string;
  account: string;
  region: string;
  /** When it stops exempting (ISO). */
  endsAt: string;
  why: string;
  reason?: string;
  by?: string;
  firstSeen?: string;
  /** The run that last saw it, when one did. */
  run?: string;
}

const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL'];
const SIGHTING = /^exemption#([^/]+)\/([^/]+)\/([^/]+)\/(.+?)#(until|legacy)=(.*)$/s;

/** The exemptions in force at `now` that end within the window: from the runs' verdicts, then sightings no run judged. */
export function expiringExemptions(data: Pick<ReportData, 'records' | 'sightings'>, now: number, windowDays: number, maxDays: number): ExpiringExemption[] {
  const horizon = now + windowDays * DAY_MS;
  const found = new Map<string, ExpiringExemption>();
  const latestFirst = [...data.records].sort((a, b) => b.finishedAt.localeCompare(a.finishedAt));
  for (const r of latestFirst) {
    const e = r.exemption ?? r.finding.exemption;
    const ends = e?.expiresAt ? Date.parse(e.expiresAt) : Number.NaN;
    if (!e || e.status !== 'active' || !(ends > now && ends <= horizon)) continue;
    const res = r.finding.resource;
    const key = `${res.account}/${res.region}/${res.type}/${res.id}#${e.until !== undefined ? `until=${e.until}` : `legacy=${e.legacy ?? ''}`}`;
    if (found.has(key)) continue;
    found.set(key, {
      resource: res.arn ?? res.id, account: res.account, region: res.region, endsAt: e.expiresAt!, why: e.why, run: r.id,
      ...(e.reason ? { reason: e.reason } : {}), ...(e.by ? { by: e.by } : {}), ...(e.firstSeen ? { firstSeen: e.firstSeen } : {}),
    });
  }
  for (const s of data.sightings) {
    const m = SIGHTING.exec(s.key);
    const seen = Date.parse(s.firstSeen);
    if (!m || !Number.isFinite(seen)) continue;
    const [, account, region, type, id, kind, value] = m as unknown as string[];
    if (found.has(`${account}/${region}/${type}/${id}#${kind}=${value}`)) continue;
    const cap = seen + maxDays * DAY_MS;
    const until = kind === 'until' ? untilEnds(value!) : undefined;
    if (kind === 'until' && until === undefined) continue;
    const ends = until !== undefined ? Math.min(until, cap) : cap;
    if (!(ends > now && ends <= horizon)) continue;
    found.set(s.key, {
      resource: id!, account: account!, region: region!, endsAt: instantText(ends), firstSeen: s.firstSeen,
      why: kind === 'until' && until! <= cap ? `until ${value} (seen by triage or a sweep, no run since)` : `the ${maxDays}-day cap from first seen (no run since)`,
    });
  }
  return [...found.values()].sort((a, b) => a.endsAt.localeCompare(b.endsAt));
}

/** Everything the page shows, from the data at `now`. */
export function buildReportModel(data: ReportData, opts: ReportOptions): Report {
  const now = opts.now.getTime();
  const days = opts.days ?? 30;
  const from = now - days * DAY_MS;
  const inWindow = data.records.filter((r) => r.outcome !== 'in-progress' && Date.parse(r.finishedAt) >= from && Date.parse(r.finishedAt) <= now);
  const dayList = Array.from({ length: days }, (_, i) => dayOf(now - (days - 1 - i) * DAY_MS));
  const index = new Map(dayList.map((d, i) => [d, i]));
  const series = OUTCOMES.map((outcome) => ({ outcome, counts: dayList.map(() => 0) }));
  for (const r of inWindow) {
    const i = index.get(dayOf(Date.parse(r.finishedAt)));
    const s = series.find((x) => x.outcome === r.outcome);
    if (i !== undefined && s) s.counts[i]!++;
  }
  const byControl = new Map<string, number[]>();
  for (const r of inWindow) {
    const ms = r.outcome === 'fixed' ? durationOf(r) : undefined;
    if (ms === undefined) continue;
    byControl.set(r.finding.control, [...(byControl.get(r.finding.control) ?? []), ms]);
  }
  const timeToFix = [...byControl].map(([control, ms]) => ({ control, fixes: ms.length, ...percentiles(ms)!, max: Math.max(...ms) }))
    .sort((a, b) => b.median - a.median || a.control.localeCompare(b.control));
  const slowest = inWindow.filter((r) => durationOf(r) !== undefined).sort((a, b) => durationOf(b)! - durationOf(a)!).slice(0, 10);
  const failed = inWindow.filter((r) => r.outcome === 'failed').sort((a, b) => b.finishedAt.localeCompare(a.finishedAt)).slice(0, 50);
  return {
    now: opts.now.toISOString(), days, finished: inWindow,
    inProgress: data.records.filter((r) => r.outcome === 'in-progress').length,
    perDay: { days: dayList, series: series.filter((s) => s.counts.some((c) => c > 0)) },
    timeToFix,
    ...(data.approvals ? { approvals: [...data.approvals].sort((a, b) => a.expiresAt - b.expiresAt) } : {}),
    expiring: expiringExemptions(data, now, opts.expiringDays ?? 14, opts.maxDays ?? 90),
    slowest, failed,
    ...(data.scan ? { scan: scanSummary(data.scan) } : {}),
  };
}

function scanSummary(scan: NonNullable<ReportData['scan']>): NonNullable<Report['scan']> {
  const rows = new Map<string, Record<string, number>>();
  for (const f of scan.findings) {
    const row = rows.get(f.control) ?? {};
    row[f.severity] = (row[f.severity] ?? 0) + 1;
    rows.set(f.control, row);
  }
  const seen = new Set(scan.findings.map((f) => f.severity));
  const severities = [...SEVERITIES.filter((s) => seen.has(s)), ...[...seen].filter((s) => !SEVERITIES.includes(s)).sort()];
  const byControl = [...rows].map(([control, counts]) => ({ control, counts, total: Object.values(counts).reduce((a, b) => a + b, 0) }))
    .sort((a, b) => b.total - a.total || a.control.localeCompare(b.control));
  return { file: scan.file, total: scan.findings.length, severities, byControl };
}
