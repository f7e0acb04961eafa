// `npm run report:screenshot`: docs/report.png, the page of `warden report` made from a local Warden's real runs on
// moto (local/report-scene.ts: fixes, a dry run, a refused change, an approved fix, an exemption ending soon, an
// approval left pending) and a real scan of the same account, in headless Chromium (Linux x64 and arm64 only).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resetClients } from '../functions/aws/clients';
import { loadPolicy } from '../cli/policy-file';
import { reportCommand } from '../cli/report';
import { scanCommand } from '../cli/scan';
import { launchChromium, noChromium } from '../local/browser';
import { startMoto, useEmulator } from '../local/moto';
import { REPORT_SCENE_POLICY, seedReportScene } from '../local/report-scene';
import { startLocalWarden } from '../local/warden-local';

const OUT = 'docs/report.png';
const VIEWPORT = { width: 1200, height: 1400 };

async function main(): Promise<void> {
  const why = noChromium();
  if (why) throw new Error(`cannot take the screenshot here: ${why}`);
  const dir = mkdtempSync(join(tmpdir(), 'warden-report-shot-'));
  const moto = await startMoto();
  try {
    useEmulator(moto.endpoint);
    resetClients();
    const warden = await startLocalWarden({ policy: REPORT_SCENE_POLICY });
    const scene = await seedReportScene(warden);
    const scan: string[] = [];
    const quiet = { write: () => true };
    await scanCommand(['--endpoint', moto.endpoint, '--region', 'us-east-1', '--json'], { out: { write: (s: string) => scan.push(s) }, err: quiet, policy: loadPolicy });
    writeFileSync(join(dir, 'scan.json'), scan.join(''));
    const page = join(dir, 'warden-report.html');
    const code = await reportCommand(['--endpoint', moto.endpoint, '--out', page, '--scan', join(dir, 'scan.json')], { out: process.stdout, err: process.stderr });
    await scene.finish();
    if (code !== 0) throw new Error(`warden report exited ${code}`);

    const browser = await launchChromium(VIEWPORT);
    try {
      const tab = await browser.newPage();
      const errors: string[] = [];
      tab.on('pageerror', (e) => errors.push(String((e as Error).message)));
      tab.on('console', (m) => (m.type() === 'error' ? errors.push(m.text()) : undefined));
      await tab.goto(pathToFileURL(page).href, { waitUntil: 'load' });
      if (errors.length) throw new Error(`the page reported errors: ${errors.join('; ')}`);
      await tab.screenshot({ path: OUT, type: 'png' });
    } finally {
      await browser.close();
    }
    process.stdout.write(`wrote ${OUT} (${readFileSync(OUT).length} bytes)\n`);
  } finally {
    await moto.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`report:screenshot: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
