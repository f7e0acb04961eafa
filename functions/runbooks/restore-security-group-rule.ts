import { getAuditRecord } from '../audit/get';
import { WardenError } from '../aws/errors';
import { authorizeIngressRules, describeGroupTags, describeRules, ruleIdsTagged } from '../aws/security-groups';
import type { SgRule, Tags } from '../domain/model';
import { describeRule, isAllTraffic, isWorldOpen } from '../domain/net';
import { exemptionKeys } from '../domain/policy/exemption';
import type { Policy } from '../domain/policy/schema';
import type { Plan, RemediationRecord } from '../domain/remediation';
import type { RunbookState, RunbookSteps } from './model';
import { planned, runExemption, targetAbsent, withEvidence, withResults } from './plan-kit';

/**
 * restore-security-group-rule: put back exactly the ingress rules an earlier revoke-sg-ingress run revoked (the
 * remediate workflow, started by a finding or by hand as revoke-open-ingress), read from its audit record. Always after approval. The
 * restore step runs in the RestoreRule function, the only Warden code allowed to add access.
 */

/** The action whose records can be restored: the remediate workflow's, however it was started. */
export const REVOCATION_ACTION = 'revoke-sg-ingress';
/** The tag every rule a restore puts back carries: the restore run's id. */
export const RESTORED_BY = 'warden:restored-by';

interface Details {
  sourceRecord: string;
  groupId: string;
  /** The rules to authorize, exactly as they were revoked (their old rule ids). */
  rules: SgRule[];
  /** Every rule of the group at plan time. */
  rulesBefore: SgRule[];
}

const details = (s: RunbookState): Details => s.live?.result.plan.details as unknown as Details;
const refuse = (message: string): never => {
  throw new WardenError('Warden.InvalidInput', message);
};

const PROTOCOLS: Record<string, string> = { all: '-1', '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6' };
const protocolOf = (r: SgRule) => PROTOCOLS[r.protocol.toLowerCase()] ?? r.protocol.toLowerCase();
const sourceOf = (r: SgRule) =>
  r.cidrIpv4 !== undefined ? `ipv4 ${r.cidrIpv4}` : r.cidrIpv6 !== undefined ? `ipv6 ${r.cidrIpv6}` : r.prefixListId !== undefined ? `pl ${r.prefixListId}` : `sg ${r.referencedGroupId ?? '?'}`;

/** What makes a rule the same rule (AWS's duplicate check): direction, protocol, ports, source. Rule ids change. */
export const ruleKey = (r: SgRule): string =>
  [r.isEgress ? 'egress' : 'ingress', protocolOf(r), isAllTraffic(r) ? '' : `${r.fromPort}-${r.toPort}`, sourceOf(r)].join('|');
/** The same, with the description: what the restore must reproduce. */
export const exactKey = (r: SgRule): string => `${ruleKey(r)}|${r.description ?? ''}`;

/** `xs` minus `ys`, as multisets of keys. */
function minus(xs: SgRule[], ys: SgRule[], key: (r: SgRule) => string): SgRule[] {
  const left = new Map<string, number>();
  for (const y of ys) left.set(key(y), (left.get(key(y)) ?? 0) + 1);
  return xs.filter((x) => {
    const n = left.get(key(x)) ?? 0;
    if (n > 0) left.set(key(x), n - 1);
    return n === 0;
  });
}

const isRule = (r: unknown): r is SgRule => {
  const x = r as Partial<SgRule> | null;
  return typeof x === 'object' && x !== null && typeof x.protocol === 'string' && typeof x.fromPort === 'number' && typeof x.toPort === 'number' && typeof x.groupId === 'string';
};

/**
 * The group and the rules a revocation record actually revoked (plan.details.rules whose id is in `applied`).
 * Anything less than a complete, fixed revocation is refused with the reason: a restore never guesses.
 */
