// The policy document (README, Policy): one SSM parameter, read by exactly the functions that decide with it, and an
// alarm on refused versions.
import { POLICY_PARAMETER_NAME } from '../../functions/aws/permissions';
import { POLICY_REJECTED } from '../../functions/runtime/deployed-policy';
import { functions, loadTemplate, type Json } from '../../local/template';

const t = loadTemplate();
const fns = functions(t);
const ref = (id: string): Json => ({ Ref: id });

test('PolicyParameter: a String parameter named as the grants and the CLI expect, starting with PolicyJson or {}', () => {
  expect(t.Resources.PolicyParameter).toEqual({
    Type: 'AWS::SSM::Parameter',
    Properties: {
      Name: { 'Fn::Sub': POLICY_PARAMETER_NAME },
      Type: 'String',
      Value: { 'Fn::If': ['HasPolicyJson', ref('PolicyJson'), '{}'] },
      Description: expect.any(String),
    },
  });
  expect(t.Conditions?.HasPolicyJson).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [ref('PolicyJson'), ''] }] });
  expect(t.Parameters?.PolicyCacheSeconds).toMatchObject({ Type: 'Number', Default: 60, MinValue: 0 });
  expect(t.Outputs?.PolicyParameterName).toMatchObject({ Value: ref('PolicyParameter') });
});

test('only triage, the sweep items, the runbook step function and the brakes (LoadLiveState, Apply) read the policy, and ssm:GetParameter on that parameter is all they get of SSM', () => {
  const readers = fns.filter((f) => f.env.WARDEN_POLICY_PARAMETER !== undefined).map((f) => f.logicalId).sort();
  expect(readers).toEqual(['ApplyRemediationFunction', 'LoadLiveStateFunction', 'RunbookStepFunction', 'SweepItemFunction', 'TriageFunction']);
  const parameterArn = { 'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${POLICY_PARAMETER_NAME}` };
  for (const f of fns) {
    const ssm = f.statements.filter((s) => s.Action.some((a) => a.startsWith('ssm:')));
    if (!readers.includes(f.logicalId)) {
      expect(ssm).toEqual([]);
      continue;
    }
    expect(ssm.map((s) => ({ Action: s.Action, Resource: s.Resource }))).toEqual([{ Action: ['ssm:GetParameter'], Resource: [parameterArn] }]);
  }
  // No function reads the policy from its environment any more.
  expect(fns.filter((f) => 'WARDEN_POLICY' in f.env)).toEqual([]);
});

test('a refused policy is counted in every reader\'s log group, and any one raises PolicyRejectedAlarm', () => {
  const filters = Object.entries(t.Resources).filter(([, r]) => r.Type === 'AWS::Logs::MetricFilter');
  const readerGroups = fns.filter((f) => f.env.WARDEN_POLICY_PARAMETER !== undefined).map((f) => (f.properties.LoggingConfig as { LogGroup: Json }).LogGroup);
  expect(filters.map(([, r]) => r.Properties!.LogGroupName)).toEqual(expect.arrayContaining(readerGroups));
  const namespace = { 'Fn::Sub': 'Warden/${AWS::StackName}' };
  for (const [, r] of filters) {
    // The exact message the loader logs (functions/runtime/deployed-policy.ts).
    expect(r.Properties!.FilterPattern).toBe(`{ $.message = "${POLICY_REJECTED}" }`);
    expect(r.Properties!.MetricTransformations).toEqual([{ MetricNamespace: namespace, MetricName: 'PolicyRejected', MetricValue: '1' }]);
  }
  expect(t.Resources.PolicyRejectedAlarm).toMatchObject({
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      Namespace: namespace, MetricName: 'PolicyRejected', Statistic: 'Sum', Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching',
      AlarmActions: { 'Fn::If': ['HasAlarmTopic', [ref('AlarmTopicArn')], ref('AWS::NoValue')] },
    },
  });
});
