/**
 * Every metric Warden emits, declared once: name, unit, dimensions and what it counts. The emitters
 * (runtime/metrics.ts) take their names and dimensions from here, and so do the dashboard (generated into
 * template.yaml by scripts/gen-template.ts) and the tests. No imports: the generator and the tests read it as data.
 *
 * Dimensions are low-cardinality only (a control id, a severity, an outcome, a class), never a resource id, and every
 * metric also carries Powertools' default dimension `service` (POWERTOOLS_SERVICE_NAME, `warden`). A metric an alarm
 * watches has no other dimension: an alarm cannot add up a dimension's values.
 */

/** The namespace when POWERTOOLS_METRICS_NAMESPACE is not set; template.yaml sets `Warden/<stack>` for every function. */
export const METRICS_NAMESPACE = 'Warden';
/** Powertools' default dimension (its name) and Warden's value (template.yaml's POWERTOOLS_SERVICE_NAME). */
export const SERVICE_DIMENSION = 'service';
export const SERVICE = 'warden';

export interface MetricDeclaration {
  unit: 'Count' | 'Milliseconds';
  dimensions: readonly string[];
  /** What one data point means, and who emits it. */
  what: string;
}

export const METRICS = {
  Findings: {
    unit: 'Count', dimensions: ['control', 'severity', 'mode', 'origin'],
    what: 'a fix whose run started (its lead finding), by triage (origin event) or a sweep item (origin sweep); a duplicate delivery is not counted',
  },
  IgnoredEvents: {
    unit: 'Count', dimensions: ['reason'],
    what: 'an event triage decided needs no run, by reason class (domain/ignored.ts: loop-guard, no-control, compliant, …)',
  },
  InvalidEvents: { unit: 'Count', dimensions: [], what: 'an event triage refused and sent to the dead-letter queue (not JSON, or a shape Warden refuses)' },
  Remediations: {
    unit: 'Count', dimensions: ['outcome', 'workflow'],
    what: 'a run recorded (RecordAudit), by outcome (fixed, already-fixed, denied, expired, held, failed, …) and workflow (remediate or the runbook)',
  },
  TimeToFix: {
    unit: 'Milliseconds', dimensions: ['control'],
    what: 'from the event (or the sweep) to the verified fix, for a run recorded fixed',
  },
  ApprovalsRequested: { unit: 'Count', dimensions: ['stage'], what: 'an approval request posted (RequestApproval), initial or escalated' },
  ApprovalsDecided: { unit: 'Count', dimensions: ['decision'], what: 'a run whose approval a person decided, approved or denied (recorded by RecordAudit)' },
  ApprovalsExpired: { unit: 'Count', dimensions: [], what: 'a run whose approval nobody answered, even after the escalation (denied, or applied on timeout)' },
  ApprovalTimeToDecision: { unit: 'Milliseconds', dimensions: ['decision'], what: 'from the run\'s start to the approver\'s decision' },
  RunsHeld: { unit: 'Count', dimensions: [], what: 'a run the brakes held (breaker count full, or paused)' },
  BreakerTripped: { unit: 'Count', dimensions: [], what: 'a breaker trip: the first run held for a full count in a window' },
} as const satisfies Record<string, MetricDeclaration>;

export type MetricName = keyof typeof METRICS;
/** The dimensions a metric must be emitted with (besides `service`). */
export type DimensionsOf<N extends MetricName> = { [D in (typeof METRICS)[N]['dimensions'][number]]: string };

/** One data point, with exactly its declared dimensions. */
export type MetricPoint = { [N in MetricName]: { name: N; value: number; dimensions: DimensionsOf<N> } }[MetricName];

export const point = <N extends MetricName>(name: N, dimensions: DimensionsOf<N>, value = 1): MetricPoint =>
  ({ name, dimensions, value }) as MetricPoint;
