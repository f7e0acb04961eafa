import type { Finding, Severity } from './model';
import { stricterOf } from './policy/mode';

const RANK: readonly Severity[] = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

/** Actions whose plan is one control's advice: two controls' findings merged into one run would lose one's advice. */
const PER_CONTROL_ACTIONS: readonly string[] = ['notify-owner'];

/**
 * One remediation per action and resource (and run key, when a control keeps findings apart): findings of several
 * controls that one fix covers (e.g. root user and privileged, both fixed by one hardened revision) become one run.
 * The most severe finding leads; targets are merged; the mode is the most cautious of the group. notify-owner tells one control's change, so each control keeps
 * its own run (NET_ADMIN and host network on one task definition are two messages, not one that drops the other).
 */
export function groupFindings(findings: Finding[]): { finding: Finding; relatedControls: string[] }[] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const per = PER_CONTROL_ACTIONS.includes(f.remediation.action) ? `|${f.control}` : '';
    const key = `${f.remediation.action}${per}|${f.resource.id}|${f.remediation.runKey ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  return [...groups.values()].map((group) => {
    const lead = [...group].sort((a, b) => RANK.indexOf(b.severity) - RANK.indexOf(a.severity))[0]!;
    const targets = [...new Set(group.flatMap((f) => f.remediation.targets))];
    const mode = group.map((f) => f.remediation.mode).reduce(stricterOf);
    return {
      finding: { ...lead, remediation: { ...lead.remediation, mode, targets } },
      relatedControls: group.filter((f) => f !== lead).map((f) => f.control),
    };
  });
}
