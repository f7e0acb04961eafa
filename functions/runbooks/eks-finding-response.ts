import type { Cluster } from '@aws-sdk/client-eks';
import { describeCluster, eksClusterName, toEksClusterFacts } from '../aws/eks';
import { errorName, WardenError } from '../aws/errors';
import type { Plan } from '../domain/remediation';
import { isEksClusterName, isRegion, kubectlPlan, kubectlSteps, type KubectlPlan } from '../domain/runbooks/kubectl';
import type { RunbookState, RunbookSteps, StepDeps } from './model';
import { findingEvidence, planned, targetAbsent, withEvidence } from './plan-kit';

/**
 * eks-finding-response: read the cluster, tell the owner what the finding names and the exact kubectl commands that
 * would contain it, keep the finding and the cluster as evidence. It changes nothing, in AWS or in the cluster:
 * Warden holds no cluster credentials by design (docs/decisions.md).
 */

interface Details {
  cluster: string;
  region: string;
  kubectl: KubectlPlan;
}

const details = (s: RunbookState): Details => s.live?.result.plan.details as unknown as Details;

/** The cluster name and region of the target: a cluster name (region of the run) or an EKS cluster ARN. */
function clusterOf(s: RunbookState): { name: string; region: string } {
  const target = s.runbook.target;
  const arn = /^arn:aws[a-z-]*:eks:([^:]*):\d{12}:cluster\/.+$/.exec(target);
  const name = eksClusterName(target);
  const region = arn ? arn[1]! : s.context.finding.resource.region;
  if (!isEksClusterName(name) || !isRegion(region)) {
    throw new WardenError('Warden.InvalidInput', `eks-finding-response needs an EKS cluster name or ARN (arn:aws:eks:<region>:<account>:cluster/<name>), got ${target}`);
  }
  return { name, region };
}

/**
 * The live cluster, or why it could not be read. For a finding, not found and unreadable (access denied, another
 * region) both leave the run going: the finding is what matters, and the owner must still hear. A hand start on a
 * cluster that is not found ends `not-found`. Throttling is retried.
 */
async function readCluster(deps: StepDeps, name: string): Promise<{ cluster?: Cluster; why?: string; missing?: true }> {
  try {
    const cluster = await describeCluster(deps.clients.eks(), name);
    return cluster ? { cluster } : { why: `cluster ${name} not found`, missing: true };
  } catch (err) {
    if (errorName(err) === 'Warden.Throttled') throw err;
    return { why: `cluster ${name} unreadable (${errorName(err) || 'Error'}: ${(err as Error).message})` };
  }
}

export const eksFindingResponse: RunbookSteps = {
  async plan(s, deps) {
    const { name, region } = clusterOf(s);
    const { cluster, why, missing } = await readCluster(deps, name);
    if (missing && s.context.source === 'manual') {
      // A hand start names the cluster, with no finding behind it: commands for a cluster that does not exist help nobody.
      const detail = `cluster ${name} not found in ${region}`;
      const plan: Plan = { action: 'eks-finding-response', resource: s.context.finding.resource, targets: [], steps: [`${detail}: no commands`] };
      return planned(s, deps, { stillViolating: false, absent: targetAbsent(s), plan, runbookDefault: 'notify', detail });
    }
    const tags = cluster ? toEksClusterFacts(cluster).tags : s.context.finding.resource.tags;
    const kubectl = kubectlPlan({ name, region }, s.context.guardduty);
    const d: Details = { cluster: name, region, kubectl };
    const plan: Plan = {
      action: 'eks-finding-response',
      resource: { ...s.context.finding.resource, ...(cluster?.arn ? { arn: cluster.arn } : {}), ...(tags ? { tags } : {}) },
      targets: [name],
      steps: kubectlSteps(kubectl),
      details: d as unknown as Record<string, unknown>,
    };
    const seen = cluster ? `cluster ${name} is ${cluster.status ?? 'in an unknown state'}` : `${why}: notifying anyway`;
    const detail = `${seen}; ${kubectl.commands.length} command(s), ${kubectl.unknown.length} thing(s) the finding does not say`;
    // A finding's run always notifies: the finding is the incident, whatever the cluster looks like now.
    return planned(s, deps, { stillViolating: true, plan, ...(tags ? { tags } : {}), runbookDefault: 'notify', detail });
  },

  async 'capture-evidence'(s, deps) {
    const { cluster: name } = details(s);
    const { cluster, why } = await readCluster(deps, name);
    const state = withEvidence(s, { finding: findingEvidence(s), cluster: cluster ?? null, ...(why ? { clusterUnreadable: why } : {}) });
    return { state, detail: `the finding${s.context.guardduty ? ` ${s.context.guardduty.id}` : ' (hand start: none)'}, ${cluster ? `the description of cluster ${name}` : why}` };
  },
};
