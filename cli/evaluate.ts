import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { clients } from '../functions/aws/clients';
import { awsLiveState } from '../functions/aws/live-state';
import { evaluate } from '../functions/domain/evaluate';
import type { Decision, Finding, LiveState, Status } from '../functions/domain/model';
import type { Policy } from '../functions/domain/policy';
import type { Exemption } from '../functions/domain/policy/exemption';
import { loadPolicy } from './policy-file';
import { act, exitCodesHelp, UsageError, type Io } from './program';
import { lookOf, PLAIN, renderTable, tones, type Look } from './table';

export { UsageError } from './program';

/** One element of `warden evaluate --json`: a stable contract (extend it, never break it). */
export interface EvaluationReport {
  input: string;
  status: Status;
  reason?: string;
  findings: FindingReport[];
}

/** One finding in `warden evaluate --json` (and `warden scan --json`, which adds where it is and why). */
export interface FindingReport {
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
}

/** The finding as the JSON contract has it. */
export const findingReport = (f: Finding): FindingReport => ({
  control: f.control, severity: f.severity, resourceType: f.resource.type, resourceId: f.resource.id,
  remediation: { action: f.remediation.action, mode: f.remediation.mode, targets: f.remediation.targets },
  ...(f.modeMayTighten ? { modeMayTighten: true as const, modeMayTightenReason: f.modeMayTightenReason ?? '' } : {}),
  ...(f.exemption ? { exemption: f.exemption } : {}),
});

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
  const findings = d.status === 'violation' ? d.findings.map(findingReport) : [];
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

export function formatTable(reports: EvaluationReport[], look: Look = PLAIN): string {
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
  return [...renderTable(header, rows, look, tones(look)), '', `${reports.length} events: ${counts}`].join('\n');
}

/** An ISO date-time option (`--now`), or now. */
export function nowOption(text: string | undefined): Date {
  const now = text === undefined ? new Date() : new Date(text);
  if (Number.isNaN(now.getTime())) throw new UsageError(`--now ${text}: not a date-time (e.g. 2026-06-01T12:00:00Z)`);
  return now;
}

/** `warden evaluate <file|dir>...`. */
export function makeEvaluateCommand(io: Io): Command {
  const cmd = new Command('evaluate')
    .summary('decide events offline (the same code as the Lambdas)')
    .description('decide events offline with the same code as the Lambdas')
    .argument('<paths...>', 'event files (JSON), or directories of them (read recursively)')
    .option('--json', 'print a JSON array, one element per input event, in input order')
    .option('--policy <file>', 'policy file (YAML or JSON); default: the built-in policy')
    .option('--live', "read live state (tags, rules) through the AWS SDK's normal credentials/endpoint")
    .option('--now <time>', 'judge exemptions as of this ISO date-time (default: now)')
    .addHelpText('after', exitCodesHelp('0 every input processed (whatever was found), 1 failed, 2 usage error'));
  return act(cmd, async (paths: string[], o: { json?: true; policy?: string; live?: true; now?: string }) => {
    const now = nowOption(o.now);
    const policy = loadPolicy(o.policy);
    const files = expandInputs(paths);
    const live = o.live ? awsLiveState(clients) : undefined;
    const reports = await evaluateFiles(files, policy, live, now);
    io.out.write(`${o.json ? JSON.stringify(reports, null, 2) : formatTable(reports, lookOf(io.out))}\n`);
    return 0;
  });
}
