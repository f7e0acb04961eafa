import type { Observation } from '../model';
import type { Policy } from '../policy/schema';
import type { Control, ControlResult } from './control';
import { findingOf, flaggedResult, NONE } from './control-kit';
import { EKS_CLUSTER, EKS_TRIGGERS, eksCluster } from './eks-cluster';

const CONFIG_RULES = ['eks-cluster-log-enabled', 'eks-cluster-logging-enabled'];
/** The log types that audit who did what on the API. */
export const REQUIRED_LOG_TYPES = ['api', 'audit', 'authenticator'];

/** EKS.8: api, audit and authenticator control-plane logs must all be on. CreateCluster's default is none. */
export const eksControlPlaneLogging: Control = {
  id: 'eks-control-plane-logging',
  title: 'EKS control-plane logging is incomplete (api, audit, authenticator)',
  severity: 'MEDIUM',
  seedRef: '2.5 Observability and auditing: monitor API activities for an audit trail (applied to the EKS control plane)',
  seed: ['2.5/send-application-container-logs', '2.5/monitor-api-activity-cloudtrail'],
  mappings: { securityHub: ['EKS.8'], configRules: CONFIG_RULES, prowler: ['eks_control_plane_logging_all_types_enabled'] },
  resourceTypes: [EKS_CLUSTER],
  triggers: EKS_TRIGGERS,
  remediation: {
    action: 'enable-eks-logging',
    defaultMode: 'auto',
    summary: 'UpdateClusterConfig enabling api, audit and authenticator logs, then DescribeUpdate until it succeeds',
  },

  appliesTo: (o) => o.resource.type === EKS_CLUSTER,

  evaluate(o: Observation, policy: Policy): ControlResult {
    if (o.facts.kind === 'flagged') return flaggedResult(eksControlPlaneLogging, o, policy);
    const c = eksCluster(o);
    if (!c) return NONE;
    // A partial update (UpdateClusterConfig) says only which types it turned on or off: judge what it turned off.
    if (c.partial) {
      const off = new Set((c.disabledLogTypes ?? []).map((t) => t.toLowerCase()));
      const turnedOff = REQUIRED_LOG_TYPES.filter((t) => off.has(t));
      if (turnedOff.length === 0) return NONE;
      return { findings: [findingOf(eksControlPlaneLogging, o, policy, [o.resource.id], `cluster ${c.name}: control-plane logs turned off: ${turnedOff.join(', ')}`)] };
    }
    const enabled = new Set((c.enabledLogTypes ?? []).map((t) => t.toLowerCase()));
    const missing = REQUIRED_LOG_TYPES.filter((t) => !enabled.has(t));
    if (missing.length === 0) return NONE;
    return { findings: [findingOf(eksControlPlaneLogging, o, policy, [o.resource.id], `cluster ${c.name}: control-plane logs off: ${missing.join(', ')}`)] };
  },
};
