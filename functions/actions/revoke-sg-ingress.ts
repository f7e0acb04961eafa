import { describeGroupTags, describeRules, revokeIngressRules } from '../aws/security-groups';
import { controlById } from '../domain/controls';
import type { Finding, Observation, SgRule } from '../domain/model';
import { describeRule } from '../domain/net';
import type { Plan } from '../domain/remediation';
import type { FixingAction, Inspection } from './action';

/**
 * Revoke world-open ingress rules by SecurityGroupRuleIds. Only ever removes rules the finding's control flags on
 * live state; when the finding named rules, only those. One EC2 call each for inspect, apply and verify
 * (plus one for tags when the finding has none, or when nothing is left to revoke: a deleted group is `gone`).
 */
export const revokeSgIngress: FixingAction = {
  id: 'revoke-sg-ingress',
  title: 'Revoke world-open security-group ingress rules',

  async inspect(finding, clients, policy): Promise<Inspection> {
    const groupId = finding.resource.id;
    const ec2 = clients.ec2();
    const readTags = finding.resource.tags === undefined;
    const tags = readTags ? await describeGroupTags(ec2, groupId) : finding.resource.tags;
    const rules = tags === undefined ? [] : await describeRules(ec2, groupId);

    const live: Observation = {
      source: 'cloudtrail', eventId: 'live-recheck', eventName: 'LiveRecheck', time: new Date().toISOString(),
      account: finding.resource.account, region: finding.resource.region,
      resource: { ...finding.resource, ...(tags ? { tags } : {}) },
      facts: { kind: 'sg-rules', groupId, rules, complete: true },
    };
    const control = controlById(finding.control);
    const flagged = new Set(control?.evaluate(live, policy).findings.flatMap((f) => f.remediation.targets) ?? []);
    const named = finding.remediation.targets;
    const targets = (named.length ? named : [...flagged]).filter((id) => flagged.has(id)).sort();
    const revoked = rules.filter((r) => targets.includes(r.ruleId ?? ''));
    // Nothing to revoke: tell a deleted group (no tags) from a fixed one. Tags from triage are re-read only here.
    const gone = targets.length === 0 && (readTags ? tags === undefined : (await describeGroupTags(ec2, groupId)) === undefined);

    return {
      stillViolating: targets.length > 0,
      plan: planFor(finding, targets, revoked, gone),
      ...(readTags && tags ? { tags } : {}),
      ...(gone ? { gone } : {}),
    };
  },

  async apply(plan, clients) {
    const { revoked, alreadyGone } = await revokeIngressRules(clients.ec2(), plan.resource.id, plan.targets);
    return { applied: revoked, alreadyGone };
  },

  async verify(plan, clients) {
    const live = new Set((await describeRules(clients.ec2(), plan.resource.id)).map((r) => r.ruleId));
    const remaining = plan.targets.filter((id) => live.has(id));
    return { verified: remaining.length === 0, remaining };
  },
};

function planFor(finding: Finding, targets: string[], rules: SgRule[], gone: boolean): Plan {
  return {
    action: 'revoke-sg-ingress',
    resource: finding.resource,
    targets,
    steps: gone ? [`security group ${finding.resource.id} no longer exists: nothing to revoke`] : rules.map((r) => `revoke ${describeRule(r)} on ${finding.resource.id}`),
    // The rules exactly as they were: what a restore would put back.
    details: { rules },
  };
}
