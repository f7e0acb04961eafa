// A headless Chromium for the report's browser test and its screenshot: @sparticuz/chromium's binary (Linux x64 and
// arm64 only; decompressed to /tmp on first use) driven by puppeteer-core.
import chromium from '@sparticuz/chromium';
import puppeteer, { type Browser } from 'puppeteer-core';

/** Why this platform has no usable Chromium here, or undefined when it has one. */
export function noChromium(platform: string = process.platform, arch: string = process.arch): string | undefined {
  if (platform === 'linux' && (arch === 'x64' || arch === 'arm64')) return undefined;
  return `@sparticuz/chromium ships Chromium for Linux x64 and arm64 only, not ${platform} ${arch}`;
}

/** Start headless Chromium with a viewport of `width` × `height`. */
export async function launchChromium(viewport: { width: number; height: number } = { width: 1200, height: 1400 }): Promise<Browser> {
  const why = noChromium();
  if (why) throw new Error(why);
  // A definite language: under LANG=C the browser's navigator.language is `en-US@posix`, which Intl (and so uPlot) refuses.
  return puppeteer.launch({
    executablePath: await chromium.executablePath(), args: [...chromium.args, '--lang=en-US'], headless: true, defaultViewport: viewport,
    env: { ...process.env, LANG: 'en_US.UTF-8', LANGUAGE: 'en_US' },
  });
}
