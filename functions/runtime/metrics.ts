import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Held } from '../domain/brakes';
import { ignoredClass } from '../domain/ignored';
import type { Finding } from '../domain/model';
import type { RemediationRecord } from '../domain/remediation';
import { METRICS, METRICS_NAMESPACE, SERVICE, point, type MetricPoint } from './metric-catalog';

export { METRICS_NAMESPACE } from './metric-catalog';

/** Metric names of the brakes: every held run, and every trip (the first run held for a count in a window). */
export const BRAKE_METRICS = { held: 'RunsHeld', tripped: 'BreakerTripped' } as const;

/** Where the edge sends its data points (runtime/metrics.ts `emit`, or a test's list). */
export type MetricSink = (points: MetricPoint[]) => void | Promise<void>;

// ---------- what each moment counts (pure) ----------

/** A fix whose run started: its lead finding, by control, severity, mode and who found it. */
export const findingPoints = (finding: Finding, origin: 'event' | 'sweep'): MetricPoint[] => [
  point('Findings', { control: finding.control, severity: finding.severity, mode: finding.remediation.mode, origin }),
];

/** An event decided needing no run, by reason class. */
export const ignoredPoints = (status: 'ignored' | 'compliant', reason: string | undefined): MetricPoint[] => [
  point('IgnoredEvents', { reason: ignoredClass(status, reason) }),
];

export const heldPoints = (held: Held): MetricPoint[] => [
  point('RunsHeld', {}), ...(held.firstOfTrip ? [point('BreakerTripped', {})] : []),
];

const msBetween = (from: string, to: string): number | undefined => {
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) ? Math.max(0, ms) : undefined;
};

/** A run's record, stored once: its outcome, the time to a verified fix, its approval, its hold. */
export function recordPoints(record: RemediationRecord): MetricPoint[] {
  const points = [point('Remediations', { outcome: record.outcome, workflow: record.runbook?.name ?? 'remediate' })];
  if (record.outcome === 'fixed') {
    // From the event (a sweep's run: the sweep's start); a time that does not parse falls back to the run's start.
    const ms = msBetween(record.eventTime, record.finishedAt) ?? msBetween(record.requestedAt, record.finishedAt);
    if (ms !== undefined) points.push(point('TimeToFix', { control: record.finding.control }, ms));
  }
  const a = record.approval;
  if (a?.decision === 'approved' || a?.decision === 'denied') {
    points.push(point('ApprovalsDecided', { decision: a.decision }));
    if (a.timeToDecisionMs !== undefined) points.push(point('ApprovalTimeToDecision', { decision: a.decision }, a.timeToDecisionMs));
  } else if (a) {
    points.push(point('ApprovalsExpired', {}));
  }
  if (record.outcome === 'held' && record.held) points.push(...heldPoints(record.held));
  return points;
}

// ---------- emitting (Powertools Metrics, EMF) ----------

let metricsModule: Promise<typeof import('@aws-lambda-powertools/metrics')> | undefined;

/**
 * The points as CloudWatch metrics in the embedded metric format (Powertools Metrics: one JSON log line per set of
 * dimensions, no API call), published at once. The namespace is POWERTOOLS_METRICS_NAMESPACE, else `Warden`; the
 * service dimension POWERTOOLS_SERVICE_NAME, else `warden`.
 * Powertools loads on the first call, not at init; POWERTOOLS_METRICS_DISABLED is read on every call.
 */
export async function emit(points: MetricPoint[], given?: Metrics): Promise<void> {
  if (points.length === 0) return;
  const m = given ?? new (await (metricsModule ??= import('@aws-lambda-powertools/metrics'))).Metrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE?.trim() || METRICS_NAMESPACE,
    // The dimension the dashboard and the alarms name: `warden` unless the template says otherwise.
    serviceName: process.env.POWERTOOLS_SERVICE_NAME?.trim() || SERVICE,
  });
  const groups = new Map<string, MetricPoint[]>();
  for (const p of points) {
    const key = JSON.stringify(Object.entries(p.dimensions).sort());
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  for (const group of groups.values()) {
    // A dimension value is never empty (CloudWatch refuses it, Powertools would drop the dimension).
    for (const [name, value] of Object.entries(group[0]!.dimensions)) m.addDimension(name, String(value) || 'unknown');
    for (const p of group) m.addMetric(p.name, METRICS[p.name].unit, p.value);
    m.publishStoredMetrics();
  }
}

/** Held runs and trips (RecordAudit): `RunsHeld` counts every held run (paused ones too), `BreakerTripped` each trip. */
export const emitHeld = (held: Held, m?: Metrics): Promise<void> => emit(heldPoints(held), m);
