import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Held } from '../domain/brakes';

/**
 * The CloudWatch namespace of Warden's metrics: POWERTOOLS_METRICS_NAMESPACE, which template.yaml sets to
 * `Warden/<stack>` (BreakerTrippedAlarm reads it there, dimension service), else `Warden`.
 */
export const METRICS_NAMESPACE = 'Warden';

/** Metric names: every held run, and every trip (the first run held for a count in a window). */
export const BRAKE_METRICS = { held: 'RunsHeld', tripped: 'BreakerTripped' } as const;

/** What a held run signals. */
export type HeldSignal = (held: Held) => void;

let metrics: Metrics | undefined;

/**
 * Held runs and trips as CloudWatch metrics, in the embedded metric format (Powertools metrics: one JSON log line,
 * no API call), published at once. `RunsHeld` counts every held run (paused ones too), `BreakerTripped` each trip.
 */
export const emitHeld = (held: Held, m: Metrics = (metrics ??= new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE?.trim() || METRICS_NAMESPACE }))): void => {
  m.addMetric(BRAKE_METRICS.held, MetricUnit.Count, 1);
  if (held.firstOfTrip) m.addMetric(BRAKE_METRICS.tripped, MetricUnit.Count, 1);
  m.publishStoredMetrics();
};
