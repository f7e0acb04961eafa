// Jest transform: TypeScript → ESM with esbuild (the same compiler that bundles the Lambdas).
const { transformSync } = require('esbuild');

module.exports = {
  process(source, path) {
    const { code, map } = transformSync(source, {
      loader: 'ts', format: 'esm', target: 'es2022', sourcemap: 'external', sourcefile: path,
    });
    return { code, map };
  },
};
