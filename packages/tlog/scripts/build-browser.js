/**
 * Builds the browser bundle of @trailkeep/tlog: one self-contained ES module (dependencies
 * inlined, no Node built-ins) at dist/browser/tlog.browser.js, or in the directory given as the
 * first argument. `npm run build:browser -w @trailkeep/tlog` (after `tsc -b`, which it leaves alone).
 */
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = process.argv[2] ?? fileURLToPath(new URL('../dist/browser', import.meta.url));

await build({
  root,
  configFile: false,
  logLevel: 'warn',
  build: {
    outDir,
    // dist/ also holds tsc's output: write beside it, delete nothing.
    emptyOutDir: false,
    target: 'es2022',
    minify: false,
    sourcemap: true,
    lib: { entry: 'src/index.ts', formats: ['es'], fileName: () => 'tlog.browser.js' },
  },
});
