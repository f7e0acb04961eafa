// warden report's page builder: escaping, no URL, the sections, the empty table, the numbers.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { RemediationRecord } from '../../functions/domain/remediation';
import { reportCommand, readScanFindings } from '../../cli/report';
import { uplotAssets } from '../../cli/report/assets';
import { reportHtml, runAnchor } from '../../cli/report/html';
import { buildReportModel, expiringExemptions, percentiles, type PendingApproval, type ReportData } from '../../cli/report/stats';

const NOW = new Date('2026-03-20T12:00:00Z');
const assets = uplotAssets();
const EVIL = `<img src=x onerror=alert(1)>"'&</script><script>alert(2)</script>http://evil.example/x`;

function record(over: Partial<RemediationRecord> & { control?: string; at?: string } = {}): RemediationRecord {
  const { control = 'sg-world-open-ingress', at = '2026-03-19T10:00:00Z', ...rest } = over;
  return {
    id: `run-${Math.random().toString(16).slice(2, 10)}`, eventId: 'ev', source: 'cloudtrail', eventName: 'AuthorizeSecurityGroupIngress',
    eventTime: at, requestedAt: at, mode: 'auto', outcome: 'fixed', channel: '#sec', finishedAt: at, durationMs: 1500,
    finding: {
      control, title: 'Security group open to the world', severity: 'HIGH', evidence: 'tcp/22 from 0.0.0.0/0',
      resource: { type: 'AWS::EC2::SecurityGroup', id: 'sg-0abc', account: '123456789012', region: 'us-east-1' },
      remediation: { action: 'revoke-sg-ingress', mode: 'auto', targets: ['sgr-1'] },
    },
    plan: { action: 'revoke-sg-ingress', resource: { type: 'AWS::EC2::SecurityGroup', id: 'sg-0abc', account: '123456789012', region: 'us-east-1' }, targets: ['sgr-1'], steps: ['revoke sgr-1 tcp/22 from 0.0.0.0/0'] },
    ...rest,
  } as RemediationRecord;
}

const data = (over: Partial<ReportData> = {}): ReportData => ({ records: [], sightings: [], source: 'the audit table t', ...over });
const page = (d: ReportData) => reportHtml(d, { now: NOW }, assets);

test('percentiles: median of odd and even lists, p95 by nearest rank', () => {
  expect(percentiles([])).toBeUndefined();
  expect(percentiles([5, 1, 3])).toEqual({ median: 3, p95: 5 });
  expect(percentiles([1, 2, 3, 4])).toEqual({ median: 2.5, p95: 4 });
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
  expect(percentiles(hundred)).toEqual({ median: 50.5, p95: 95 });
});

test('the model: runs per day and outcome over the window, time to fix of fixed runs by control, slowest and failed', () => {
  const records = [
    record({ at: '2026-03-19T10:00:00Z', durationMs: 1000 }),
    record({ at: '2026-03-19T11:00:00Z', durationMs: 3000 }),
    record({ at: '2026-03-18T11:00:00Z', durationMs: 9000, control: 'ecs-task-privileged' }),
    record({ at: '2026-03-17T11:00:00Z', outcome: 'failed', durationMs: 60_000, error: { error: 'UnauthorizedOperation', cause: 'denied' } }),
    record({ at: '2026-01-01T00:00:00Z' }), // before the 30-day window
    record({ at: '2026-03-20T11:00:00Z', outcome: 'in-progress' }),
  ];
  const m = buildReportModel(data({ records }), { now: NOW });
  expect(m.perDay.days).toHaveLength(30);
  expect(m.perDay.days.at(-1)).toBe('2026-03-20');
  const fixed = m.perDay.series.find((s) => s.outcome === 'fixed')!;
  expect(fixed.counts.slice(-4)).toEqual([0, 1, 2, 0]);
  expect(m.perDay.series.map((s) => s.outcome)).toEqual(['fixed', 'failed']);
  expect(m.timeToFix).toEqual([
    { control: 'ecs-task-privileged', fixes: 1, median: 9000, p95: 9000, max: 9000 },
    { control: 'sg-world-open-ingress', fixes: 2, median: 2000, p95: 3000, max: 3000 },
  ]);
  expect(m.slowest[0]!.outcome).toBe('failed');
  expect(m.failed).toHaveLength(1);
  expect(m.inProgress).toBe(1);
  expect(m.finished).toHaveLength(4);
});

