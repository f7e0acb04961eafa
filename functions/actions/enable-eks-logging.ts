import { describeCluster, eksClusterName, enabledLogTypes, toEksClusterFacts, updateClusterConfig } from '../aws/eks';
import type { Plan } from '../domain/remediation';
import { fixingAction, type Inspection } from './action';
import { EKS_CLUSTER_READS } from '../aws/permissions';
import { updateEksCluster } from './grants';
import type { FixingDeclaration } from './declaration';

/** The control-plane log types EKS.8 and the seed ask for: who called the API server, and what it decided. */
export const REQUIRED_LOG_TYPES = ['api', 'audit', 'authenticator'] as const;

/** What it is and the IAM it needs per phase: `npm run gen` writes the registry and template.yaml's statements from it. */
export const declaration = {
  id: 'enable-eks-logging',
  title: 'Enable EKS control-plane logging (api, audit, authenticator)',
  planOnly: false,
  permissions: { inspect: EKS_CLUSTER_READS, apply: [updateEksCluster], verify: EKS_CLUSTER_READS },
} as const satisfies FixingDeclaration;

/**
 * Turn on EKS control-plane logging (api, audit, authenticator) with UpdateClusterConfig, keeping every type already
 * enabled, and follow the asynchronous update with DescribeUpdate. No disruption; CloudWatch Logs ingestion costs.
 */
export const enableEksLogging = fixingAction(declaration, {
  async inspect(finding, clients): Promise<Inspection> {
    const name = eksClusterName(finding.resource.id);
    const cluster = await describeCluster(clients.eks(), name);
    const enabled = cluster ? enabledLogTypes(cluster) : [];
    const missing = cluster ? REQUIRED_LOG_TYPES.filter((t) => !enabled.includes(t)) : [];
    const types = [...new Set([...enabled, ...missing])].sort();
    const arn = cluster?.arn ?? finding.resource.id;
    const plan: Plan = {
      action: 'enable-eks-logging',
      resource: finding.resource,
      targets: missing.length ? [arn] : [],
      steps: !cluster
        ? [`EKS cluster ${name} no longer exists: nothing to change`]
        : missing.length
        ? [
            `enable control-plane log types ${missing.join(', ')} on EKS cluster ${name} ` +
              `(UpdateClusterConfig logging.clusterLogging [{types: [${types.join(', ')}], enabled: true}])` +
              (enabled.length ? `; ${enabled.join(', ')} stay enabled` : ''),
            'follow the update with DescribeUpdate until it is Successful',
            `logs go to CloudWatch Logs group /aws/eks/${name}/cluster (ingestion and storage are billed; set a retention)`,
          ]
        : [],
      details: { clusterName: name, enabledBefore: enabled, missing, types },
    };
    return {
      stillViolating: missing.length > 0,
      plan,
      ...(cluster && finding.resource.tags === undefined ? { tags: toEksClusterFacts(cluster).tags } : {}),
      ...(cluster ? {} : { gone: true }),
    };
  },

  async apply(plan, clients) {
    if (plan.targets.length === 0) return { applied: [], alreadyGone: [] };
    const { clusterName, types } = plan.details as { clusterName: string; types: string[] };
    const outcome = await updateClusterConfig(clients.eks(), clusterName, { logging: { types } });
    const done = outcome === 'successful' || outcome === 'untracked';
    return { applied: done ? [...plan.targets] : [], alreadyGone: done ? [] : [...plan.targets] };
  },

  async verify(plan, clients) {
    const { clusterName } = plan.details as { clusterName: string };
    const cluster = await describeCluster(clients.eks(), clusterName);
    const enabled = cluster ? enabledLogTypes(cluster) : [];
    const ok = !cluster || REQUIRED_LOG_TYPES.every((t) => enabled.includes(t));
    return { verified: ok, remaining: ok ? [] : [...plan.targets] };
  },
});
