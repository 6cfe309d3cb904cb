/**
 * Builds the CloudBase bundles for a test into a private folder, with the same bundler settings as
 * `npm run build` (`bundleFunction` in scripts/build.ts). Private, because other suites rebuild
 * `cloudfunctions/<name>/index.js` while tests run in parallel, and a file being rewritten must
 * not be loaded half-written. The folder is under the repository's ignored `tmp/`, so the bundles'
 * external `require`s (`@cloudbase/node-sdk`, `better-sqlite3`) resolve from its node_modules.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bundleFunction, functionNames, ROOT } from '../../scripts/build';

export interface BuiltBundles {
  dir: string;
  names: string[];
  /** Path of a function's bundled `index.js`. */
  file(name: string): string;
  remove(): void;
}

export async function buildBundles(): Promise<BuiltBundles> {
  mkdirSync(join(ROOT, 'tmp'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, 'tmp', 'cloudbase-bundles-'));
  const names = functionNames();
  await Promise.all(names.map((name) => bundleFunction(name, join(dir, name, 'index.js'))));
  return { dir, names, file: (name) => join(dir, name, 'index.js'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
