import { ACCOUNT_DEFAULT, ecsClusterContainerInsights as control } from '../../../functions/domain/controls/ecs-cluster-container-insights';
import type { AccountSettingFacts, ClusterFacts } from '../../../functions/domain/model';
import { ACCOUNT, observation, policy } from './fixtures';
import { flaggedCases } from './shared';

const cluster = (c: Partial<ClusterFacts>, eventName = 'CreateCluster') =>
  observation({ kind: 'ecs-cluster', cluster: { clusterName: 'main', ...c } }, { eventName });
const setting = (s: Partial<AccountSettingFacts>) =>
  observation({ kind: 'ecs-account-setting', setting: { name: 'containerInsights', value: 'disabled', isDefault: true, ...s } }, { eventName: 'PutAccountSettingDefault' });

describe('ecs-cluster-container-insights', () => {
  test.each(['enabled', 'enhanced'])('%s counts as enabled', (containerInsights) => {
    expect(control.evaluate(cluster({ containerInsights }), policy())).toEqual({ findings: [] });
    expect(control.evaluate(setting({ value: containerInsights }), policy())).toEqual({ findings: [] });
  });
  test('disabled on a cluster: enable it, auto', () => {
    const o = cluster({ containerInsights: 'disabled', partial: true }, 'UpdateClusterSettings');
    const { findings } = control.evaluate(o, policy());
    expect(findings[0]).toMatchObject({
      severity: 'MEDIUM',
      remediation: { action: 'enable-container-insights', mode: 'auto', targets: [o.resource.id] },
    });
  });
  test('absent on CreateCluster: the account default applies, no finding, a reason', () => {
    expect(control.evaluate(cluster({}), policy())).toEqual({ findings: [], note: ACCOUNT_DEFAULT });
  });
  test('partial facts only evaluate present fields: absent on an update is unchanged', () => {
    expect(control.evaluate(cluster({ partial: true }, 'UpdateClusterSettings'), policy())).toEqual({ findings: [] });
  });
  test('account setting disabled: notify the owner, target the account', () => {
    const { findings } = control.evaluate(setting({}), policy());
    expect(findings[0]?.remediation).toEqual({ action: 'notify-owner', mode: 'auto', targets: [ACCOUNT] });
    expect(findings[0]?.evidence).toContain('account default containerInsights disabled');
  });
  test('other account settings are not read', () => {
    const o = setting({ name: 'awsvpcTrunking', value: 'disabled' });
    expect(control.appliesTo(o)).toBe(false);
    expect(control.evaluate(o, policy())).toEqual({ findings: [] });
    expect(control.appliesTo(setting({}))).toBe(true);
  });
  flaggedCases(control, 'AWS::ECS::Cluster');
});
