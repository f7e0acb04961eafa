// Metrics end to end: events through the local triage and the remediate state machine (real handlers, moto), with
// EMF on (POWERTOOLS_METRICS_DISABLED unset while they run): the lines Powertools writes carry the names and
// dimensions functions/runtime/metric-catalog.ts declares. No clock involved: each triage returns once its runs ended.
import { ignoredClass } from '../../functions/domain/ignored';
import type { TriageResult } from '../../functions/handlers/triage';
import { METRICS, METRICS_NAMESPACE, SERVICE_DIMENSION, type MetricName } from '../../functions/runtime/metric-catalog';
import { allow, createGroup, createVpc, ingressRuleIds, tcp } from '../../local/sandbox';
import { captureEmf, type Emf } from '../support/emf';
import { useLocalWarden } from '../support/emulator';
import { sampleEvent } from '../../local/samples';

const { start } = useLocalWarden();
const ACCOUNT = '123456789012';
const sample = (file: string, ids: Record<string, string> = {}): unknown => sampleEvent(file, { '111122223333': ACCOUNT, ...ids });

/** Each metric of each line, with the line's namespace, dimension names and values. */
const points = (lines: Emf[]) => lines.flatMap((l) => {
  const spec = l._aws.CloudWatchMetrics[0]!;
  return spec.Metrics.map((m) => ({
    name: m.Name, unit: m.Unit, namespace: spec.Namespace, dimensions: spec.Dimensions,
    values: Object.fromEntries(spec.Dimensions[0]!.map((d) => [d, l[d]])), value: l[m.Name],
  }));
});

test('a fixed world-open SSH rule, its duplicate delivery and a loop-guarded event: findings, outcome, time to fix, ignored class', async () => {
  const w = await start();
  const groupId = await createGroup(await createVpc(), 'metrics', { Owner: 'payments' });
  const rule = await allow(groupId, tcp(22, '0.0.0.0/0'));
  const event = sample('cloudtrail/authorize-ssh-world.json', { 'sg-0a11c0ffee0000001': groupId, 'sgr-0a11c0ffee00000a1': rule });
  let again: TriageResult | undefined;
  const lines = await captureEmf(async () => {
    expect((await w.triage(event)).executions).toHaveLength(1);
    // Delivered again after the fix: no new run (the rule is gone), so no second finding counted.
    again = await w.triage(event);
    expect(again.executions.filter((e) => !e.duplicate)).toEqual([]);
    expect(await w.triage(sample('cloudtrail/modify-by-warden.json'))).toMatchObject({ status: 'ignored' });
  });
  expect(await ingressRuleIds(groupId)).toEqual([]);

  const seen = points(lines);
  for (const p of seen) {
    const declared = METRICS[p.name as MetricName];
    expect({ name: p.name, unit: p.unit, namespace: p.namespace, dimensions: p.dimensions }).toEqual({
      name: p.name, unit: declared.unit, namespace: METRICS_NAMESPACE, dimensions: [[SERVICE_DIMENSION, ...declared.dimensions]],
    });
  }
  const by = (name: string) => seen.filter((p) => p.name === name).map((p) => ({ ...p.values, value: p.value }));
  expect(by('Findings')).toEqual([{ service: 'warden', control: 'sg-world-open-ingress', severity: expect.any(String), mode: 'auto', origin: 'event', value: 1 }]);
  expect(by('Remediations')).toEqual([{ service: 'warden', outcome: 'fixed', workflow: 'remediate', value: 1 }]);
  expect(by('TimeToFix')).toEqual([{ service: 'warden', control: 'sg-world-open-ingress', value: expect.any(Number) }]);
  const againClass = again!.status === 'violation' ? [] : [{ service: 'warden', reason: ignoredClass(again!.status as 'ignored' | 'compliant', again!.reason), value: 1 }];
  expect(by('IgnoredEvents')).toEqual([...againClass, { service: 'warden', reason: 'loop-guard', value: 1 }]);
  expect(new Set(seen.map((p) => p.name))).toEqual(new Set(['Findings', 'IgnoredEvents', 'Remediations', 'TimeToFix']));
});
