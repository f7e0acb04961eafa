import type { Finding, Severity } from './model';
import { stricterOf } from './policy/mode';

const RANK: readonly Severity[] = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

/**
 * One remediation per action and resource (and run key, when a control keeps findings apart): findings of several controls that one fix covers (e.g. root user and
 * privileged, both fixed by one hardened revision) become one run. The most severe finding leads; targets are
 * merged; the mode is the most cautious of the group.
 */
export function groupFindings(findings: Finding[]): { finding: Finding; relatedControls: string[] }[] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = `${f.remediation.action}|${f.resource.id}|${f.remediation.runKey ?? ''}`;
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
