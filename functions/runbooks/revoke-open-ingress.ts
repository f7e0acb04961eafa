import { revokeSgIngress } from '../actions/revoke-sg-ingress';
import { describeGroups } from '../aws/evidence';
import { WardenError } from '../aws/errors';
import { describeRules } from '../aws/security-groups';
import { sgWorldOpenIngress } from '../domain/controls/sg-world-open-ingress';
import type { Finding } from '../domain/model';
import type { Plan } from '../domain/remediation';
import type { RunbookState, RunbookSteps } from './model';
import { planned, targetAbsent, withEvidence } from './plan-kit';

/**
 * revoke-open-ingress: the security-group remediation started by hand for a named group. The re-check, plan, revoke
 * and verify are the revoke-sg-ingress action's own, so the plan (action revoke-sg-ingress, the rules as they were)
 * and the audit record are the same as the remediate workflow's, and restore-security-group-rule can roll it back.
 */

const GROUP_ID = /^sg-[0-9a-f]{8,17}$/;
const plan = (s: RunbookState): Plan => s.live!.result.plan;

/**
 * The finding the action re-checks: the group, under the control sg-world-open-ingress. A hand start names no rule
 * (its target is the group), so every world-open rule policy flags is planned; rule ids from a finding are kept.
 */
function findingOf(s: RunbookState, groupId: string): Finding {
  const f = s.context.finding;
  return {
    ...f,
    control: sgWorldOpenIngress.id,
    resource: { ...f.resource, type: 'AWS::EC2::SecurityGroup', id: groupId },
    remediation: { ...f.remediation, action: revokeSgIngress.id, targets: f.remediation.targets.filter((t) => t.startsWith('sgr-')) },
  };
}

export const revokeOpenIngress: RunbookSteps = {
  async plan(s, deps) {
    const groupId = s.runbook.target;
    if (!GROUP_ID.test(groupId)) throw new WardenError('Warden.InvalidInput', `revoke-open-ingress needs a security group id (sg-…), got ${groupId}`);
    const finding = findingOf(s, groupId);
    const inspection = await revokeSgIngress.inspect(finding, deps.clients, s.policy);
    const tags = inspection.tags ?? finding.resource.tags;
    const p: Plan = { ...inspection.plan, resource: { ...inspection.plan.resource, ...(tags ? { tags } : {}) } };
    let detail: string;
    if (inspection.gone) {
      detail = `security group ${groupId} not found in ${finding.resource.region}`;
      p.steps = [`nothing to revoke: ${detail}`];
      return planned(s, { stillViolating: false, absent: targetAbsent(s), plan: p, runbookDefault: sgWorldOpenIngress.remediation.defaultMode, detail });
    }
    if (!inspection.stillViolating) {
      detail = `no world-open ingress rule to revoke on ${groupId}`;
      p.steps = [`nothing to revoke: ${detail} (public front-end ports allowed by policy are kept)`];
    } else {
      detail = `${p.targets.length} world-open ingress rule(s) to revoke on ${groupId}`;
    }
    return planned(s, { stillViolating: inspection.stillViolating, plan: p, ...(tags ? { tags } : {}), runbookDefault: sgWorldOpenIngress.remediation.defaultMode, detail });
  },

  async 'capture-evidence'(s, deps) {
    const groupId = plan(s).resource.id;
    const ec2 = deps.clients.ec2();
    const [group] = await describeGroups(ec2, [groupId]);
    const rules = group ? await describeRules(ec2, groupId) : [];
    const ingress = rules.filter((r) => !r.isEgress).length;
    const state = withEvidence(s, { securityGroup: group ?? null, rules });
    return { state, detail: group ? `group ${groupId} (${group.GroupName ?? ''}, ${group.VpcId ?? 'no VPC'}) with ${ingress} ingress and ${rules.length - ingress} egress rule(s)` : `group ${groupId} is gone` };
  },

  async revoke(s, deps) {
    const p = plan(s);
    const result = await revokeSgIngress.apply(p, deps.clients);
    const gone = result.alreadyGone.length ? `; already gone: ${result.alreadyGone.join(', ')}` : '';
    return { state: { ...s, applied: { result } }, detail: `revoked ${result.applied.join(', ') || 'nothing'} on ${p.resource.id}${gone}` };
  },

  async 'verify-revoked'(s, deps) {
    const p = plan(s);
    const result = await revokeSgIngress.verify(p, deps.clients);
    if (!result.verified) throw new WardenError('Warden.VerificationFailed', `still on ${p.resource.id}: ${result.remaining.join(', ')}`);
    return { state: { ...s, verified: { result } }, detail: `${p.targets.join(', ')} no longer on ${p.resource.id}` };
  },
};
