// uPlot's files, read from node_modules to be inlined into the report page.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ReportAssets } from './html';

/** uPlot's minified browser build and its style sheet. */
export function uplotAssets(): ReportAssets {
  const dist = dirname(createRequire(import.meta.url).resolve('uplot'));
  return {
    uplotJs: readFileSync(join(dist, 'uPlot.iife.min.js'), 'utf8'),
    uplotCss: readFileSync(join(dist, 'uPlot.min.css'), 'utf8'),
  };
}
