import type { Cluster } from '@aws-sdk/client-ecs';
import { describeCluster, enableClusterInsights, toTags } from '../aws/ecs';
import type { Plan } from '../domain/remediation';
import { fixingAction, type Inspection } from './action';
import { arn, ecsTagReads } from '../aws/permissions';
import { describeEcsClusters } from './grants';
import type { FixingDeclaration } from './declaration';

/** `enabled` and `enhanced` both count as on (ECS.12). */
const isOn = (value: string | undefined): boolean => value === 'enabled' || value === 'enhanced';

/** What it is and the IAM it needs per phase: `npm run gen` writes the registry and template.yaml's statements from it. */
export const declaration = {
  id: 'enable-container-insights',
  title: 'Enable Container Insights on an ECS cluster',
  planOnly: false,
  permissions: {
    inspect: [describeEcsClusters, ecsTagReads(['cluster'])],
    apply: [{ actions: ['ecs:UpdateClusterSettings'], resources: [arn('ecs', 'cluster/*')], why: 'containerInsights=enabled' }],
    verify: [describeEcsClusters],
  },
} as const satisfies FixingDeclaration;

/**
 * Turn on Container Insights for an ECS cluster (UpdateClusterSettings containerInsights=enabled). A cluster already
 * on `enhanced` is left alone. Auto by default: it only adds metrics (and their cost).
 */
export const enableContainerInsights = fixingAction(declaration, {
  async inspect(finding, clients): Promise<Inspection> {
    const cluster = await describeCluster(clients.ecs(), finding.resource.id);
    const before = insightsOf(cluster);
    const violating = cluster !== undefined && !isOn(before);
    const name = cluster?.clusterName ?? finding.resource.id.split('/').pop()!;
    const plan: Plan = {
      action: 'enable-container-insights',
      resource: finding.resource,
      targets: violating ? [cluster?.clusterArn ?? finding.resource.id] : [],
      steps: !cluster
        ? [`ECS cluster ${name} no longer exists: nothing to change`]
        : violating
        ? [
            `turn on Container Insights for ECS cluster ${name} (UpdateClusterSettings settings [{name: containerInsights, value: enabled}], ` +
              `was ${before ?? 'not set'})`,
            'metrics are collected from now on as CloudWatch custom metrics and performance log events (billed)',
          ]
        : [],
      // The setting as it was: what a restore would put back.
      details: { cluster: cluster?.clusterArn ?? finding.resource.id, containerInsightsBefore: before ?? null },
    };
    const tags = cluster && finding.resource.tags === undefined ? toTags(cluster.tags) : undefined;
    return { stillViolating: violating, plan, ...(tags ? { tags } : {}), ...(cluster ? {} : { gone: true }) };
  },

  async apply(plan, clients) {
    if (plan.targets.length === 0) return { applied: [], alreadyGone: [] };
    const { cluster } = plan.details as { cluster: string };
    if (!(await enableClusterInsights(clients.ecs(), cluster))) return { applied: [], alreadyGone: [...plan.targets] };
    return { applied: [...plan.targets], alreadyGone: [] };
  },

  async verify(plan, clients) {
    const cluster = await describeCluster(clients.ecs(), (plan.details as { cluster: string }).cluster);
    const ok = !cluster || isOn(insightsOf(cluster));
    return { verified: ok, remaining: ok ? [] : [...plan.targets] };
  },
});

const insightsOf = (cluster: Cluster | undefined): string | undefined =>
  cluster?.settings?.find((s) => s.name === 'containerInsights')?.value;
