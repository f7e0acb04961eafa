import { describeCluster, eksClusterName, toEksClusterFacts, updateClusterConfig } from '../aws/eks';
import type { EksClusterFacts } from '../domain/model';
import type { Plan } from '../domain/remediation';
import { fixingAction, type Inspection } from './action';
import { EKS_CLUSTER_READS } from '../aws/permissions';
import { updateEksCluster } from './grants';
import type { FixingDeclaration } from './declaration';

/** What UpdateClusterConfig gets: `resourcesVpcConfig` with endpoint access only (one update type per call). */
interface EndpointAccess {
  endpointPublicAccess: boolean;
  endpointPrivateAccess: boolean;
  publicAccessCidrs?: string[];
}

const WORLD = ['0.0.0.0/0', '::/0'];
const worldOpen = (c: EksClusterFacts): boolean =>
  c.endpointPublicAccess !== false && (c.publicAccessCidrs ?? ['0.0.0.0/0']).some((cidr) => WORLD.includes(cidr));

/** What it is and the IAM it needs per phase: `npm run gen` writes the registry and template.yaml's statements from it. */
export const declaration = {
  id: 'restrict-eks-endpoint',
  title: 'Restrict the EKS API endpoint to admin CIDRs, or make it private',
  planOnly: false,
  permissions: { inspect: EKS_CLUSTER_READS, apply: [updateEksCluster], verify: EKS_CLUSTER_READS },
} as const satisfies FixingDeclaration;

/**
 * Restrict a world-open EKS API endpoint: public access limited to the policy's `eks.adminCidrs`, or turned off when
 * there are none; the private endpoint is always turned on so nodes keep reaching the API server.
 * Approval by default: kubectl and CI outside the VPC (and outside the admin CIDRs) lose access.
 */
export const restrictEksEndpoint = fixingAction(declaration, {
  async inspect(finding, clients, policy): Promise<Inspection> {
    const name = eksClusterName(finding.resource.id);
    const cluster = await describeCluster(clients.eks(), name);
    const live = cluster && toEksClusterFacts(cluster);
    const violating = live ? worldOpen(live.facts) : false;
    const adminCidrs = [...policy.eks.adminCidrs];
    const target: EndpointAccess = adminCidrs.length
      ? { endpointPublicAccess: true, publicAccessCidrs: adminCidrs, endpointPrivateAccess: true }
      : { endpointPublicAccess: false, endpointPrivateAccess: true };
    const before = live && {
      endpointPublicAccess: live.facts.endpointPublicAccess, endpointPrivateAccess: live.facts.endpointPrivateAccess,
      publicAccessCidrs: live.facts.publicAccessCidrs,
    };
    const plan: Plan = {
      action: 'restrict-eks-endpoint',
      resource: finding.resource,
      targets: violating ? [cluster?.arn ?? finding.resource.id] : [],
      steps: !cluster ? [`EKS cluster ${name} no longer exists: nothing to change`] : violating ? stepsFor(name, target, before?.endpointPrivateAccess ?? false) : [],
      // `before` is what a restore would put back.
      details: { clusterName: name, resourcesVpcConfig: target, ...(before ? { before } : {}) },
    };
    return {
      stillViolating: violating,
      plan,
      ...(live && finding.resource.tags === undefined ? { tags: live.tags } : {}),
      ...(cluster ? {} : { gone: true }),
    };
  },

  async apply(plan, clients) {
    if (plan.targets.length === 0) return { applied: [], alreadyGone: [] };
    const { clusterName, resourcesVpcConfig } = plan.details as { clusterName: string; resourcesVpcConfig: EndpointAccess };
    const outcome = await updateClusterConfig(clients.eks(), clusterName, { resourcesVpcConfig });
    const done = outcome === 'successful' || outcome === 'untracked';
    return { applied: done ? [...plan.targets] : [], alreadyGone: done ? [] : [...plan.targets] };
  },

  async verify(plan, clients) {
    const { clusterName, resourcesVpcConfig: want } = plan.details as { clusterName: string; resourcesVpcConfig: EndpointAccess };
    const cluster = await describeCluster(clients.eks(), clusterName);
    if (!cluster) return { verified: true, remaining: [] };
    const { facts } = toEksClusterFacts(cluster);
    const sorted = (xs: string[] | undefined) => [...(xs ?? [])].sort().join(',');
    const ok =
      facts.endpointPublicAccess === want.endpointPublicAccess &&
      facts.endpointPrivateAccess === true &&
      (!want.endpointPublicAccess || sorted(facts.publicAccessCidrs) === sorted(want.publicAccessCidrs));
    return { verified: ok, remaining: ok ? [] : [...plan.targets] };
  },
});

function stepsFor(name: string, target: EndpointAccess, privateBefore: boolean): string[] {
  const change = target.endpointPublicAccess
    ? `limit public access to the API endpoint of EKS cluster ${name} to ${target.publicAccessCidrs!.join(', ')}`
    : `turn off public access to the API endpoint of EKS cluster ${name}`;
  return [
    `${change}${privateBefore ? '' : ' and turn on the private endpoint'} ` +
      `(UpdateClusterConfig resourcesVpcConfig ${JSON.stringify(target)})`,
    target.endpointPublicAccess
      ? `warning: kubectl, CI/CD and any client outside the VPC and outside ${target.publicAccessCidrs!.join(', ')} lose access to the Kubernetes API`
      : 'warning: kubectl, CI/CD and any client outside the VPC lose access to the Kubernetes API; they must run in the VPC or reach it through VPN, Direct Connect or a bastion',
    'nodes and Fargate pods reach the API server through the private endpoint (the VPC needs DNS support and DNS hostnames)',
    'follow the update with DescribeUpdate until it is Successful (endpoint updates take several minutes)',
  ];
}