export function revokedRules(id: string, record: RemediationRecord | undefined): { record: RemediationRecord; resource: Plan['resource']; groupId: string; rules: SgRule[] } {
  if (!record) return refuse(`no audit record ${id}: the target must be the id (execution name) of a revoke-sg-ingress run`);
  const plan = record.plan;
  if (plan?.action !== REVOCATION_ACTION) {
    return refuse(`audit record ${id} is a ${plan?.action ?? 'plan-less'} run, not a security-group revocation (revoke-sg-ingress or revoke-open-ingress): nothing of it can be restored`);
  }
  if (record.outcome !== 'fixed') return refuse(`audit record ${id} has outcome ${record.outcome}: only a fixed (applied and verified) revocation is restored`);
  const applied = record.applied ?? [];
  if (applied.length === 0) return refuse(`audit record ${id} revoked no rule (applied is empty): nothing to restore`);
  const d = plan.details;
  if (!d || d.truncated === true || !Array.isArray(d.rules)) {
    return refuse(`audit record ${id} does not hold the revoked rules (plan.details ${d?.truncated ? 'was truncated to fit the record' : 'is missing'}): restore by hand from the plan steps`);
  }
  const recorded = d.rules as unknown[];
  if (!recorded.every(isRule)) return refuse(`audit record ${id} has malformed rules in plan.details.rules`);
  const groupId = plan.resource.id;
  const rules = applied.map((ruleId) => recorded.find((r) => r.ruleId === ruleId) ?? refuse(`audit record ${id} applied ${ruleId} but does not hold that rule in plan.details.rules`));
  const foreign = rules.find((r) => r.groupId !== groupId || r.isEgress);
  if (foreign) return refuse(`audit record ${id}: rule ${foreign.ruleId} is ${foreign.isEgress ? 'an egress rule' : `of ${foreign.groupId}, not ${groupId}`}`);
  return { record, resource: plan.resource, groupId, rules };
}

const descriptionOf = (r: SgRule) => (r.description !== undefined ? ` (description "${r.description}")` : '');
const described = (r: SgRule) => `${describeRule(r)}${descriptionOf(r)}`;

/**
 * Mode tags for a restore: the group's tags without the exemption tags. An exemption means "Warden, do not narrow
 * this group by yourself"; it must not turn the rollback the team asked for into a mere notification.
 */
const modeTags = (tags: Tags, policy: Policy): Tags => {
  const keys = new Set(Object.values(exemptionKeys(policy)));
  return Object.fromEntries(Object.entries(tags).filter(([k]) => !keys.has(k)));
};

