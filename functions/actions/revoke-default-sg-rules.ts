import { networkInterfaces } from '../aws/enis';
import { anyResource, arn, SECURITY_GROUP_READS } from '../aws/permissions';
import { describeGroup, describeRules, revokeRules } from '../aws/security-groups';
import { controlById } from '../domain/controls';
import type { Finding, Observation, SgRule } from '../domain/model';
import { describeRule } from '../domain/net';
import type { Plan } from '../domain/remediation';
import { fixingAction, type Inspection } from './action';
import type { FixingDeclaration } from './declaration';

/** What it is and the IAM it needs per phase: `npm run gen` writes the registry and template.yaml's statements from it. */
export const declaration = {
  id: 'revoke-default-sg-rules',
  title: "Revoke every rule of a VPC's default security group",
  planOnly: false,
  permissions: {
    inspect: [
      ...SECURITY_GROUP_READS,
      anyResource(['ec2:DescribeNetworkInterfaces'], 'the network interfaces that still use the group, named in the plan (ec2:Describe* has no resource-level permissions)'),
    ],
    apply: [{
      actions: ['ec2:RevokeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress'],
      resources: [arn('ec2', 'security-group/*')],
      why: 'revoke the planned rules, inbound and outbound, by rule id',
    }],
    verify: [anyResource(['ec2:DescribeSecurityGroupRules'], 'are the revoked rules gone? (ec2:Describe* has no resource-level permissions)')],
  },
} as const satisfies FixingDeclaration;

/**
 * Close a VPC's default security group: revoke the rules its control still flags on the group as it is now (read
 * live: name, tags, rules), inbound and outbound, by rule id. Nothing else is touched: not the network interfaces that
 * use the group (the plan names them, so the approver knows who loses what), never another group.
 */
export const revokeDefaultSgRules = fixingAction(declaration, {
  async inspect(finding, clients, policy): Promise<Inspection> {
    const ec2 = clients.ec2();
    const groupId = finding.resource.id;
    const group = await describeGroup(ec2, groupId);
    const rules = group ? await describeRules(ec2, groupId) : [];
    const live: Observation = {
      source: 'cloudtrail', eventId: 'live-recheck', eventName: 'LiveRecheck', time: new Date().toISOString(),
      account: finding.resource.account, region: finding.resource.region,
      resource: { ...finding.resource, ...(group ? { tags: group.tags } : {}) },
      facts: { kind: 'sg-rules', groupId, rules, complete: true, ...(group?.groupName ? { groupName: group.groupName } : {}) },
    };
    // The re-check is the control's own evaluate on live state.
    const flagged = new Set(controlById(finding.control)?.evaluate(live, policy).findings.flatMap((f) => f.remediation.targets) ?? []);
    const named = finding.remediation.targets;
    const targets = (named.length ? named : [...flagged]).filter((id) => flagged.has(id)).sort();
    const users = targets.length ? (await networkInterfaces(ec2, 'group-id', groupId)).flatMap((e) => (e.NetworkInterfaceId ? [e.NetworkInterfaceId] : [])) : [];
    return {
      stillViolating: targets.length > 0,
      plan: planFor(finding, rules.filter((r) => targets.includes(r.ruleId ?? '')), users, !group),
      ...(group && finding.resource.tags === undefined ? { tags: group.tags } : {}),
      ...(group ? {} : { gone: true }),
    };
  },

  async apply(plan, clients) {
    const { rules } = plan.details as { rules: SgRule[] };
    const ids = (egress: boolean) => rules.filter((r) => r.isEgress === egress && plan.targets.includes(r.ruleId ?? '')).map((r) => r.ruleId!);
    const inbound = await revokeRules(clients.ec2(), plan.resource.id, ids(false), 'ingress');
    const outbound = await revokeRules(clients.ec2(), plan.resource.id, ids(true), 'egress');
    return { applied: [...inbound.revoked, ...outbound.revoked], alreadyGone: [...inbound.alreadyGone, ...outbound.alreadyGone] };
  },

  async verify(plan, clients) {
    const live = new Set((await describeRules(clients.ec2(), plan.resource.id)).map((r) => r.ruleId));
    const remaining = plan.targets.filter((id) => live.has(id));
    return { verified: remaining.length === 0, remaining };
  },
});

function planFor(finding: Finding, rules: SgRule[], users: string[], gone: boolean): Plan {
  const groupId = finding.resource.id;
  if (gone) return { action: declaration.id, resource: finding.resource, targets: [], steps: [`security group ${groupId} no longer exists: nothing to revoke`], details: { rules: [] } };
  return {
    action: declaration.id,
    resource: finding.resource,
    targets: rules.map((r) => r.ruleId!),
    steps: [
      ...rules.map((r) => `revoke ${describeRule(r)} on default group ${groupId}`),
      ...(rules.length && users.length
        ? [`${users.length} network interface(s) still use ${groupId} and lose this traffic: ${users.slice(0, 10).join(', ')}${users.length > 10 ? ', …' : ''}; give them a group of their own first`]
        : []),
    ],
    // The rules exactly as they were: what a restore would put back.
    details: { rules, networkInterfaces: users },
  };
}
