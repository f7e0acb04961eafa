// warden report's page in a real headless Chromium: it loads from a file with no request, no console message of
// level error (a Content-Security-Policy violation is one) and no page error, draws its three uPlot charts, runs no
// injected markup, and its run links reach their timelines. A screenshot goes to test/output/report.png.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'puppeteer-core';
import { uplotAssets } from '../../cli/report/assets';
import { reportHtml, runAnchor } from '../../cli/report/html';
import { launchChromium, noChromium } from '../../local/browser';
import { REPORT_NOW, sampleReportData } from '../support/report-data';

const OUTPUT = resolve('test/output');
/** The little of a canvas the checks read (the project's TypeScript has no DOM library). */
interface Canvas { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } }
const why = noChromium();
if (why) console.warn(`skipping the report's browser test: ${why}`);
const maybe = why ? describe.skip : describe;

maybe('warden report in headless Chromium', () => {
  let browser: Browser | undefined;
  // Decompressing Chromium (about 5 s the first time) and starting it on a loaded machine.
  beforeAll(async () => {
    browser = await launchChromium({ width: 1200, height: 1400 });
  }, 120_000);
  afterAll(() => browser?.close());

  test('the page renders its charts with no error, no request and no injected script', async () => {
    mkdirSync(OUTPUT, { recursive: true });
    const data = sampleReportData();
    const file = join(OUTPUT, 'report.html');
    writeFileSync(file, reportHtml(data, { now: REPORT_NOW }, uplotAssets()));
    const url = pathToFileURL(file).href;

    const page = await browser!.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    const dialogs: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`page: ${(e as Error).message}`));
    page.on('request', (r) => requests.push(r.url()));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(url, { waitUntil: 'load' });

    const canvases = await page.$$eval('.uplot canvas', (els) => els.map((c) => ({ w: (c as unknown as Canvas).width, h: (c as unknown as Canvas).height })));
    expect(canvases).toHaveLength(3);
    for (const c of canvases) expect(c.w * c.h).toBeGreaterThan(0);
    // Bars and lines drew something: not every pixel of a chart is blank.
    const painted = await page.$$eval('.uplot canvas', (els) => els.map((c) => {
      const canvas = c as unknown as Canvas;
      const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) n++;
      return n;
    }));
    for (const n of painted) expect(n).toBeGreaterThan(1000);
    expect(await page.$$eval('.uplot .u-legend', (els) => els.length)).toBe(3);

    // The failed run's link leads to its timeline.
    const failed = data.records.find((r) => r.outcome === 'failed')!;
    await page.click(`#failed a[href="#${runAnchor(failed.id)}"]`);
    expect(await page.evaluate('location.hash')).toBe(`#${runAnchor(failed.id)}`);
    expect(await page.$eval(`section.run:target`, (el) => el.textContent ?? '')).toContain('explicit deny in a service control policy');

    await page.screenshot({ path: join(OUTPUT, 'report.png') as `${string}.png`, fullPage: false });
    expect(errors).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(await page.$$('img')).toHaveLength(0);
    expect(requests).toEqual([url]);
    await page.close();
  }, 120_000);
});
