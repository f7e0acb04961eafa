// The CloudWatch dashboard (WardenDashboard) and the failed-execution alarms, generated into template.yaml by
// scripts/gen-template.ts: Warden's metrics from their declarations (functions/runtime/metric-catalog.ts), and the
// state machines' executions and the dead-letter queues' messages from the template's own resources.
// test/template/observability.test.ts reads the result back.
import { METRICS, SERVICE, SERVICE_DIMENSION, type MetricName } from '../functions/runtime/metric-catalog';
import { parseTemplate } from '../local/template';

/** The namespace every function publishes to (template.yaml's POWERTOOLS_METRICS_NAMESPACE). */
export const STACK_NAMESPACE = 'Warden/${AWS::StackName}';

/** A state machine whose failed executions have a hand-written alarm of their own (with what to do). */
const OWN_FAILURE_ALARM = new Set(['SweepStateMachine']);

type Stat = 'SUM' | 'AVG';
/** One graph of one Warden metric: by a dimension (a Metrics Insights query), or its total (metrics without dimensions). */
interface MetricGraph { title: string; metric: MetricName; stat?: Stat; by?: string[] }

/** Warden's own metrics, in the dashboard's order. Every declared metric is shown (the test checks). */
const GRAPHS: (MetricGraph | { title: string; totals: MetricName[] })[] = [
  { title: 'Findings by control (runs started)', metric: 'Findings', by: ['control'] },
  { title: 'Findings by severity and mode', metric: 'Findings', by: ['severity', 'mode', 'origin'] },
  { title: 'Remediations by outcome', metric: 'Remediations', by: ['outcome'] },
  { title: 'Time from event to verified fix, by control (ms, average)', metric: 'TimeToFix', stat: 'AVG', by: ['control'] },
  { title: 'Approvals requested', metric: 'ApprovalsRequested', by: ['stage'] },
  { title: 'Approvals decided', metric: 'ApprovalsDecided', by: ['decision'] },
  { title: 'Time to decision (ms, average)', metric: 'ApprovalTimeToDecision', stat: 'AVG', by: ['decision'] },
  { title: 'Approvals expired, held runs, breaker trips, invalid events', totals: ['ApprovalsExpired', 'RunsHeld', 'BreakerTripped', 'InvalidEvents'] },
  { title: 'Ignored events by reason class', metric: 'IgnoredEvents', by: ['reason'] },
];

const WIDTH = 12;
const HEIGHT = 6;

/** A Metrics Insights query of exactly a metric's declared dimensions (SCHEMA), grouped by some of them. */
export const insightsQuery = (g: MetricGraph): string => {
  const dims = [SERVICE_DIMENSION, ...METRICS[g.metric].dimensions].sort();
  return `SELECT ${g.stat ?? 'SUM'}(${g.metric}) FROM SCHEMA("${STACK_NAMESPACE}", ${dims.join(', ')})`
    + ` WHERE ${SERVICE_DIMENSION} = '${SERVICE}'${g.by ? ` GROUP BY ${g.by.join(', ')}` : ''}`;
};

/** The state machines and the dead-letter queues of a template's text. */
export function watched(text: string): { stateMachines: string[]; deadLetterQueues: string[] } {
  const t = parseTemplate(text);
  const ids = (type: string[]) => Object.entries(t.Resources).filter(([, r]) => type.includes(r.Type)).map(([id]) => id);
  return {
    stateMachines: ids(['AWS::Serverless::StateMachine', 'AWS::StepFunctions::StateMachine']),
    deadLetterQueues: ids(['AWS::SQS::Queue']).filter((id) => id.endsWith('DeadLetterQueue')),
  };
}

/** The dashboard's body: JSON, with ${…} for Fn::Sub. */
export function dashboardBody(text: string): unknown {
  const { stateMachines, deadLetterQueues } = watched(text);
  const widgets: unknown[] = [];
  const add = (title: string, metrics: unknown[], extra: Record<string, unknown> = {}) => {
    const i = widgets.length;
    widgets.push({
      type: 'metric', x: (i % 2) * WIDTH, y: Math.floor(i / 2) * HEIGHT, width: WIDTH, height: HEIGHT,
      properties: { title, region: '${AWS::Region}', view: 'timeSeries', stat: 'Sum', period: 300, metrics, ...extra },
    });
  };
  for (const g of GRAPHS) {
    if ('totals' in g) add(g.title, g.totals.map((m) => [STACK_NAMESPACE, m, SERVICE_DIMENSION, SERVICE]));
    else add(g.title, [[{ expression: insightsQuery(g), id: 'q1' }]]);
  }
  for (const metric of ['ExecutionsStarted', 'ExecutionsSucceeded', 'ExecutionsFailed']) {
    add(`State machines: ${metric}`, stateMachines.map((id) => ['AWS/States', metric, 'StateMachineArn', `\${${id}}`, { label: id }]));
  }
  add('Dead-letter queues: messages waiting', deadLetterQueues.map((id) => ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', `\${${id}.QueueName}`, { label: id }]), { stat: 'Maximum' });
  return { widgets };
}

/** The dashboard resource (a generated section at the resources' indent). */
export function dashboardYaml(indent: string, text: string): string {
  const body = dashboardBody(text) as { widgets: unknown[] };
  const lines = [
    '# Warden at a glance (docs/operations.md, "The dashboard"). Generated from functions/runtime/metric-catalog.ts and',
    '# the template\'s state machines and dead-letter queues.',
    'WardenDashboard:', '  Type: AWS::CloudWatch::Dashboard', '  Properties:',
    "    DashboardName: !Sub '${AWS::StackName}-overview'",
    '    DashboardBody: !Sub |', '      {"widgets": [',
    ...body.widgets.map((w, i) => `        ${JSON.stringify(w)}${i < body.widgets.length - 1 ? ',' : ''}`),
    '      ]}',
  ];
  return lines.map((l) => `${indent}${l}`).join('\n');
}

/** One alarm per state machine on its failed executions (the sweep has its own, SweepFailedAlarm). */
export function executionAlarmsYaml(indent: string, text: string): string {
  const lines: string[] = [];
  for (const id of watched(text).stateMachines.filter((s) => !OWN_FAILURE_ALARM.has(s))) {
    lines.push(
      `${id}FailedAlarm:`, '  Type: AWS::CloudWatch::Alarm', '  Properties:',
      `    AlarmDescription: An execution of ${id} failed (docs/operations.md, "Alarms"); its audit record and execution history say why.`,
      '    Namespace: AWS/States', '    MetricName: ExecutionsFailed',
      `    Dimensions: [{ Name: StateMachineArn, Value: !Ref ${id} }]`,
      '    Statistic: Sum', '    Period: 300', '    EvaluationPeriods: 1', '    Threshold: 1',
      '    ComparisonOperator: GreaterThanOrEqualToThreshold', '    TreatMissingData: notBreaching',
      '    AlarmActions: !If [HasAlarmTopic, [!Ref AlarmTopicArn], !Ref AWS::NoValue]', '',
    );
  }
  return lines.slice(0, -1).map((l) => (l ? `${indent}${l}` : '')).join('\n');
}
