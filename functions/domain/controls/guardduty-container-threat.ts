import type { Finding, GuardDutyFacts, Mode, Observation, Severity } from '../model';
import { stricterOf } from '../policy/mode';
import type { Policy } from '../policy/schema';
import type { Control, ControlResult } from './control';
import { findingOf, NONE } from './control-kit';
import { isServiceGroup } from './ecs-task-root-or-privileged';

const TASK = 'AWS::ECS::Task';
const INSTANCE = 'AWS::EC2::Instance';
const EKS_CLUSTER = 'AWS::EKS::Cluster';
const ECS_CLUSTER = 'AWS::ECS::Cluster';
const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;

/** GuardDuty's numeric severity as a label: ≥9 CRITICAL, ≥7 HIGH, ≥4 MEDIUM, else LOW. */
export function severityLabel(severity: number): Severity {
  if (severity >= 9) return 'CRITICAL';
  if (severity >= 7) return 'HIGH';
  if (severity >= 4) return 'MEDIUM';
  return 'LOW';
}

/** The containment runbook and its default mode for the finding's resource; undefined when there is none. */
function containment(o: Observation, g: GuardDutyFacts): { action: string; defaultMode: Mode } | undefined {
  if (o.resource.type === TASK) return { action: 'contain-ecs-task', defaultMode: isServiceGroup(g.taskGroup) ? 'approval' : 'auto' };
  if (o.resource.type === INSTANCE) return { action: 'isolate-container-instance', defaultMode: 'approval' };
  // The EKS runbook only notifies (no cluster credentials by design): nothing to approve.
  if (o.resource.type === EKS_CLUSTER) return { action: 'eks-finding-response', defaultMode: 'auto' };
  return undefined;
}

function describeResource(o: Observation, g: GuardDutyFacts): string {
  if (o.resource.type === TASK) {
    const started = isServiceGroup(g.taskGroup) ? `of ${g.taskGroup}` : 'standalone';
    return `task ${g.taskArn ?? o.resource.id} (${started}) on ECS cluster ${g.clusterName ?? '?'}`;
  }
  if (o.resource.type === INSTANCE) {
    const host = g.host === 'eks' ? `EKS node${g.clusterName ? ` of ${g.clusterName}` : ''}` : 'ECS container instance';
    return `instance ${g.instanceId ?? o.resource.id} (${host})`;
  }
  if (o.resource.type === EKS_CLUSTER) {
    const wl = g.kubernetesWorkload ? `, ${g.kubernetesNamespace ? `${g.kubernetesNamespace}/` : ''}${g.kubernetesWorkload}` : '';
    return `EKS cluster ${g.clusterName ?? o.resource.id}${wl}`;
  }
  return `ECS cluster ${g.clusterName ?? o.resource.id} (no task in the finding)`;
}

/**
 * The EC2 node a runtime finding on EKS ran on, as its own resource: the node is isolated (isolate-container-instance)
 * besides the kubectl plan for the cluster. Only Runtime Monitoring names one (EKS on EC2; not Fargate, not audit logs).
 */
function nodeOf(o: Observation, g: GuardDutyFacts): Observation | undefined {
  if (o.resource.type !== EKS_CLUSTER || !g.runtime || !g.instanceId || !INSTANCE_ID.test(g.instanceId)) return undefined;
  const arn = g.instanceArn ?? `arn:aws:ec2:${o.region}:${o.account}:instance/${g.instanceId}`;
  const tags = g.instanceTags ?? o.resource.tags;
  return { ...o, resource: { type: INSTANCE, id: g.instanceId, arn, account: o.resource.account, region: o.resource.region, ...(tags ? { tags } : {}) } };
}

function evidenceOf(o: Observation, g: GuardDutyFacts, node?: Observation): string {
  const on = node ? `EKS node ${g.instanceId}${g.clusterName ? ` of ${g.clusterName}` : ''}${g.kubernetesWorkload ? ` (${g.kubernetesNamespace ? `${g.kubernetesNamespace}/` : ''}${g.kubernetesWorkload})` : ''}` : describeResource(o, g);
  const parts = [`GuardDuty ${g.type} (severity ${g.severity}) on ${on}`];
  if (g.process) parts.push(`process ${g.process}`);
  if (g.kubernetesUser) parts.push(`actor ${g.kubernetesUser}`);
  if (g.containers?.length) parts.push(`containers ${g.containers.join(', ')}`);
  if (g.count !== undefined && g.count > 1) parts.push(`seen ${g.count} times`);
  return parts.join('; ');
}

