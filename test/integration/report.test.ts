// warden report on a local Warden's real runs (moto): the audit table and the approvals table as the workflows wrote
// them, and a real `warden scan --json` of the same account. The one fault (a refused revoke) is an SDK middleware in
// local/report-scene.ts: moto has no service control policies.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reportCommand } from '../../cli/report';
import { runAnchor } from '../../cli/report/html';
import { scanCommand } from '../../cli/scan';
import { loadPolicy } from '../../cli/policy-file';
import { REPORT_SCENE_POLICY, seedReportScene, type ReportScene } from '../../local/report-scene';
import { startLocalWarden } from '../../local/warden-local';
import { useMoto, useSink } from '../support/emulator';

let scene: ReportScene | undefined;
let tokens: string[] = [];
// First, so that it runs before moto stops: the pending approval is denied and its run ends.
afterAll(() => scene?.finish());
const moto = useMoto({ resetEach: false });
const sink = useSink();
const dir = mkdtempSync(join(tmpdir(), 'warden-report-it-'));

const writer = () => {
  const text: string[] = [];
  return { text, write: (s: string) => text.push(s) };
};

beforeAll(async () => {
  await moto().reset();
  // Approval timeouts in real time: the pending approval stays pending until the scene is finished.
  const w = await startLocalWarden({ slackWebhookUrl: `${sink().url}/slack`, policy: REPORT_SCENE_POLICY });
  scene = await seedReportScene(w);
  tokens = w.tokens.waiting();
}, 120_000);

test('the page shows the real runs: fixes, the failure with its timeline, the pending approval, the exemption ending soon, the scan', async () => {
  const scanOut = writer();
  expect(await scanCommand(['--endpoint', moto().endpoint, '--region', 'us-east-1', '--json'], { out: scanOut, err: writer(), policy: loadPolicy })).toBe(1);
  const scanFile = join(dir, 'scan.json');
  writeFileSync(scanFile, scanOut.text.join(''));

  const file = join(dir, 'report.html');
  const out = writer();
  const err = writer();
  const code = await reportCommand(['--endpoint', moto().endpoint, '--out', file, '--scan', scanFile], { out, err, env: {} });
  expect(err.text).toEqual([]);
  expect(code).toBe(0);
  // Seven runs ended (the pending one has not): 3 fixed, a dry run, a failure, an approved fix, an exempt notice.
  expect(out.text.join('')).toBe(`wrote ${file}: 7 run(s) from warden-audit in the last 30 day(s), 1 open approval(s), ${JSON.parse(scanOut.text.join('')).findings.length} scan finding(s)\n`);
  const html = readFileSync(file, 'utf8');

  const { failed: failedRun, pending, exempt } = scene!;
  expect(html).toMatch(/7 run\(s\) finished in the last 30 day\(s\), 4 fixed, 1 failed/);
  expect(html).not.toMatch(/\bhttps?:/);
  expect(html).toContain(`href="#${runAnchor(failedRun)}"`);
  const failed = html.slice(html.indexOf(`<section class="run" id="${runAnchor(failedRun)}">`));
  expect(failed.slice(0, failed.indexOf('</section>'))).toContain('UnauthorizedOperation');
  const approvals = html.slice(html.indexOf('<section id="approvals">'), html.indexOf('<section id="exemptions">'));
  expect(approvals).toContain(pending.approvalId);
  expect(approvals).toContain(pending.run);
  const exemptions = html.slice(html.indexOf('<section id="exemptions">'), html.indexOf('<section id="slowest">'));
  expect(exemptions).toContain(exempt.group);
  expect(exemptions).toContain('CHG-2291');
  expect(html).toContain('<section id="scan">');
  expect(html).toContain('sg-world-open-ingress');
  // The task token of the pending approval is never read, let alone shown.
  expect(tokens.length).toBeGreaterThan(0);
  for (const t of tokens) expect(html).not.toContain(t);
});

test('an audit table that does not exist: one line, exit 1', async () => {
  const err = writer();
  expect(await reportCommand(['--endpoint', moto().endpoint, '--table', 'no-such-table', '--out', join(dir, 'x.html')], { out: writer(), err, env: {} })).toBe(1);
  expect(err.text).toEqual([`warden: report failed: no audit table no-such-table at ${moto().endpoint}\n`]);
});
