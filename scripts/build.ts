// Bundle every function exactly as `sam build` (BuildMethod esbuild) would, from template.yaml's BuildProperties.
// Output: dist/<LogicalId>/<name>.mjs (+ .map), and with Splitting the chunks it loads on first use
// (dist/<LogicalId>/chunk-*.mjs). Prints bundle sizes. Used by `npm run build` and the benchmark.
import { build } from 'esbuild';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { functions, loadTemplate, repoRoot } from '../local/template';

/** `bytes`: the entry file a cold start parses; `totalBytes`: with every chunk it may load later. */
export interface Bundle { logicalId: string; file: string; bytes: number; totalBytes: number; chunks: number }

export async function buildAll(outDir = resolve(repoRoot, 'dist')): Promise<Bundle[]> {
  rmSync(outDir, { recursive: true, force: true });
  const bundles: Bundle[] = [];
  for (const fn of functions(loadTemplate())) {
    const props = fn.buildProperties ?? {};
    if (fn.buildMethod !== 'esbuild' || !fn.handlerPath) throw new Error(`${fn.logicalId}: not an esbuild function`);
    const dir = join(outDir, fn.logicalId);
    mkdirSync(dir, { recursive: true });
    const outExtension = Object.fromEntries(((props.OutExtension as string[] | undefined) ?? []).map((e) => e.split('=') as [string, string]));
    const file = join(dir, `${basename(fn.handlerPath, '.ts')}${outExtension['.js'] ?? '.js'}`);
    const banner = String((props.Banner as string[] | undefined)?.[0] ?? '').replace(/^js=/, '');
    // sam build always passes --outdir (its artifacts directory), so the entry is named after the handler file.
    await build({
      entryPoints: [fn.handlerPath], outdir: dir, outExtension, bundle: true, platform: 'node',
      format: props.Format === 'esm' ? 'esm' : 'cjs', target: String(props.Target ?? 'es2022'),
      splitting: props.Splitting === true,
      minify: props.Minify === true, sourcemap: props.Sourcemap === true, banner: banner ? { js: banner } : {},
      mainFields: String(props.MainFields ?? 'module,main').split(','),
      logLevel: 'warning', legalComments: 'none',
    });
    const outputs = readdirSync(dir).filter((f) => !f.endsWith('.map'));
    const totalBytes = outputs.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
    bundles.push({ logicalId: fn.logicalId, file, bytes: statSync(file).size, totalBytes, chunks: outputs.length - 1 });
  }
  return bundles;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const bundles = await buildAll();
  const kb = (n: number) => `${(n / 1024).toFixed(1).padStart(7)} KB`;
  for (const b of bundles) console.log(`${b.logicalId.padEnd(28)} ${kb(b.bytes)} (with ${String(b.chunks).padStart(2)} chunks ${kb(b.totalBytes)})  ${b.file}`);
}