/**
 * A GuardDuty runtime or EKS finding on a container workload. Policy bands (guardduty.contain / notify, defaults 7
 * and 4): at or above `contain`, the resource's containment runbook; at or above `notify`, the owner is told which
 * runbook to run; below, the finding is recorded only.
 */
export const guarddutyContainerThreat: Control = {
  id: 'guardduty-container-threat',
  title: 'GuardDuty reports a threat on a container workload',
  severity: 'HIGH',
  seedRef: '3.5 GuardDuty and Security Hub: Enable GuardDuty to detect malicious activity',
  seed: ['3.5/enable-guardduty-detect-malicious'],
  mappings: {},
  resourceTypes: [TASK, INSTANCE, EKS_CLUSTER, ECS_CLUSTER],
  triggers: { guardDuty: 'ECSCluster (Runtime Monitoring), EKSCluster (audit log, runtime), Instance of an ECS container instance or EKS node' },
  remediation: {
    action: 'contain-ecs-task',
    defaultMode: 'approval',
    summary:
      'By severity band (policy guardduty.contain / guardduty.notify): contain-ecs-task (auto for standalone tasks, approval for tasks of a service), isolate-container-instance (approval) or eks-finding-response (notify with kubectl steps); a runtime finding on an EKS node on EC2 gets both isolate-container-instance for the node and eks-finding-response; notify-owner in the middle band; recorded only below it',
  },

  appliesTo: (o) => o.facts.kind === 'guardduty-finding',

  evaluate(o: Observation, policy: Policy): ControlResult {
    if (o.facts.kind !== 'guardduty-finding') return NONE;
    const g = o.facts.finding;
    const severity = severityLabel(g.severity);
    const { contain, notify } = policy.guardduty;
    if (g.severity < notify) {
      return { findings: [], note: `recorded only: GuardDuty ${g.type} severity ${g.severity} is below the notify threshold ${notify}` };
    }
    if (o.resource.type === INSTANCE && !g.host) {
      const id = g.instanceId ?? o.resource.id;
      return g.notAHost
        ? { findings: [], note: `recorded only: EC2 instance ${id} is not a container host (no ECS or EKS tag, and no ECS cluster has it as a container instance)` }
        : { findings: [], note: `needs live state: EC2 instance ${id} has no ECS or EKS tag, so it is not a container host by its tags; whether an ECS cluster has it as a container instance needs a live lookup` };
    }
    const evidence = evidenceOf(o, g);
    const targets = [o.resource.id];
    const node = nodeOf(o, g);
    const contained = g.severity >= contain ? containment(o, g) : undefined;
    if (contained) {
      const findings: Finding[] = [findingOf(guarddutyContainerThreat, o, policy, targets, evidence, { severity, ...contained })];
      // An EKS node on EC2: isolate the node (approval) first, then the kubectl plan for the cluster. Two runs.
      if (node) findings.unshift(findingOf(guarddutyContainerThreat, node, policy, [node.resource.id], evidenceOf(o, g, node), { severity, action: 'isolate-container-instance', defaultMode: 'approval' }));
      return { findings };
    }
    const runbook = containment(o, g)?.action;
    const runbooks = node ? `the ${runbook} runbook, and isolate-container-instance for node ${node.resource.id}` : `the ${runbook} runbook`;
    const note =
      g.severity >= contain
        ? 'the finding names no task: the owner is notified to find the affected tasks'
        : `severity ${g.severity} is below the contain threshold ${contain}: notify the owner${runbook ? ` with ${runbooks}` : ''}`;
    const finding = findingOf(guarddutyContainerThreat, o, policy, targets, evidence, { severity, action: 'notify-owner', defaultMode: 'notify' });
    // The middle band only ever notifies, whatever the control's configured mode.
    const mode = stricterOf(finding.remediation.mode, 'notify');
    return { findings: [{ ...finding, remediation: { ...finding.remediation, mode } }], note };
  },
};
