/**
 * `npm run build` (run after `npm install`): bundles each cloud function with what it imports
 * into `cloudfunctions/<name>/index.js`, because CloudBase uploads every function folder on its
 * own, and the mini program's libraries into `miniprogram/lib/`. Generated files are not committed.
 */
import { build } from 'esbuild';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildMiniprogramLibs } from './build-miniprogram';

const root = resolve(__dirname, '..');
const functionsDir = join(root, 'cloudfunctions');

async function main(): Promise<void> {
  const names = readdirSync(functionsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(functionsDir, d.name, 'index.ts')))
    .map((d) => d.name);
  for (const name of names) {
    const dir = join(functionsDir, name);
    await build({
      entryPoints: [join(dir, 'index.ts')],
      outfile: join(dir, 'index.js'),
      bundle: true,
      platform: 'node',
      // CloudBase offers Node 16 and later runtimes.
      target: 'node16',
      format: 'cjs',
      // Native and platform SDKs are installed by the platform from the function's package.json.
      external: ['better-sqlite3', '@cloudbase/node-sdk', 'wx-server-sdk'],
      logLevel: 'warning',
      legalComments: 'none',
    });
  }
  console.log(`build: bundled ${names.length} cloud functions (${names.join(', ')})`);
  const sizes = await buildMiniprogramLibs();
  console.log(`build: mini program libraries in miniprogram/lib (${Object.entries(sizes).map(([n, b]) => `${n} ${(b / 1024).toFixed(0)} KiB`).join(', ')})`);
}

main().catch((e: unknown) => {
  console.error(`build failed: ${(e as Error).message}`);
  process.exit(1);
});
