// The page of `warden report`: one self-contained HTML file (uPlot and the data inlined, no URL, no request at view
// time). Pure: data in, text out. Every value from a record is escaped (records hold attacker-controlled strings).
import { createHash } from 'node:crypto';
import type { RemediationRecord } from '../../functions/domain/remediation';
import { buildReportModel, durationOf, type Report, type ReportData, type ReportOptions } from './stats';
import { CHART_SCRIPT } from './chart-script';

/** uPlot's script and style, as text (cli/report/assets.ts reads them from node_modules). */
export interface ReportAssets {
  uplotJs: string;
  uplotCss: string;
}

export const esc = (s: unknown): string =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** JSON that is safe inside a <script> block: no `<` (so no `</script>`), no line separators. */
export const scriptJson = (value: unknown): string =>
  JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

/** 850 ms, 12.3 s, 4.2 min, 1.5 h. */
export function durationText(ms: number | undefined): string {
  if (ms === undefined) return '-';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

export const OUTCOME_COLORS: Record<string, string> = {
  fixed: '#2e7d32', 'already-fixed': '#81c784', 'resource-gone': '#90a4ae', 'not-found': '#b0bec5', notified: '#1976d2',
  'dry-run': '#64b5f6', 'approval-required': '#7e57c2', denied: '#8d6e63', expired: '#ffb300', held: '#f57c00', failed: '#c62828',
};

const table = (header: string[], rows: string[][], cls = ''): string =>
  `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${
    rows.map((row) => `<tr>${row.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n')}</tbody></table>`;

/** A run's anchor: `run-` and its id, kept to characters an id attribute and a fragment take as they are. */
export const runAnchor = (id: string): string => `run-${id.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
const runLink = (r: RemediationRecord) => `<a href="#${esc(runAnchor(r.id))}">${esc(r.id)}</a>`;
const what = (r: RemediationRecord) => (r.runbook ? `runbook ${r.runbook.name}` : r.finding.control);
const resourceOf = (r: RemediationRecord) => r.runbook?.target ?? r.finding.resource.arn ?? r.finding.resource.id;
const outcomeCell = (o: string) => `<span class="outcome o-${esc(o.replace(/[^a-z-]/g, ''))}">${esc(o)}</span>`;

function summary(m: Report, data: ReportData): string {
  const count = (o: string) => m.finished.filter((r) => r.outcome === o).length;
  const parts = [`${m.finished.length} run(s) finished in the last ${m.days} day(s)`, `${count('fixed')} fixed`, `${count('failed')} failed`];
  if (m.inProgress) parts.push(`${m.inProgress} in progress`);
  return `<p class="meta">Generated ${esc(m.now)} from ${esc(data.source)}${data.scan ? ` and the scan ${esc(data.scan.file)}` : ''}. ${esc(parts.join(', '))}.</p>`;
}

function fixesSection(m: Report): string {
  if (!m.finished.length) {
    return `<section id="fixes"><h2>Fixes over time</h2><p class="empty">No runs yet: the audit table has no finished remediation or runbook run in the last ${m.days} day(s).</p></section>`;
  }
  const totals = m.perDay.series.map((s) => [outcomeCell(s.outcome), String(s.counts.reduce((a, b) => a + b, 0))]);
  return `<section id="fixes"><h2>Fixes over time</h2><p>Runs finished per day (UTC), by outcome.</p>
<div class="chart" id="chart-days"></div>
${table(['Outcome', 'Runs'], totals, 'narrow')}</section>`;
}

function timeToFixSection(m: Report): string {
  const body = m.timeToFix.length
    ? `<div class="chart" id="chart-ttf"></div>\n${table(['Control', 'Fixes', 'Median', 'p95', 'Slowest'],
      m.timeToFix.map((t) => [esc(t.control), String(t.fixes), durationText(t.median), durationText(t.p95), durationText(t.max)]))}`
    : '<p class="empty">No fixed runs in this window.</p>';
  return `<section id="time-to-fix"><h2>Time to fix by control</h2><p>Fixed runs only: from the run's start to its end (its durationMs).</p>\n${body}</section>`;
}

function approvalsSection(m: Report, data: ReportData): string {
  if (!m.approvals) return `<section id="approvals"><h2>Open approvals</h2><p class="empty">${esc(data.approvalsNote ?? 'No approvals table was read.')}</p></section>`;
  if (!m.approvals.length) return '<section id="approvals"><h2>Open approvals</h2><p class="empty">No approval is pending.</p></section>';
  const now = Date.parse(m.now);
  const rows = m.approvals.map((a) => {
    const deadline = new Date(a.expiresAt * 1000).toISOString();
    const late = a.expiresAt * 1000 <= now ? ' <span class="warn">(past its deadline)</span>' : '';
    return [esc(a.id), esc(a.remediationId), esc(a.control), esc(a.severity), esc(`${a.resourceType} ${a.resourceId}`),
      `<ul>${(a.steps ?? []).map((s) => `<li>${esc(s)}</li>`).join('')}</ul>`, esc(a.createdAt), `${esc(deadline)}${late}`, esc((a.approvers ?? []).join(', '))];
  });
  return `<section id="approvals"><h2>Open approvals</h2><p>${m.approvals.length} pending: decide with <code>warden approve ID</code> or <code>warden deny ID --reason TEXT</code>.</p>
${table(['Approval', 'Run', 'Control', 'Severity', 'Resource', 'Planned change', 'Requested', 'Deadline', 'Approvers'], rows)}</section>`;
}

function exemptionsSection(m: Report, expiringDays: number): string {
  const head = `<section id="exemptions"><h2>Expiring exemptions</h2><p>In force now and ending within ${expiringDays} day(s), soonest first, as Warden last saw them (the tags may have changed since).</p>`;
  if (!m.expiring.length) return `${head}<p class="empty">None.</p></section>`;
  const rows = m.expiring.map((e) => [esc(e.endsAt), esc(e.resource), esc(`${e.account} ${e.region}`), esc(e.why), esc(e.reason ?? ''), esc(e.by ?? ''), esc(e.firstSeen ?? ''), esc(e.run ?? '')]);
  return `${head}\n${table(['Ends', 'Resource', 'Account, Region', 'Why', 'Reason', 'Granted by', 'First seen', 'Last run'], rows)}</section>`;
}

function runsSection(id: string, title: string, runs: RemediationRecord[], failed: boolean): string {
  if (!runs.length) return `<section id="${id}"><h2>${title}</h2><p class="empty">None in this window.</p></section>`;
  const rows = runs.map((r) => [runLink(r), esc(what(r)), esc(resourceOf(r)), outcomeCell(r.outcome), durationText(durationOf(r)), esc(r.finishedAt),
    ...(failed ? [esc(r.error ? `${r.error.error}: ${r.error.cause}` : '')] : [])]);
  return `<section id="${id}"><h2>${title}</h2>\n${table(['Run', 'Control or runbook', 'Resource', 'Outcome', 'Duration', 'Finished', ...(failed ? ['Error'] : [])], rows)}</section>`;
}

function scanSection(m: Report): string {
  if (!m.scan) return '';
  const s = m.scan;
  if (!s.total) return `<section id="scan"><h2>Scan findings</h2><p class="empty">The scan ${esc(s.file)} found nothing.</p></section>`;
  const rows = s.byControl.map((c) => [esc(c.control), ...s.severities.map((v) => String(c.counts[v] ?? 0)), String(c.total)]);
  return `<section id="scan"><h2>Scan findings</h2><p>${s.total} finding(s) in ${esc(s.file)}, by control and severity.</p>
<div class="chart" id="chart-scan"></div>
${table(['Control', ...s.severities, 'Total'], rows)}</section>`;
}

/** A run's steps: a runbook's timeline, or a remediation's event, approval, plan, change, check and end. */
export function timelineRows(r: RemediationRecord): string[][] {
  if (r.runbook) return r.runbook.timeline.map((t) => [esc(t.at), esc(t.step), esc(t.result), esc(`${t.detail}${t.by ? ` (by ${t.by})` : ''}`)]);
  const rows: string[][] = [
    [esc(r.eventTime), 'event', esc(r.source), esc(`${r.eventName}${r.actor?.arn ? ` by ${r.actor.arn}` : ''}`)],
    [esc(r.requestedAt), 'start', esc(r.mode), esc((r.modeReasons ?? []).join('; '))],
  ];
  if (r.approval) rows.push([esc(r.approval.decidedAt ?? ''), 'approval', esc(r.approval.decision), esc([r.approval.decidedBy, r.approval.via, r.approval.reason].filter(Boolean).join(', '))]);
  if (r.held) rows.push(['', 'brakes', 'held', esc(r.held.why)]);
  if (r.plan) rows.push(['', 'plan', esc(r.plan.action), `<ul>${r.plan.steps.map((s) => `<li>${esc(s)}</li>`).join('')}</ul>`]);
  if (r.applied) rows.push(['', 'apply', r.applied.length ? 'done' : 'nothing', esc(r.applied.join(', '))]);
  if (r.verified !== undefined) rows.push(['', 'verify', r.verified ? 'verified' : 'NOT verified', '']);
  if (r.error) rows.push(['', 'error', esc(r.error.error), esc(r.error.cause)]);
  rows.push([esc(r.finishedAt), 'end', outcomeCell(r.outcome), durationText(durationOf(r))]);
  return rows;
}

function runDetail(r: RemediationRecord): string {
  const res = r.finding.resource;
  const facts: [string, string][] = [
    ['Control', `${r.finding.control} (${r.finding.severity}): ${r.finding.title}`],
    ['Resource', `${res.type} ${res.arn ?? res.id} (account ${res.account}, ${res.region})`],
    ['Outcome', r.outcome], ['Mode', r.mode],
    ...(r.runbook ? [['Runbook', `${r.runbook.name} on ${r.runbook.target}, started by ${r.runbook.startedBy}${r.runbook.reason ? `: ${r.runbook.reason}` : ''}`] as [string, string]] : []),
    ...(r.error ? [['Error', `${r.error.error}: ${r.error.cause}`] as [string, string]] : []),
  ];
  return `<section class="run" id="${esc(runAnchor(r.id))}"><h3>${esc(r.id)}</h3>
<dl>${facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>
${table(['Time', 'Step', 'Result', 'Detail'], timelineRows(r), 'timeline')}
<p class="cli">In a terminal: <code>warden audit show ${esc(r.id)}</code></p></section>`;
}

/** What the chart script draws: plain numbers and labels (as JSON, never as markup). */
function chartData(m: Report) {
  return {
    perDay: { days: m.perDay.days, series: m.perDay.series.map((s) => ({ label: s.outcome, color: OUTCOME_COLORS[s.outcome] ?? '#555', values: s.counts })) },
    timeToFix: { labels: m.timeToFix.map((t) => t.control), median: m.timeToFix.map((t) => t.median), p95: m.timeToFix.map((t) => t.p95) },
    scan: m.scan ? { labels: m.scan.byControl.map((c) => c.control), totals: m.scan.byControl.map((c) => c.total) } : undefined,
  };
}

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:1.5em 2em;color:#222;max-width:1200px}
h1{margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:1px solid #ddd;padding-bottom:.2em}
table{border-collapse:collapse;margin:.6em 0 1em;max-width:100%}td{overflow-wrap:anywhere}th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f0f0f0}table.narrow{min-width:240px}td ul{margin:0;padding-left:1.2em}
.meta{color:#555}.empty{color:#666;font-style:italic}.warn{color:#c62828}.chart{margin:.5em 0}
.outcome{font-weight:600}.o-fixed{color:#2e7d32}.o-failed{color:#c62828}.o-held{color:#f57c00}
section.run{border-left:3px solid #ccc;padding-left:1em;margin:1em 0}section.run:target{border-color:#1976d2;background:#f5f9ff}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px}dt{font-weight:600}dd{margin:0}
code{background:#f4f4f4;padding:0 3px}`;

const sha256 = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

/**
 * The whole page. Its Content-Security-Policy allows no request of any kind and runs only its own two scripts and one
 * style (by hash): a value that escaped the escaping still could not run or fetch anything.
 */
export function reportHtml(data: ReportData, opts: ReportOptions, assets: ReportAssets): string {
  const m = buildReportModel(data, opts);
  // uPlot's banner names its home page: dropped, so the page holds no URL at all.
  const uplot = assets.uplotJs.replace(/^\/\*![^*]*\*\/\s*/, '');
  if (/<\/script|<!--/i.test(uplot) || /<\/style/i.test(assets.uplotCss)) throw new Error('uPlot cannot be inlined: it holds a closing tag');
  const css = `${assets.uplotCss}\n${STYLE}`;
  const csp = `default-src 'none'; script-src ${sha256(uplot)} ${sha256(CHART_SCRIPT)}; style-src ${sha256(css)}; base-uri 'none'; form-action 'none'`;
  const linked = [...new Map([...m.failed, ...m.slowest].map((r) => [r.id, r])).values()];
  const empty = m.finished.length === 0 && m.inProgress === 0;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Warden report ${esc(m.now.slice(0, 10))}</title>
<style>${css}</style>
</head><body>
<h1>Warden report</h1>
${summary(m, data)}
${empty ? '<p class="empty" id="no-runs">No runs yet: Warden has not recorded any remediation or runbook run here.</p>' : ''}
${fixesSection(m)}
${timeToFixSection(m)}
${approvalsSection(m, data)}
${exemptionsSection(m, opts.expiringDays ?? 14)}
${runsSection('slowest', 'Slowest runs', m.slowest, false)}
${runsSection('failed', 'Failed runs', m.failed, true)}
${scanSection(m)}
${linked.length ? `<section id="timelines"><h2>Run timelines</h2>\n${linked.map(runDetail).join('\n')}</section>` : ''}
<script type="application/json" id="report-data">${scriptJson(chartData(m))}</script>
<script>${uplot}</script>
<script>${CHART_SCRIPT}</script>
</body></html>
`;
}
