/**
 * Decisions stick. A finding an approver denied, or an accepted risk (a run that only notified because an exemption was
 * in force), is not raised again by every event and sweep: Record remembers the decision (control, resource, run key,
 * targets, severity, until), and triage and the sweep skip a finding it covers as `suppressed`, for
 * `policy.decisions.suppressDays`. A finding is raised again when its severity rises above the decided one, when it has
 * a target the decision did not see (a new rule on the group), when the period (or the exemption) ends, or, for an
 * accepted risk, when the exemption is no longer in force. An approval that expired unanswered is no decision.
 * Pure: the store is a port (functions/aws/sticky-decisions.ts, items `decision#…` of the findings table).
 */
import type { Finding, ResourceRef, Severity } from './model';
import type { Policy } from './policy/schema';
import type { RemediationRecord } from './remediation';

export interface StickyDecision {
  key: string;
  /** `denied` by an approver; `accepted-risk`: notified under an exemption in force. */
  decision: 'denied' | 'accepted-risk';
  control: string;
  resource: Pick<ResourceRef, 'type' | 'id' | 'account' | 'region'>;
  runKey?: string;
  targets: string[];
  severity: Severity;
  /** ISO date-time: the end of the suppression. */
  until: string;
  /** The run that decided (its audit id), when, by whom and why. */
  runId: string;
  decidedAt: string;
  by?: string;
  reason?: string;
}

/** Port: the decisions remembered, by key. */
export interface DecisionMemory {
  recall(key: string): Promise<StickyDecision | undefined>;
  remember(d: StickyDecision): Promise<void>;
}

const DAY_MS = 86_400_000;
const RANK: readonly Severity[] = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

type Keyed = Pick<Finding, 'control' | 'resource' | 'remediation'>;

/** `decision#<control>#<run key>#<account>/<region>/<type>/<id>`: one decision per fix of a control on a resource. */
export const decisionKey = (f: Keyed): string => {
  const r = f.resource;
  return `decision#${f.control}#${f.remediation.runKey ?? ''}#${r.account}/${r.region}/${r.type}/${r.id}`;
};

/**
 * The decision a finished run leaves, if it is one that sticks: remediate-workflow runs only (runbooks answer threats;
 * GuardDuty repeats are handled by the finding memory), ended `denied`, or `notified` under an exemption in force.
 */
export function stickyDecisionOf(record: RemediationRecord, policy: Policy): StickyDecision | undefined {
  const days = policy.decisions.suppressDays;
  if (days <= 0 || record.runbook || record.source === 'manual') return undefined;
  const accepted = record.outcome === 'notified' && record.exemption?.status === 'active';
  if (record.outcome !== 'denied' && !accepted) return undefined;
  const f = record.finding;
  const at = Date.parse(record.finishedAt);
  let until = at + days * DAY_MS;
  // An accepted risk lasts no longer than the exemption that accepted it.
  const exemptionEnds = accepted ? Date.parse(record.exemption?.expiresAt ?? '') : NaN;
  if (Number.isFinite(exemptionEnds)) until = Math.min(until, exemptionEnds);
  if (!Number.isFinite(until)) return undefined;
  const { type, id, account, region } = f.resource;
  const by = accepted ? record.exemption?.by : record.approval?.decidedBy;
  const reason = accepted ? record.exemption?.why : record.approval?.reason;
  return {
    key: decisionKey(f), decision: accepted ? 'accepted-risk' : 'denied', control: f.control,
    resource: { type, id, account, region }, ...(f.remediation.runKey ? { runKey: f.remediation.runKey } : {}),
    targets: [...new Set(f.remediation.targets)].sort(), severity: f.severity, until: new Date(until).toISOString(),
    runId: record.id, decidedAt: record.finishedAt, ...(by ? { by } : {}), ...(reason ? { reason } : {}),
  };
}

export type Suppression =
  | { suppressed: true; why: string; decision: StickyDecision }
  /** `why`: a decision exists but no longer covers the finding (severity rose, new targets, ended). */
  | { suppressed: false; why?: string };

/** Does a remembered decision keep `finding` from being raised again at `now`? */
export function suppression(d: StickyDecision | undefined, finding: Finding, now: Date): Suppression {
  if (!d || d.key !== decisionKey(finding)) return { suppressed: false };
  const what = `${d.decision === 'denied' ? 'denied' : 'accepted as a risk'} in run ${d.runId}`;
  if (Date.parse(d.until) <= now.getTime()) return { suppressed: false, why: `${what}, until ${d.until} (ended)` };
  if (RANK.indexOf(finding.severity) > RANK.indexOf(d.severity)) {
    return { suppressed: false, why: `${what} at ${d.severity}; severity rose to ${finding.severity}` };
  }
  const known = new Set(d.targets);
  const fresh = finding.remediation.targets.filter((t) => !known.has(t));
  if (fresh.length) return { suppressed: false, why: `${what}; new targets ${fresh.join(', ')}` };
  if (d.decision === 'accepted-risk' && finding.exemption?.status !== 'active') {
    return { suppressed: false, why: `${what}; the exemption is no longer in force` };
  }
  const who = d.by ? ` by ${d.by}` : '';
  return { suppressed: true, decision: d, why: `${what}${who} on ${d.decidedAt}, suppressed until ${d.until}` };
}
