/**
 * The dashboard and the alarms watch what the code emits: every Warden metric they name is declared in
 * functions/runtime/metric-catalog.ts with the same namespace, name and dimensions; every declared metric is on the
 * dashboard; every state machine and dead-letter queue is on it and has its alarm; every alarm notifies AlarmTopicArn.
 */
import { METRICS, SERVICE, SERVICE_DIMENSION, type MetricName } from '../../functions/runtime/metric-catalog';
import { isObject, loadTemplate, stateMachines, type Json } from '../../local/template';

const t = loadTemplate();
const resources = t.Resources;
const NAMESPACE = { 'Fn::Sub': 'Warden/${AWS::StackName}' };
const NAMESPACE_TEXT = 'Warden/${AWS::StackName}';
const alarms = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm').map(([id, r]) => ({ id, p: r.Properties! }));
const smIds = stateMachines(t).map((s) => s.logicalId);

/** Queues something dead-letters into: an SQS redrive target, or an EventBridge target's DeadLetterConfig. */
const deadLetterQueues = (() => {
  const found = new Set<string>();
  const visit = (v: Json | undefined): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (isObject(v)) {
      for (const [k, x] of Object.entries(v)) {
        const target = k === 'deadLetterTargetArn' ? x : k === 'DeadLetterConfig' && isObject(x) ? x.Arn : undefined;
        const att = isObject(target) && Array.isArray(target['Fn::GetAtt']) ? (target['Fn::GetAtt'][0] as string) : undefined;
        if (att) found.add(att);
        visit(x);
      }
    }
  };
  visit(resources as unknown as Json);
  return [...found].sort();
})();

const declaredDims = (name: MetricName) => [SERVICE_DIMENSION, ...METRICS[name].dimensions].sort();

describe('WardenDashboard', () => {
  const dashboard = resources.WardenDashboard!;
  const sub = (dashboard.Properties!.DashboardBody as { 'Fn::Sub': string })['Fn::Sub'];
  const body = JSON.parse(sub) as { widgets: { properties: { metrics: unknown[][] } }[] };
  const metrics = body.widgets.flatMap((w) => w.properties.metrics);
  const queries = metrics.flatMap((m) => m.filter((x): x is { expression: string } => isObject(x as Json) && 'expression' in (x as object)).map((x) => x.expression));
  const arrays = metrics.filter((m) => typeof m[0] === 'string') as string[][];

  /** Each Warden metric the dashboard shows: namespace, name, dimension names (and values, for plain metrics). */
  const shown = [
    ...queries.map((q) => {
      const m = /^SELECT (SUM|AVG)\((\w+)\) FROM SCHEMA\("([^"]+)", ([\w, ]+)\)/.exec(q);
      if (!m) throw new Error(`not a SCHEMA query: ${q}`);
      return { namespace: m[3]!, name: m[2]!, dims: m[4]!.split(', ').sort() };
    }),
    ...arrays.filter((a) => a[0] === NAMESPACE_TEXT).map((a) => {
      const pairs = a.slice(2).filter((x) => typeof x === 'string');
      expect(pairs).toEqual([SERVICE_DIMENSION, SERVICE]);
      return { namespace: a[0]!, name: a[1]!, dims: [pairs[0]!] };
    }),
  ];

  test('shows only metrics the code emits, each with its declared namespace, name and dimensions', () => {
    expect(shown.length).toBeGreaterThan(8);
    for (const s of shown) {
      expect(Object.keys(METRICS)).toContain(s.name);
      expect({ name: s.name, namespace: s.namespace, dims: s.dims }).toEqual({ name: s.name, namespace: NAMESPACE_TEXT, dims: declaredDims(s.name as MetricName) });
    }
  });

  test('shows every declared metric', () => {
    expect([...new Set(shown.map((s) => s.name))].sort()).toEqual(Object.keys(METRICS).sort());
  });

  test('the namespace and service are the ones every function publishes with', () => {
    const env = (t.Globals!.Function as { Environment: { Variables: Record<string, Json> } }).Environment.Variables;
    expect(env.POWERTOOLS_METRICS_NAMESPACE).toEqual(NAMESPACE);
    expect(env.POWERTOOLS_SERVICE_NAME).toBe(SERVICE);
  });

  test('every state machine\'s started, succeeded and failed executions, and every dead-letter queue\'s messages', () => {
    for (const metric of ['ExecutionsStarted', 'ExecutionsSucceeded', 'ExecutionsFailed']) {
      expect(arrays.filter((a) => a[0] === 'AWS/States' && a[1] === metric).map((a) => a[3]).sort()).toEqual(smIds.map((id) => `\${${id}}`).sort());
    }
    expect(deadLetterQueues).toEqual(['RuleDeadLetterQueue', 'TriageDeadLetterQueue']);
    expect(arrays.filter((a) => a[0] === 'AWS/SQS' && a[1] === 'ApproximateNumberOfMessagesVisible').map((a) => a[3])).toEqual(
      expect.arrayContaining(deadLetterQueues.map((id) => `\${${id}.QueueName}`)));
  });

  test('every ${…} in the body is a pseudo parameter or a resource of this template', () => {
    const refs = [...sub.matchAll(/\$\{([^}]+)\}/g)].map((m) => m[1]!.split('.')[0]!);
    expect(refs.filter((r) => !r.startsWith('AWS::') && !(r in resources))).toEqual([]);
  });
});

