/**
 * The web console (`web-console/`): Preact + TypeScript bundled by esbuild into
 * `web-console/dist/` (generated, ignored by git), which the local function host serves at
 * `/console/`. One script, one stylesheet, one page; echarts tree-shaken to the parts the shared
 * chart options use, mqtt.js' browser build.
 */
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
export const CONSOLE_SRC = join(ROOT, 'web-console');
export const CONSOLE_DIST = join(CONSOLE_SRC, 'dist');

/** Builds the console into `outdir` (default `web-console/dist`); returns the file sizes, bytes. */
export async function buildConsole(outdir = CONSOLE_DIST): Promise<Record<string, number>> {
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: [join(CONSOLE_SRC, 'src', 'main.tsx')],
    outfile: join(outdir, 'app.js'),
    bundle: true,
    platform: 'browser',
    format: 'iife',
    // Browsers of the last few years (ES2020: optional chaining, BigInt in mqtt.js' deps).
    target: 'es2020',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    sourcemap: false,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
    legalComments: 'none',
  });
  for (const f of ['index.html', 'style.css']) copyFileSync(join(CONSOLE_SRC, f), join(outdir, f));
  return Object.fromEntries(['app.js', 'style.css'].map((f) => [f, statSync(join(outdir, f)).size]));
}
