// Bundles the extension into one file (out/extension.js) and the in-host test
// suite into out/test/index.js. `vscode` is provided by the extension host;
// `mocha` is resolved from node_modules when the suite runs in a development host.
import * as esbuild from 'esbuild';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  minify: production,
  logLevel: 'warning',
  absWorkingDir: here,
  // ws loads these optional native speed-ups in a try/catch.
  external: ['vscode', 'bufferutil', 'utf-8-validate'],
  // jsonc-parser's UMD build requires its parts through a factory argument, which no bundler follows: take its ES modules.
  alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
};

const builds = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'out/extension.js' },
  // test-support's identity provider loads oidc-provider only when a suite starts one; the host suites never do.
  { ...common, entryPoints: ['test/host/index.ts'], outfile: 'out/test/index.js', external: [...common.external, 'mocha', 'oidc-provider'] },
];

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