describe('alarms', () => {
  const on = (ns: Json, metric: string) => alarms.filter((a) => JSON.stringify(a.p.Namespace) === JSON.stringify(ns) && a.p.MetricName === metric);
  const dimension = (a: (typeof alarms)[number]) => (a.p.Dimensions as { Name: string; Value: Json }[] | undefined) ?? [];

  test('every alarm notifies the AlarmTopicArn topic when one is given', () => {
    expect(alarms.length).toBeGreaterThan(10);
    for (const a of alarms) expect({ id: a.id, actions: a.p.AlarmActions }).toEqual({ id: a.id, actions: { 'Fn::If': ['HasAlarmTopic', [{ Ref: 'AlarmTopicArn' }], { Ref: 'AWS::NoValue' }] } });
  });

  test('any message in any dead-letter queue', () => {
    for (const q of deadLetterQueues) {
      const found = on('AWS/SQS', 'ApproximateNumberOfMessagesVisible').filter((a) => JSON.stringify(dimension(a)) === JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [q, 'QueueName'] } }]));
      expect({ q, alarms: found.map((a) => ({ threshold: a.p.Threshold, op: a.p.ComparisonOperator })) }).toEqual({ q, alarms: [{ threshold: 1, op: 'GreaterThanOrEqualToThreshold' }] });
    }
  });

  test('a failed execution of any state machine', () => {
    for (const id of smIds) {
      const found = on('AWS/States', 'ExecutionsFailed').filter((a) => JSON.stringify(dimension(a)) === JSON.stringify([{ Name: 'StateMachineArn', Value: { Ref: id } }]));
      expect({ id, alarms: found.map((a) => ({ stat: a.p.Statistic, threshold: a.p.Threshold })) }).toEqual({ id, alarms: [{ stat: 'Sum', threshold: 1 }] });
    }
  });

  test('a breaker trip, an approval expired unanswered, a refused policy', () => {
    for (const metric of ['BreakerTripped', 'ApprovalsExpired', 'PolicyRejected']) expect({ metric, n: on(NAMESPACE, metric).length }).toEqual({ metric, n: 1 });
  });

  test('an alarm on a Warden metric names one the code emits (or a metric filter of this template makes), with exactly its dimensions', () => {
    const filterMetrics = new Set(Object.values(resources).filter((r) => r.Type === 'AWS::Logs::MetricFilter')
      .flatMap((r) => (r.Properties!.MetricTransformations as { MetricName: string }[]).map((m) => m.MetricName)));
    const warden = alarms.filter((a) => JSON.stringify(a.p.Namespace) === JSON.stringify(NAMESPACE));
    expect(warden.length).toBeGreaterThanOrEqual(3);
    for (const a of warden) {
      const name = a.p.MetricName as string;
      if (filterMetrics.has(name)) continue;
      expect(Object.keys(METRICS)).toContain(name);
      // An alarm cannot add up a dimension's values: an alarmed metric is declared with `service` only.
      expect({ name, dims: dimension(a) }).toEqual({ name, dims: declaredDims(name as MetricName).map((d) => ({ Name: d, Value: SERVICE })) });
    }
  });
});