export const restoreSecurityGroupRule: RunbookSteps = {
  async plan(s, deps) {
    const id = s.runbook.target;
    const found = await getAuditRecord(id, deps.audit());
    const nothing = (why: string, resource = s.context.finding.resource): Plan => ({ action: 'restore-security-group-rule', resource, targets: [], steps: [why] });
    if (!found) {
      const why = `no audit record ${id}: the target must be the id (execution name) of a revoke-sg-ingress run`;
      return planned(s, deps, { stillViolating: false, absent: targetAbsent(s), plan: nothing(why), runbookDefault: 'approval', detail: why });
    }
    const { record, resource, groupId, rules: revoked } = revokedRules(id, found);
    const ec2 = deps.clients.ec2();
    const tags = await describeGroupTags(ec2, groupId);
    if (tags === undefined) {
      const why = `security group ${groupId} no longer exists: there is nothing to restore the rules into`;
      return planned(s, deps, { stillViolating: false, absent: 'resource-gone', plan: nothing(why, resource), runbookDefault: 'approval', detail: why });
    }
    const rulesBefore = await describeRules(ec2, groupId);
    // Present again (re-added by hand or IaC since): matched on protocol, ports and source, never on rule id.
    const rules = minus(revoked, rulesBefore, ruleKey);
    const present = minus(revoked, rules, ruleKey);
    const keys = exemptionKeys(s.policy);
    const exemption = await runExemption(s, deps, nothing('', { ...resource, tags }), tags);
    const reflag = rules.some(isWorldOpen) && exemption?.status !== 'active'
      ? [`note: ${groupId} is not exempted${exemption ? ` (${exemption.why})` : ''}: Warden will flag the restored world-open rule again at the next Config or Security Hub evaluation (the restore itself is ignored by the loop guard). Tag the group ${keys.until}=<date> ${keys.reason}=<ticket> ${keys.by}=<who> to keep it.`]
      : [];
    const plan: Plan = {
      action: 'restore-security-group-rule',
      resource: { ...resource, tags },
      targets: rules.map((r) => r.ruleId ?? '').filter(Boolean),
      steps: [
        ...rules.map((r) => `authorize ${describeRule(r)} on ${groupId}${descriptionOf(r)}`),
        ...present.map((r) => `already present, left as is: ${described(r)}`),
        ...(rules.length === 0 ? [`nothing to restore: every rule revoked by ${id} is on ${groupId} again`] : reflag),
      ],
      details: { sourceRecord: id, groupId, rules, rulesBefore } satisfies Details as unknown as Record<string, unknown>,
    };
    const state = withEvidence(s, {
      sourceRecord: { id, outcome: record.outcome, finishedAt: record.finishedAt, control: record.finding.control, approval: record.approval ?? null, applied: record.applied },
      rulesBefore,
    });
    return planned(state, deps, {
      stillViolating: rules.length > 0, plan, tags: modeTags(tags, s.policy), runbookDefault: 'approval',
      detail: rules.length > 0 ? `${rules.length} of ${revoked.length} rule(s) revoked by ${id} to restore on ${groupId}` : `all ${revoked.length} rule(s) revoked by ${id} are on ${groupId} again`,
    });
  },

  async 'restore-rules'(s, deps) {
    const { groupId, rules } = details(s);
    const ec2 = deps.clients.ec2();
    const live = await describeRules(ec2, groupId);
    // Every rule this run puts back carries its id as a tag (tagged in the same call): a retry (Step Functions re-runs
    // the step after a timeout or a crash) finds the rules its first attempt added as duplicates, and tells them from
    // a rule someone else put back meanwhile by that tag alone.
    const tag = { [RESTORED_BY]: s.context.id };
    const { authorized, alreadyPresent } = await authorizeIngressRules(ec2, groupId, rules, tag);
    const mine = alreadyPresent.length ? await ruleIdsTagged(ec2, groupId, RESTORED_BY, s.context.id) : new Set<string>();
    const unclaimed = live.filter((l) => l.ruleId !== undefined && mine.has(l.ruleId));
    const byEarlierAttempt: { rule: SgRule; ruleId?: string }[] = [];
    const present: SgRule[] = [];
    for (const rule of alreadyPresent) {
      const i = unclaimed.findIndex((l) => exactKey(l) === exactKey(rule));
      if (i < 0) {
        present.push(rule);
        continue;
      }
      const ruleId = unclaimed.splice(i, 1)[0]!.ruleId;
      byEarlierAttempt.push({ rule, ...(ruleId ? { ruleId } : {}) });
    }
    // In the planned order, whichever attempt added them: a retry reports what the first attempt would have.
    const done = new Map([...authorized, ...byEarlierAttempt].map((a) => [a.rule, a]));
    const restoredRules = rules.flatMap((r) => (done.has(r) ? [done.get(r)!] : []));
    // The rules right before the change (without this run's own): verify compares against these, not against the
    // plan's (the approval may have waited an hour while the team changed other rules).
    const ours = new Set(byEarlierAttempt.flatMap((a) => (a.ruleId ? [a.ruleId] : [])));
    const rulesBeforeRestore = live.filter((l) => !(l.ruleId && ours.has(l.ruleId)));
    const restored = restoredRules.map((a) => ({ revokedAs: a.rule.ruleId, ruleId: a.ruleId }));
    const state = withResults(s, { rulesBeforeRestore, restored, alreadyPresent: present.map((r) => r.ruleId) });
    const applied = { applied: restoredRules.map((a) => a.ruleId ?? '').filter(Boolean), alreadyGone: [] };
    const earlier = new Set(byEarlierAttempt.map((a) => a.rule));
    const parts = [
      ...restoredRules.map((a) => `authorized ${described(a.rule)} as ${a.ruleId ?? '(id not returned)'}${earlier.has(a.rule) ? ' (by an earlier attempt of this step)' : ''}`),
      ...present.map((r) => `already present: ${described(r)}`),
    ];
    return { state: { ...state, applied: { result: applied } }, detail: `${parts.join('; ')} on ${groupId}` };
  },

  async 'verify-restored'(s, deps) {
    const { groupId, rules, rulesBefore } = details(s);
    const before = (s.runbook.results?.rulesBeforeRestore as SgRule[] | undefined) ?? rulesBefore;
    const live = await describeRules(deps.clients.ec2(), groupId);
    // Every restored rule is there with its description, and nothing is there that was neither before nor restored.
    const expected = [...minus(before, rules, ruleKey), ...rules];
    const missing = minus(rules, live, exactKey);
    const extra = minus(live, expected, exactKey);
    if (missing.length > 0 || extra.length > 0) {
      throw new WardenError('Warden.VerificationFailed', [
        missing.length ? `not restored exactly: ${missing.map(described).join('; ')}` : '',
        extra.length ? `unexpected rule(s) on ${groupId}: ${extra.map(described).join('; ')}` : '',
      ].filter(Boolean).join('; '));
    }
    return {
      state: { ...s, verified: { result: { verified: true, remaining: [] } } },
      detail: `${rules.length} rule(s) back on ${groupId} exactly as revoked; no other rule added`,
    };
  },
};
