import type { Observation } from '../model';
import type { Policy } from '../policy/schema';
import type { Control, ControlResult } from './control';
import { findingOf, flaggedResult, NONE } from './control-kit';

const CLUSTER = 'AWS::ECS::Cluster';
const ACCOUNT = 'AWS::::Account';
export const ACCOUNT_DEFAULT = 'uses the account default: containerInsights is not set on the cluster';

/** `enabled` and `enhanced` (observability) both count. */
const isOn = (value: string): boolean => ['enabled', 'enhanced'].includes(value.trim().toLowerCase());

/**
 * ECS.12: Container Insights on every cluster, from the cluster's own setting or the account setting that
 * new clusters inherit. A cluster without the setting uses the account default: not a finding by itself.
 */
export const ecsClusterContainerInsights: Control = {
  id: 'ecs-cluster-container-insights',
  title: 'Container Insights is disabled',
  severity: 'MEDIUM',
  seedRef: '2.5 Observability and auditing / 3.5 CloudWatch Container Insights: capture metrics and logs of containers and clusters',
  seed: ['2.1/logs-metrics-cloudwatch-continuous', '3.5/enable-container-insights-pods'],
  mappings: { securityHub: ['ECS.12'], configRules: ['ecs-container-insights-enabled'], prowler: ['ecs_cluster_container_insights_enabled'] },
  resourceTypes: [CLUSTER, ACCOUNT],
  triggers: { cloudTrail: ['ecs:CreateCluster', 'ecs:UpdateClusterSettings', 'ecs:PutAccountSetting', 'ecs:PutAccountSettingDefault'], cloudTrailNote: 'account settings: name containerInsights', configItems: true },
  remediation: {
    action: 'enable-container-insights',
    defaultMode: 'auto',
    summary: 'UpdateClusterSettings containerInsights enabled on the cluster; for the account setting, notify the owner (notify-owner)',
  },

  appliesTo: (o) =>
    o.resource.type === CLUSTER || (o.resource.type === ACCOUNT && (o.facts.kind !== 'ecs-account-setting' || o.facts.setting.name === 'containerInsights')),

  evaluate(o: Observation, policy: Policy): ControlResult {
    const f = o.facts;
    if (f.kind === 'flagged') return flaggedResult(ecsClusterContainerInsights, o, policy);
    if (f.kind === 'ecs-cluster') {
      const value = f.cluster.containerInsights;
      if (value === undefined) return f.cluster.partial ? NONE : { findings: [], note: ACCOUNT_DEFAULT };
      if (isOn(value)) return NONE;
      const evidence = `cluster ${f.cluster.clusterName} sets containerInsights ${value}`;
      return { findings: [findingOf(ecsClusterContainerInsights, o, policy, [o.resource.id], evidence)] };
    }
    if (f.kind === 'ecs-account-setting') {
      const s = f.setting;
      if (s.name !== 'containerInsights' || isOn(s.value)) return NONE;
      const scope = s.isDefault ? 'account default' : s.principalArn ? `setting for ${s.principalArn}` : 'account setting';
      const evidence = `${scope} containerInsights ${s.value}: new clusters start without Container Insights`;
      return { findings: [findingOf(ecsClusterContainerInsights, o, policy, [o.resource.id], evidence, { action: 'notify-owner' })] };
    }
    return NONE;
  },
};
