import { describeGroup, describeGroupTags, describeRules, revokeRules } from '../aws/security-groups';
import { controlById } from '../domain/controls';
import { handlingOf } from '../domain/controls/sg-world-open-ingress';
import { withFrontEnd } from '../domain/front-end';
import type { Finding, Observation, SgRule, Tags } from '../domain/model';
import { describeRule } from '../domain/net';
import type { Policy } from '../domain/policy/schema';
import type { Plan } from '../domain/remediation';
import { fixingAction, type ActionClients, type Inspection } from './action';
import { anyResource, arn, FRONT_END_READS, SECURITY_GROUP_READS } from '../aws/permissions';
import type { FixingDeclaration } from './declaration';

/**
 * The group as the re-check sees it: live rules and tags (read when the finding has none) and, when it can change
 * the decision (world-open public ports on a group without the public tag), the live front-end answer, the same
 * lookup triage makes. `tags` is undefined when the group no longer exists. `readGroup`: read the group (tags and
 * name) even when the finding has tags, for a control that needs the name.
 */
export async function recheckObservation(
  finding: Finding, clients: ActionClients, policy: Policy, readGroup = false,
): Promise<{ observation: Observation; rules: SgRule[]; tags?: Tags }> {
  const groupId = finding.resource.id;
  const ec2 = clients.ec2();
  // Tags from triage stand; the name comes with them when they are read here.
  const group = readGroup || finding.resource.tags === undefined ? await describeGroup(ec2, groupId) : { tags: finding.resource.tags };
  const tags = group?.tags;
  const rules = tags === undefined ? [] : await describeRules(ec2, groupId);
  const groupName = group && 'groupName' in group ? group.groupName : undefined;
  const observation: Observation = {
    source: 'cloudtrail', eventId: 'live-recheck', eventName: 'LiveRecheck', time: new Date().toISOString(),
    account: finding.resource.account, region: finding.resource.region,
    resource: { ...finding.resource, ...(tags ? { tags } : {}) },
    facts: { kind: 'sg-rules', groupId, rules, complete: true, ...(groupName ? { groupName } : {}) },
  };
  // The load balancer clients load only when the answer can change the decision (rarely; never in apply or verify).
  const live = { publicFrontEnd: async (id: string) => (await import('../aws/front-ends')).publicFrontEnd(clients, id) };
  return { observation: await withFrontEnd(observation, live, policy), rules, ...(tags ? { tags } : {}) };
}

/** What it is and the IAM it needs per phase: `npm run gen` writes the registry and template.yaml's statements from it. */
export const declaration = {
  id: 'revoke-sg-ingress',
  title: 'Revoke world-open security-group ingress rules',
  planOnly: false,
  permissions: {
    inspect: [...SECURITY_GROUP_READS, ...FRONT_END_READS],
    apply: [{ actions: ['ec2:RevokeSecurityGroupIngress'], resources: [arn('ec2', 'security-group/*')], why: 'revoke the planned rules, by rule id' }],
    verify: [anyResource(['ec2:DescribeSecurityGroupRules'], 'are the revoked rules gone? (ec2:Describe* has no resource-level permissions)')],
  },
} as const satisfies FixingDeclaration;

/**
 * Revoke world-open ingress rules by SecurityGroupRuleIds. Only ever removes rules the finding's control flags on
 * live state; when the finding named rules, only those. One EC2 call each for inspect, apply and verify
 * (plus one for tags when the finding has none, or when nothing is left to revoke: a deleted group is `gone`; and the
 * load-balancer reads of the front-end lookup when they can change the decision).
 */
export const revokeSgIngress = fixingAction(declaration, {
  async inspect(finding, clients, policy): Promise<Inspection> {
    const readTags = finding.resource.tags === undefined;
    const { observation: live, rules, tags } = await recheckObservation(finding, clients, policy);
    const control = controlById(finding.control);
    // Only rules handled as this finding's are (never a tolerated ICMP rule, or a public port awaiting its approval).
    const same = control?.evaluate(live, policy).findings.filter((f) => handlingOf(f) === handlingOf(finding)) ?? [];
    const flagged = new Set(same.flatMap((f) => f.remediation.targets));
    const named = finding.remediation.targets;
    const targets = (named.length ? named : [...flagged]).filter((id) => flagged.has(id)).sort();
    const revoked = rules.filter((r) => targets.includes(r.ruleId ?? ''));
    // Nothing to revoke: tell a deleted group (no tags) from a fixed one. Tags from triage are re-read only here.
    const gone = targets.length === 0 && (readTags ? tags === undefined : (await describeGroupTags(clients.ec2(), finding.resource.id)) === undefined);

    return {
      stillViolating: targets.length > 0,
      plan: planFor(finding, targets, revoked, gone),
      ...(readTags && tags ? { tags } : {}),
      ...(gone ? { gone } : {}),
    };
  },

  async apply(plan, clients) {
    const { revoked, alreadyGone } = await revokeRules(clients.ec2(), plan.resource.id, plan.targets);
    return { applied: revoked, alreadyGone };
  },

  async verify(plan, clients) {
    const live = new Set((await describeRules(clients.ec2(), plan.resource.id)).map((r) => r.ruleId));
    const remaining = plan.targets.filter((id) => live.has(id));
    return { verified: remaining.length === 0, remaining };
  },
});

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