test('expiring exemptions: in force and ending within 14 days, from runs and from sightings no run judged', () => {
  const exempt = record({
    exemption: { status: 'active', why: 'exempt until 2026-03-25 (PCI-1, granted by alice)', until: '2026-03-25', expiresAt: '2026-03-26T00:00:00Z', reason: 'PCI-1', by: 'alice' },
  });
  const later = record({ exemption: { status: 'active', why: 'later', until: '2026-06-01', expiresAt: '2026-06-02T00:00:00Z' } });
  const sightings = [
    { key: 'exemption#123456789012/us-east-1/AWS::ECS::Cluster/arn:aws:ecs:us-east-1:123456789012:cluster/pay#legacy=yes', firstSeen: '2025-12-25T00:00:00Z' },
    { key: 'exemption#123456789012/us-east-1/AWS::EC2::SecurityGroup/sg-0abc#until=2026-03-25', firstSeen: '2026-03-01T00:00:00Z' },
    { key: 'exemption#123456789012/us-east-1/AWS::EC2::SecurityGroup/sg-9#until=2026-02-01', firstSeen: '2026-01-01T00:00:00Z' },
  ];
  const found = expiringExemptions({ records: [exempt, later], sightings }, NOW.getTime(), 14, 90);
  expect(found).toEqual([
    // 2025-12-25 + 90 days: the cap of an exemption without an expiry, seen by triage, no run since.
    expect.objectContaining({ resource: 'arn:aws:ecs:us-east-1:123456789012:cluster/pay', endsAt: '2026-03-25T00:00:00Z', firstSeen: '2025-12-25T00:00:00Z' }),
    // The run's verdict wins over the sighting of the same grant; the one ending in June and the expired one are left out.
    expect.objectContaining({ resource: 'sg-0abc', endsAt: '2026-03-26T00:00:00Z', reason: 'PCI-1', by: 'alice', run: exempt.id }),
  ]);
});

