import { renderTable } from './table';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { evaluate } from '../functions/domain/evaluate';
import type { Decision, LiveState, Status } from '../functions/domain/model';
import type { Policy } from '../functions/domain/policy';
import type { Exemption } from '../functions/domain/policy/exemption';

/** One element of `warden evaluate --json`: a stable contract (extend it, never break it). */
export interface EvaluationReport {
  input: string;
  status: Status;
  reason?: string;
  findings: {
    control: string;
    severity: string;
    resourceType: string;
    resourceId: string;
    remediation: { action: string; mode: string; targets: string[] };
    /** Offline, tags unknown: the mode may be stricter once they are known (and why). */
    modeMayTighten?: true;
    modeMayTightenReason?: string;
    /** The resource's tags claim an exemption: in force (mode at least notify), expired or invalid, and why. */
    exemption?: Exemption;
  }[];
}

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Files to evaluate: each file as given, each directory's *.json files recursively, in sorted order. */
export function expandInputs(paths: string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && entry.name.endsWith('.json')) out.push(full);
    }
  };
  for (const p of paths) {
    let stat;
    try {
      stat = statSync(p);
    } catch {
      throw new UsageError(`no such file or directory: ${p}`);
    }
    if (stat.isDirectory()) walk(p);
    else out.push(p);
  }
  return out;
}

export function toReport(input: string, d: Decision): EvaluationReport {
  const findings =
    d.status === 'violation'
      ? d.findings.map((f) => ({
          control: f.control, severity: f.severity, resourceType: f.resource.type, resourceId: f.resource.id,
          remediation: { action: f.remediation.action, mode: f.remediation.mode, targets: f.remediation.targets },
          ...(f.modeMayTighten ? { modeMayTighten: true as const, modeMayTightenReason: f.modeMayTightenReason ?? '' } : {}),
          ...(f.exemption ? { exemption: f.exemption } : {}),
        }))
      : [];
  return { input, status: d.status, ...('reason' in d && d.reason ? { reason: d.reason } : {}), findings };
}

/**
 * Evaluate files with the same code path as the triage Lambda. Unreadable or non-JSON files are `invalid`. Exemptions
 * are judged at `now`; no first sighting is read or recorded here, so a cap counts from `now` (the verdict says so).
 */
export async function evaluateFiles(files: string[], policy: Policy, live?: LiveState, now = new Date()): Promise<EvaluationReport[]> {
  const reports: EvaluationReport[] = [];
  for (const file of files) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      reports.push({ input: file, status: 'invalid', reason: `not JSON: ${(err as Error).message}`, findings: [] });
      continue;
    }
    const decision = await evaluate(raw, { policy, now, ...(live ? { live } : {}) });
    reports.push(toReport(file, decision));
  }
  return reports;
}

export function formatTable(reports: EvaluationReport[]): string {
  const rows = reports.flatMap((r) => {
    if (r.findings.length === 0) return [[r.input, r.status, '', '', '', '', r.reason ?? '']];
    return r.findings.map((f) => [
      r.input, r.status, f.control, f.severity, f.resourceId, f.modeMayTighten ? `${f.remediation.mode} (may tighten)` : f.remediation.mode,
      [f.remediation.targets.join(','), r.reason, f.modeMayTightenReason, f.exemption?.why].filter(Boolean).join(' | '),
    ]);
  });
  const header = ['INPUT', 'STATUS', 'CONTROL', 'SEVERITY', 'RESOURCE', 'MODE', 'TARGETS / REASON'];
  const counts = (['violation', 'compliant', 'ignored', 'invalid'] as const)
    .map((s) => `${reports.filter((r) => r.status === s).length} ${s}`)
    .join(', ');
  return [...renderTable(header, rows), '', `${reports.length} events: ${counts}`].join('\n');
}
