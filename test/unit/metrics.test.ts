/**
 * The emitters write the EMF the metric catalog declares (runtime/metric-catalog.ts): namespace, name, unit, and
 * exactly the declared dimensions plus `service`; each moment counts what the catalog says it does.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { IGNORED_CLASSES, ignoredClass } from '../../functions/domain/ignored';
import { evaluate } from '../../functions/domain/evaluate';
import { defaultPolicy } from '../../functions/domain/policy';
import type { RemediationRecord } from '../../functions/domain/remediation';
import { METRICS, METRICS_NAMESPACE, SERVICE, SERVICE_DIMENSION, type MetricPoint } from '../../functions/runtime/metric-catalog';
import { emit, findingPoints, ignoredPoints, recordPoints } from '../../functions/runtime/metrics';
import { sampleEntries } from '../../local/samples';
import { captureEmf, type Emf } from '../support/emf';

const record = (over: Partial<RemediationRecord> = {}): RemediationRecord => ({
  id: 'run-1', eventId: 'e-1', source: 'cloudtrail', eventName: 'AuthorizeSecurityGroupIngress',
  eventTime: '2031-01-01T10:00:00Z', requestedAt: '2031-01-01T10:00:05Z', finishedAt: '2031-01-01T10:00:42Z', durationMs: 37000,
  finding: {
    control: 'sg-world-open-ingress', title: 't', severity: 'HIGH', evidence: 'e',
    resource: { type: 'AWS::EC2::SecurityGroup', id: 'sg-0123', account: '111122223333', region: 'us-east-1' },
    remediation: { action: 'revoke-sg-ingress', mode: 'auto', targets: ['sgr-1'] },
  },
  mode: 'auto', outcome: 'fixed', channel: '#sec',
  ...over,
} as RemediationRecord);

const names = (points: MetricPoint[]) => points.map((p) => `${p.name}${JSON.stringify(p.dimensions)}=${p.value}`);

test('a fixed run counts its outcome and the time from the event to the verified fix, by control', () => {
  expect(names(recordPoints(record()))).toEqual([
    'Remediations{"outcome":"fixed","workflow":"remediate"}=1',
    'TimeToFix{"control":"sg-world-open-ingress"}=42000',
  ]);
  // An event time that does not parse: from the run's start.
  expect(names(recordPoints(record({ eventTime: 'yesterday' })))[1]).toBe('TimeToFix{"control":"sg-world-open-ingress"}=37000');
});

test('approvals: decided (approved, denied) with the time to decision, expired (denied or applied on timeout), in the runbook\'s workflow', () => {
  expect(names(recordPoints(record({ outcome: 'denied', approval: { decision: 'denied', timeToDecisionMs: 5000 }, runbook: { name: 'contain-ecs-task' } as RemediationRecord['runbook'] })))).toEqual([
    'Remediations{"outcome":"denied","workflow":"contain-ecs-task"}=1', 'ApprovalsDecided{"decision":"denied"}=1', 'ApprovalTimeToDecision{"decision":"denied"}=5000',
  ]);
  expect(names(recordPoints(record({ outcome: 'expired', approval: { decision: 'expired', escalated: true } })))).toEqual([
    'Remediations{"outcome":"expired","workflow":"remediate"}=1', 'ApprovalsExpired{}=1',
  ]);
  const onTimeout = recordPoints(record({ approval: { decision: 'applied-on-timeout', escalated: true } }));
  expect(onTimeout.map((p) => p.name)).toEqual(['Remediations', 'TimeToFix', 'ApprovalsExpired']);
});

test('findings by control, severity, mode and origin; never a resource id in a dimension', () => {
  const points = [...findingPoints(record().finding, 'sweep'), ...recordPoints(record())];
  expect(points[0]).toEqual({ name: 'Findings', value: 1, dimensions: { control: 'sg-world-open-ingress', severity: 'HIGH', mode: 'auto', origin: 'sweep' } });
  for (const p of points) expect(JSON.stringify(p.dimensions)).not.toMatch(/sg-0123|sgr-1|111122223333|run-1/);
});

test('every ignored or compliant sample in events/ has a class of its own (none is `other`)', async () => {
  const classes = new Map<string, string>();
  for (const e of sampleEntries()) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path.join('events', e.file), 'utf8'));
    } catch {
      continue;
    }
    const d = await evaluate(raw, { policy: defaultPolicy(), now: new Date('2031-01-01T00:00:00Z') });
    if (d.status === 'ignored' || d.status === 'compliant') classes.set(`${d.status}: ${d.reason}`, ignoredClass(d.status, d.reason));
  }
  expect(classes.size).toBeGreaterThan(10);
  expect([...classes].filter(([, c]) => c === 'other')).toEqual([]);
  expect(new Set(classes.values())).toEqual(new Set(['compliant', 'loop-guard', 'no-control', 'failed-call', 'gone', 'closed', 'recorded-only', 'undecided']));
  // The classes no sample reaches, from the reasons their writers use.
  expect(ignoredClass('ignored', 'repeat of GuardDuty finding abc handled (…)')).toBe('repeat');
  expect(ignoredClass('ignored', 'something new')).toBe('other');
  expect(ignoredPoints('ignored', 'x')).toEqual([{ name: 'IgnoredEvents', dimensions: { reason: 'other' }, value: 1 }]);
  expect(IGNORED_CLASSES).toContain('other');
});

describe('EMF', () => {
  const spec = (line: Emf) => line._aws.CloudWatchMetrics[0]!;

  test('each point is published in the catalog\'s namespace, with its name, unit and exactly its declared dimensions plus service', async () => {
    const points = [
      ...findingPoints(record().finding, 'event'), ...ignoredPoints('ignored', 'the API call failed (X): nothing changed'),
      ...recordPoints(record({ outcome: 'held', held: { firstOfTrip: true } as RemediationRecord['held'] })),
      ...recordPoints(record({ approval: { decision: 'approved', timeToDecisionMs: 1200 } })),
    ];
    const lines = await captureEmf(() => emit(points, new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE })));
    const seen = lines.flatMap((l) => spec(l).Metrics.map((m) => ({ name: m.Name, unit: m.Unit, ns: spec(l).Namespace, dims: spec(l).Dimensions, line: l })));
    expect(seen.map((s) => s.name).sort()).toEqual(points.map((p) => p.name).sort());
    for (const s of seen) {
      const declared = METRICS[s.name as keyof typeof METRICS];
      expect({ name: s.name, unit: s.unit, ns: s.ns, dims: s.dims }).toEqual({ name: s.name, unit: declared.unit, ns: 'Warden', dims: [[SERVICE_DIMENSION, ...declared.dimensions]] });
      expect(s.line[SERVICE_DIMENSION]).toBe('warden');
    }
    const timeToFix = lines.find((l) => 'TimeToFix' in l)!;
    expect(timeToFix).toMatchObject({ control: 'sg-world-open-ingress', TimeToFix: 42000 });
    // Points with the same dimensions share a line: the held run's RunsHeld and BreakerTripped.
    expect(lines.find((l) => 'RunsHeld' in l)).toMatchObject({ RunsHeld: 1, BreakerTripped: 1 });
  });

  test('the namespace is POWERTOOLS_METRICS_NAMESPACE (the template\'s Warden/<stack>); an empty dimension value is published as unknown', async () => {
    const before = process.env.POWERTOOLS_METRICS_NAMESPACE;
    process.env.POWERTOOLS_METRICS_NAMESPACE = 'Warden/test-stack';
    try {
      const [line] = await captureEmf(() => emit([{ name: 'ApprovalsRequested', dimensions: { stage: '' }, value: 1 }]));
      expect(spec(line!).Namespace).toBe('Warden/test-stack');
      expect(line).toMatchObject({ stage: 'unknown', ApprovalsRequested: 1 });
    } finally {
      if (before === undefined) delete process.env.POWERTOOLS_METRICS_NAMESPACE;
      else process.env.POWERTOOLS_METRICS_NAMESPACE = before;
    }
  });
});
