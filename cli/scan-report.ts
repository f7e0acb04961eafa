// The reports of `warden scan`: the text table, --json, --sarif (SARIF 2.1.0) and --html.
import { createHash } from 'node:crypto';
import { controls } from '../functions/domain/controls';
import type { Finding, Severity } from '../functions/domain/model';
import { summarize, type ScanResult } from '../functions/domain/scan';
import { findingReport, type FindingReport } from './evaluate';
import { PLAIN, renderTable, tones, type Look } from './table';

/** One finding of `warden scan --json`: `warden evaluate --json`'s finding, with where it is and why. */
export interface ScanFindingReport extends FindingReport {
  title: string;
  region: string;
  account: string;
  resourceArn?: string;
  /** Why, in words; never a secret value (controls keep none). */
  evidence: string;
}

export const scanFindingReport = (f: Finding): ScanFindingReport => ({
  ...findingReport(f), title: f.title, region: f.resource.region, account: f.resource.account,
  ...(f.resource.arn ? { resourceArn: f.resource.arn } : {}), evidence: f.evidence,
});

/** `warden scan --json`: the findings, the summary, what was read, and the gaps (a separate field, always present). */
export function scanJson(r: ScanResult): string {
  return JSON.stringify({
    startedAt: r.startedAt,
    regions: r.regions,
    findings: r.findings.map(scanFindingReport),
    summary: summarize(r.findings),
    counts: r.counts,
    gaps: r.gaps,
  }, null, 2);
}

const resourcesRead = (r: ScanResult) => r.counts.reduce((n, c) => n + c.count, 0);

/** The closing line: findings, resources, Regions, gaps. */
export function scanTotals(r: ScanResult): string {
  const resources = new Set(r.findings.map((f) => `${f.resource.region}/${f.resource.id}`)).size;
  const gaps = r.gaps.length ? `; ${r.gaps.length} part(s) could not be read` : '';
  return `${r.findings.length} findings on ${resources} resources; ${resourcesRead(r)} resources read in ${r.regions.length} Region(s)${gaps}`;
}

/** The text report: one row per finding, then the summary by control and severity, then the totals. */
export function scanTable(r: ScanResult, look: Look = PLAIN): string {
  const findings = renderTable(
    ['SEVERITY', 'CONTROL', 'REGION', 'RESOURCE', 'MODE', 'EVIDENCE'],
    r.findings.map((f) => [f.severity, f.control, f.resource.region, f.resource.id, f.remediation.mode, f.evidence]),
    look, tones(look),
  );
  const summary = renderTable(
    ['CONTROL', 'SEVERITY', 'FINDINGS', 'RESOURCES'],
    summarize(r.findings).map((s) => [s.control, s.severity, String(s.findings), String(s.resources)]),
    look, tones(look),
  );
  return [...(r.findings.length ? [...findings, ''] : []), ...summary, '', scanTotals(r)].join('\n');
}

/** The gaps, one line each (stderr). */
export const gapLines = (r: ScanResult): string[] =>
  r.gaps.map((g) => `could not read ${g.what} in ${g.region} (${g.service}): ${g.error}`);

// ---------- SARIF 2.1.0 ----------

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  CRITICAL: 'error', HIGH: 'error', MEDIUM: 'warning', LOW: 'note', INFORMATIONAL: 'note',
};

/** GitHub code scanning's `security-severity` (0 to 10), by severity. */
const SECURITY_SEVERITY: Record<Severity, string> = { CRITICAL: '9.5', HIGH: '8.0', MEDIUM: '5.5', LOW: '3.0', INFORMATIONAL: '0.0' };

/** Stable across scans: the same control, resource and targets give the same fingerprint. */
const fingerprint = (f: Finding) =>
  createHash('sha256').update(JSON.stringify([f.control, f.resource.account, f.resource.region, f.resource.id, [...f.remediation.targets].sort()])).digest('hex');

/**
 * The scan as a SARIF 2.1.0 log: one rule per control of the catalog, one result per finding (its resource as a
 * logical location: there is no file), and the gaps as tool execution notifications (`executionSuccessful` false).
 */
export function scanSarif(r: ScanResult): object {
  const rules = controls.map((c) => ({
    id: c.id,
    name: c.id,
    shortDescription: { text: c.title },
    fullDescription: { text: `${c.title}. Remediation: ${c.remediation.summary}` },
    defaultConfiguration: { level: LEVEL[c.severity] },
    properties: { severity: c.severity, 'security-severity': SECURITY_SEVERITY[c.severity], tags: ['security', 'containers'] },
  }));
  const index = new Map(rules.map((rule, i) => [rule.id, i]));
  return {
    $schema: 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'Warden', rules } },
      invocations: [{
        executionSuccessful: r.gaps.length === 0,
        startTimeUtc: r.startedAt,
        toolExecutionNotifications: r.gaps.map((g) => ({
          level: 'error',
          message: { text: `could not read ${g.what} in ${g.region} (${g.service}): ${g.error}` },
          properties: { region: g.region, service: g.service, what: g.what },
        })),
        properties: { regions: r.regions, counts: r.counts },
      }],
      results: r.findings.map((f) => ({
        ruleId: f.control,
        ...(index.has(f.control) ? { ruleIndex: index.get(f.control)! } : {}),
        level: LEVEL[f.severity],
        message: { text: `${f.title}: ${f.evidence}` },
        locations: [{
          logicalLocations: [{ name: f.resource.id, fullyQualifiedName: f.resource.arn ?? `${f.resource.region}/${f.resource.id}`, kind: 'resource' }],
        }],
        partialFingerprints: { 'wardenFinding/v1': fingerprint(f) },
        properties: { ...scanFindingReport(f), 'security-severity': SECURITY_SEVERITY[f.severity] },
      })),
    }],
  };
}

// ---------- HTML ----------

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const table = (header: string[], rows: string[][]): string =>
  `<table><thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${
    rows.map((row) => `<tr>${row.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n')}</tbody></table>`;

/** A plain, self-contained page (no script, no external resource): the summary, then the findings, then the gaps. */
export function scanHtml(r: ScanResult): string {
  const summary = table(['Control', 'Severity', 'Findings', 'Resources'],
    summarize(r.findings).map((s) => [s.control, s.severity, String(s.findings), String(s.resources)]));
  const findings = table(['Severity', 'Control', 'Region', 'Resource', 'Mode', 'Targets', 'Evidence'],
    r.findings.map((f) => [f.severity, f.control, f.resource.region, f.resource.id, f.remediation.mode, f.remediation.targets.join(', '), f.evidence]));
  const gaps = r.gaps.length
    ? `<h2>Not read</h2>\n${table(['Region', 'Service', 'What', 'Error'], r.gaps.map((g) => [g.region, g.service, g.what, g.error]))}`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Warden scan ${escapeHtml(r.startedAt)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:2em}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}th{background:#eee}</style>
</head><body>
<h1>Warden scan</h1>
<p>${escapeHtml(`Started ${r.startedAt} in ${r.regions.join(', ')}. ${scanTotals(r)}.`)}</p>
<h2>Summary by control and severity</h2>
${summary}
<h2>Findings</h2>
${findings}
${gaps}
</body></html>
`;
}