test('every value from a record is escaped: no markup, no script and no URL gets through', () => {
  const r = record({
    id: `x"><script>alert(0)</script>`, outcome: 'failed', control: EVIL, error: { error: EVIL, cause: EVIL },
    runbook: { name: EVIL, target: EVIL, dryRun: false, startedBy: EVIL, reason: EVIL, timeline: [{ at: EVIL, step: EVIL, result: 'failed', detail: EVIL, by: EVIL }] },
    exemption: { status: 'active', why: EVIL, reason: EVIL, by: EVIL, expiresAt: '2026-03-22T00:00:00Z', legacy: EVIL },
  });
  r.finding.resource = { ...r.finding.resource, id: EVIL, tags: { Owner: EVIL } };
  const approval: PendingApproval = {
    id: EVIL, executionArn: EVIL, remediationId: EVIL, stage: 'initial', control: EVIL, severity: 'HIGH', resourceType: EVIL, resourceId: EVIL,
    action: EVIL, steps: [EVIL], approvers: [EVIL], channel: EVIL, status: 'pending', createdAt: EVIL, expiresAt: NOW.getTime() / 1000 + 3600,
  };
  const html = page(data({ records: [r], approvals: [approval], scan: { file: EVIL, findings: [{ control: EVIL, severity: EVIL }] } }));
  // Outside the JSON block (where `<` is \u003c), nothing of it is markup.
  const markup = html.replace(/<script type="application\/json" id="report-data">[^]*?<\/script>/, '');
  expect(markup).not.toContain('<img');
  expect(markup).not.toContain('<script>alert');
  expect(markup).not.toContain('onerror=alert(1)>');
  expect(markup).not.toMatch(/\b(src|href)="(?!#)/);
  expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;&lt;/script&gt;');
  // Exactly the page's own three script blocks (data, uPlot, the charts), each closed once.
  expect(html.match(/<script/g)).toHaveLength(3);
  expect(html.match(/<\/script>/g)).toHaveLength(3);
  // The chart data holds the control name as JSON with `<` escaped: no way out of its block.
  const json = /<script type="application\/json" id="report-data">([^]*?)<\/script>/.exec(html)![1]!;
  expect(json).not.toContain('<');
  expect(JSON.parse(json).timeToFix.labels).toEqual([]);
  expect(JSON.parse(json).scan.labels).toEqual([EVIL]);
  expect(html).toContain(`id="${runAnchor(r.id)}"`);
  expect(runAnchor(r.id)).toMatch(/^run-[A-Za-z0-9_.-]+$/);
});

test('no external URL anywhere in the page (uPlot inlined, its banner dropped), and a policy that allows no request', () => {
  const exempt = record({ exemption: { status: 'active', why: 'w', expiresAt: '2026-03-22T00:00:00Z' } });
  const approval = { id: 'A1', remediationId: 'r', control: 'c', severity: 'HIGH', resourceType: 't', resourceId: 'i', action: 'a', steps: ['s'], approvers: ['U1'], channel: '#c', status: 'pending', createdAt: 'c', expiresAt: 1, stage: 'initial', executionArn: 'e' } as PendingApproval;
  const html = page(data({ records: [record(), record({ outcome: 'failed' }), exempt], approvals: [approval], scan: { file: 'scan.json', findings: [{ control: 'c', severity: 'HIGH' }] } }));
  expect(html).toContain('uPlot');
  expect(html).not.toMatch(/\b(https?|ftp|wss?|data|blob|file):/i);
  expect(html).not.toMatch(/\/\/[a-z0-9-]+\.[a-z0-9.-]*[a-z]{2,}/i);
  expect(html).not.toMatch(/\b(src|href|action)=(?!"#)/i);
  expect(html).not.toMatch(/@import|url\(/i);
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!;
  expect(csp).toContain("default-src 'none'");
  expect(csp).not.toContain('unsafe-inline');
  expect(csp.match(/'sha256-/g)).toHaveLength(3);
});

test('the sections: fixes, time to fix, approvals, exemptions, slowest, failed, scan and the linked timelines', () => {
  const failed = record({ outcome: 'failed', error: { error: 'UnauthorizedOperation', cause: 'explicit deny in a service control policy' } });
  const html = page(data({ records: [record(), failed], approvals: [], scan: { file: 'scan.json', findings: [{ control: 'sg-world-open-ingress', severity: 'HIGH' }] } }));
  for (const id of ['fixes', 'time-to-fix', 'approvals', 'exemptions', 'slowest', 'failed', 'scan', 'timelines', 'chart-days', 'chart-ttf', 'chart-scan']) {
    expect(html).toContain(`id="${id}"`);
  }
  expect(html).toContain(`href="#${runAnchor(failed.id)}"`);
  expect(html).toContain(`<section class="run" id="${runAnchor(failed.id)}">`);
  expect(html).toContain('explicit deny in a service control policy');
  expect(html).toContain('revoke sgr-1 tcp/22 from 0.0.0.0/0');
  expect(html).toContain('No approval is pending.');
  expect(html).not.toContain('id="no-runs"');
});

test('an empty table: a page that says there are no runs yet, without charts; approvals not read say so', () => {
  const html = page(data({ approvalsNote: 'Not read: no approvals table given.' }));
  expect(html).toContain('id="no-runs"');
  expect(html).toContain('No runs yet');
  expect(html).not.toContain('id="chart-days"');
  expect(html).not.toContain('id="scan"');
  expect(html).toContain('Not read: no approvals table given.');
});

test('--scan reads warden scan --json (the object or a bare array) and refuses anything else', () => {
  const finding = { control: 'ecr-scan-on-push', severity: 'MEDIUM', resourceId: 'payments/api' };
  expect(readScanFindings(JSON.stringify({ findings: [finding], summary: [] }), 'f')).toEqual([finding]);
  expect(readScanFindings(JSON.stringify([finding]), 'f')).toEqual([finding]);
  expect(() => readScanFindings('{', 'f')).toThrow('f is not JSON');
  expect(() => readScanFindings('{"findings": 3}', 'f')).toThrow('no findings array');
  expect(() => readScanFindings('[{"control": 1}]', 'f')).toThrow('finding 0 has no control and severity');
});

describe('reportCommand', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-report-'));
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, deps: { out: { write: (s: string) => out.push(s) }, err: { write: (s: string) => err.push(s) }, env: {}, now: () => NOW } };
  };
  // No table is reached in these cases: the client is never called.
  const noClient = () => ({ send: () => Promise.reject(new Error('not expected')) }) as unknown as DynamoDBClient;

  test('usage errors exit 2 with the usage; no table at all is a usage error', async () => {
    for (const args of [['--since', '0'], ['--since', 'x'], ['--bogus'], ['extra'], []]) {
      const t = io();
      expect(await reportCommand(args, { ...t.deps, dynamodb: noClient })).toBe(2);
      expect(t.err.join('')).toMatch(/^warden: .*\n\nUsage: report /);
    }
  });

  test('a scan file that is not a scan fails with one line (exit 1), before any table is read', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{"nope": true}');
    const t = io();
    expect(await reportCommand(['--table', 't', '--scan', file], { ...t.deps, dynamodb: noClient })).toBe(1);
    expect(t.err).toEqual([`warden: report failed: ${file} is not the output of warden scan --json: no findings array\n`]);
  });

  test('a failing table read is one line, exit 1, and no page', async () => {
    const out = join(dir, 'never.html');
    const failing = () => ({ send: () => Promise.reject(Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFoundException' })) }) as unknown as DynamoDBClient;
    const t = io();
    expect(await reportCommand(['--table', 'gone', '--out', out], { ...t.deps, dynamodb: failing })).toBe(1);
    expect(t.err).toEqual(['warden: report failed: no audit table gone\n']);
    expect(() => readFileSync(out)).toThrow();
  });
});
