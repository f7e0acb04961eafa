// Bundle every function exactly as `sam build` (BuildMethod esbuild) would, from template.yaml's BuildProperties.
// Output: dist/<LogicalId>/<name>.mjs (+ .map). Prints bundle sizes. Used by `npm run build` and the benchmark.
import { build } from 'esbuild';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { functions, loadTemplate, repoRoot } from '../local/template';

export interface Bundle { logicalId: string; file: string; bytes: number }

export async function buildAll(outDir = resolve(repoRoot, 'dist')): Promise<Bundle[]> {
  rmSync(outDir, { recursive: true, force: true });
  const bundles: Bundle[] = [];
  for (const fn of functions(loadTemplate())) {
    const props = fn.buildProperties ?? {};
    if (fn.buildMethod !== 'esbuild' || !fn.handlerPath) throw new Error(`${fn.logicalId}: not an esbuild function`);
    const dir = join(outDir, fn.logicalId);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${basename(fn.handlerPath, '.ts')}.mjs`);
    const banner = String((props.Banner as string[] | undefined)?.[0] ?? '').replace(/^js=/, '');
    await build({
      entryPoints: [fn.handlerPath], outfile: file, bundle: true, platform: 'node',
      format: props.Format === 'esm' ? 'esm' : 'cjs', target: String(props.Target ?? 'es2022'),
      minify: props.Minify === true, sourcemap: props.Sourcemap === true, banner: banner ? { js: banner } : {},
      mainFields: String(props.MainFields ?? 'module,main').split(','),
      logLevel: 'warning', legalComments: 'none',
    });
    bundles.push({ logicalId: fn.logicalId, file, bytes: statSync(file).size });
  }
  return bundles;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const bundles = await buildAll();
  for (const b of bundles) console.log(`${b.logicalId.padEnd(28)} ${(b.bytes / 1024).toFixed(1).padStart(7)} KB  ${b.file}`);
}
