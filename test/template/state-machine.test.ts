/**
 * The ASL files and the template agree: placeholders ↔ DefinitionSubstitutions, Task functions ↔ the state
 * machine's lambda:InvokeFunction policy, logging configured.
 */
import { existsSync, readFileSync } from 'node:fs';
import {
  functions, isObject, loadTemplate, referencedId, stateMachines, type Json, type StateMachineInfo,
} from '../../local/template';

const t = loadTemplate();
const functionIds = new Set(functions(t).map((f) => f.logicalId));
const sms = stateMachines(t);

interface TaskRef {
  state: string;
  /** The `${Key}` used as the function (FunctionName parameter or the Resource itself). */
  placeholder: string | undefined;
  resource: string;
}

/** All Task states, including those inside Parallel branches and Map item processors. */
function tasks(states: Record<string, Json>, prefix = ''): TaskRef[] {
  const out: TaskRef[] = [];
  for (const [name, raw] of Object.entries(states)) {
    if (!isObject(raw)) continue;
    const path = `${prefix}${name}`;
    if (raw.Type === 'Task') {
      const resource = String(raw.Resource);
      const params = isObject(raw.Parameters) ? raw.Parameters : isObject(raw.Arguments) ? raw.Arguments : {};
      const fnName = resource.startsWith('arn:aws:states:::lambda:invoke') ? params.FunctionName : resource;
      const m = typeof fnName === 'string' ? /^\$\{([^}]+)\}$/.exec(fnName) : null;
      out.push({ state: path, placeholder: m?.[1], resource });
    }
    for (const branch of Array.isArray(raw.Branches) ? raw.Branches : []) {
      if (isObject(branch) && isObject(branch.States)) out.push(...tasks(branch.States, `${path}/`));
    }
    for (const key of ['ItemProcessor', 'Iterator']) {
      const sub = raw[key];
      if (isObject(sub) && isObject(sub.States)) out.push(...tasks(sub.States, `${path}/`));
    }
  }
  return out;
}

function definition(s: StateMachineInfo): { text: string; json: { States: Record<string, Json> } } {
  const path = s.definitionPath ?? '';
  if (!existsSync(path)) throw new Error(`${s.logicalId}: DefinitionUri ${s.definitionUri ?? '(none)'} does not exist`);
  const text = readFileSync(path, 'utf8');
  return { text, json: JSON.parse(text) as { States: Record<string, Json> } };
}

const placeholders = (text: string) => new Set([...text.matchAll(/\$\{([^}]+)\}/g)].map((m) => m[1]!));

/** `!GetAtt X.Arn` resources of the statements that allow lambda:InvokeFunction. */
function invokableFunctions(s: StateMachineInfo): string[] {
  return s.statements
    .filter((st) => st.Effect === 'Allow' && st.Action.includes('lambda:InvokeFunction'))
    .flatMap((st) => st.Resource.map((r) => {
      const id = referencedId(r);
      if (!id || !isObject(r) || !Array.isArray(r['Fn::GetAtt']) || r['Fn::GetAtt'][1] !== 'Arn') {
        throw new Error(`${s.logicalId}: lambda:InvokeFunction resource ${JSON.stringify(r)} is not !GetAtt <Function>.Arn`);
      }
      return id;
    }));
}

describe.each(sms.map((s) => [s.logicalId, s] as const))('%s', (_id, s) => {
  test('every ${...} in the ASL has a DefinitionSubstitutions entry', () => {
    const missing = [...placeholders(definition(s).text)].filter((p) => !(p in s.substitutions));
    expect(missing).toEqual([]);
  });

  test('every DefinitionSubstitutions entry is used by the ASL', () => {
    const used = placeholders(definition(s).text);
    expect(Object.keys(s.substitutions).filter((k) => !used.has(k))).toEqual([]);
  });

  test('every Task invokes a function of this template through a substitution', () => {
    const found = tasks(definition(s).json.States);
    expect(found.length).toBeGreaterThan(0);
    for (const task of found) {
      expect({ state: task.state, placeholder: task.placeholder }).toEqual({
        state: task.state,
        placeholder: expect.any(String),
      });
      const target = referencedId(s.substitutions[task.placeholder!]);
      expect({ state: task.state, target, exists: functionIds.has(target ?? '') }).toEqual({
        state: task.state,
        target: expect.any(String),
        exists: true,
      });
    }
  });

  test('lambda:InvokeFunction is granted on exactly the functions its Tasks invoke', () => {
    const invoked = new Set(
      tasks(definition(s).json.States).map((task) => referencedId(s.substitutions[task.placeholder ?? '']) ?? task.state),
    );
    expect(new Set(invokableFunctions(s))).toEqual(invoked);
    for (const id of invokableFunctions(s)) expect(functionIds.has(id)).toBe(true);
  });

  test('logs to its own CloudWatch log group without execution data, with the delivery permissions', () => {
    expect(s.logging).toMatchObject({ IncludeExecutionData: false, Level: expect.stringMatching(/^(ALL|ERROR)$/) });
    const destinations = (s.logging?.Destinations ?? []) as Json[];
    expect(destinations).toHaveLength(1);
    const arn = (destinations[0] as { CloudWatchLogsLogGroup: { LogGroupArn: Json } }).CloudWatchLogsLogGroup.LogGroupArn;
    const logGroup = t.Resources[referencedId(arn) ?? ''];
    expect(logGroup).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } });
    const actions = new Set(s.statements.flatMap((st) => st.Action));
    for (const a of [
      'logs:CreateLogDelivery', 'logs:GetLogDelivery', 'logs:UpdateLogDelivery', 'logs:DeleteLogDelivery',
      'logs:ListLogDeliveries', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups',
    ]) {
      expect(actions).toContain(a);
    }
  });

  test('X-Ray tracing follows the Tracing parameter, with the trace-writing permissions on its role', () => {
    expect(t.Resources[s.logicalId]!.Properties!.Tracing).toEqual({ Enabled: { 'Fn::If': ['TracingOn', true, false] } });
    const xray = s.statements.filter((st) => st.Action.some((a) => a.startsWith('xray:')));
    expect(xray.map((st) => ({ actions: [...st.Action].sort(), resource: st.Resource }))).toEqual([{
      actions: ['xray:GetSamplingRules', 'xray:GetSamplingTargets', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'], resource: ['*'],
    }]);
  });
});

test('the Tracing parameter: Active by default, and its condition', () => {
  expect(t.Parameters!.Tracing).toMatchObject({ Default: 'Active', AllowedValues: ['Active', 'Disabled'] });
  expect(t.Conditions!.TracingOn).toEqual({ 'Fn::Equals': [{ Ref: 'Tracing' }, 'Active'] });
});
