import type { Observation } from '../model';
import { isValidCidr, reachesWorld } from '../cidr';
import type { Policy } from '../policy/schema';
import type { Control, ControlResult } from './control';
import { findingOf, flaggedResult, NONE } from './control-kit';
import { EKS_CLUSTER, EKS_TRIGGERS, eksCluster } from './eks-cluster';

const CONFIG_RULES = ['eks-endpoint-no-public-access'];

/**
 * EKS.1: a public API endpoint open to 0.0.0.0/0. Public access limited to listed CIDRs, or private only, is fine.
 * CreateCluster without the fields gets the API default (public, 0.0.0.0/0); a partial update keeps what it omits.
 */
export const eksEndpointPublic: Control = {
  id: 'eks-endpoint-public',
  title: 'The EKS API endpoint is public to the whole internet',
  severity: 'HIGH',
  seedRef: '3.1 Managed control plane: only roles or users authorized by the organization can reach the Kubernetes API',
  seed: ['3.1/only-authorized-roles-users'],
  mappings: { securityHub: ['EKS.1'], configRules: CONFIG_RULES, prowler: ['eks_cluster_not_publicly_accessible'] },
  resourceTypes: [EKS_CLUSTER],
  triggers: EKS_TRIGGERS,
  remediation: {
    action: 'restrict-eks-endpoint',
    defaultMode: 'approval',
    summary: "UpdateClusterConfig: public access limited to the policy's eks.adminCidrs, or public access off (private on) when none are set",
  },

  appliesTo: (o) => o.resource.type === EKS_CLUSTER,

  evaluate(o: Observation, policy: Policy): ControlResult {
    if (o.facts.kind === 'flagged') return flaggedResult(eksEndpointPublic, o, policy);
    const c = eksCluster(o);
    if (!c) return NONE;
    const isPublic = c.endpointPublicAccess ?? (c.partial ? undefined : true);
    const cidrs = c.publicAccessCidrs ?? (c.partial ? undefined : ['0.0.0.0/0']);
    if (isPublic === false) return NONE;
    // Like security groups: the union of the CIDRs counts (0.0.0.0/1 + 128.0.0.0/1 is the whole internet).
    const valid = cidrs?.filter(isValidCidr);
    const open = valid && reachesWorld(valid, policy.network.worldOpen) ? valid : [];
    if (isPublic === true && open?.length) {
      const evidence = `cluster ${c.name}: public endpoint open to ${open.join(', ')}${c.endpointPrivateAccess ? ' (private access also on)' : ''}`;
      return { findings: [findingOf(eksEndpointPublic, o, policy, [o.resource.id], evidence)] };
    }
    if (isPublic === true && cidrs === undefined) {
      return { findings: [], note: 'needs live state: the update turns public access on without listing its CIDRs' };
    }
    if (isPublic === undefined && open?.length) {
      return { findings: [], note: 'needs live state: the update opens the public CIDRs to 0.0.0.0/0 without saying whether public access is on' };
    }
    return NONE;
  },
};
