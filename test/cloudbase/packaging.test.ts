/**
 * Every function folder is ready to upload (`npm run build`): a bundled `index.js`, a package.json
 * whose dependencies are what the cloud installs (never better-sqlite3), a valid config.json; and
 * `cloudbaserc.json` declares exactly the function folders. The committed configuration files must
 * equal what scripts/build.ts generates from its `FUNCTIONS` table, so a hand edit or a stale file
 * fails here.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cloudbaseSdkVersion, deployFiles, functionFolders, ROOT, RUNTIME } from '../../scripts/build';
import { buildBundles, type BuiltBundles } from './bundles';

const readJson = (path: string) => JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as Record<string, unknown>;
const names = functionFolders();

/** Folders of cloudfunctions/ that hold a function, found independently of scripts/build.ts. */
const folders = readdirSync(join(ROOT, 'cloudfunctions'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(ROOT, 'cloudfunctions', d.name, 'index.ts')))
  .map((d) => d.name)
  .sort();

test('the function folders are the nine functions', () => {
  expect(names).toEqual(folders);
  expect(folders).toEqual(['alerts', 'auth', 'broker', 'command', 'devices', 'history', 'ingest', 'patients', 'realtime']);
});

test('the committed configuration files equal what npm run build generates', () => {
  const stale = Object.entries(deployFiles())
    .filter(([path, content]) => !existsSync(join(ROOT, path)) || readFileSync(join(ROOT, path), 'utf8') !== content)
    .map(([path]) => path);
  if (stale.length) throw new Error(`out of date: ${stale.join(', ')} — change FUNCTIONS in scripts/build.ts, run npm run build and commit the result`);
});

describe.each(folders)('cloudfunctions/%s', (name) => {
  test('has its bundled index.js', () => {
    expect(existsSync(join(ROOT, 'cloudfunctions', name, 'index.js'))).toBe(true);
  });

  test('package.json: the CloudBase SDK the tests ran against, and nothing native', () => {
    const pkg = readJson(`cloudfunctions/${name}/package.json`);
    expect(pkg).toMatchObject({ name, main: 'index.js', private: true });
    expect(pkg.dependencies).toEqual({ '@cloudbase/node-sdk': cloudbaseSdkVersion() });
    const rootRange = (readJson('package.json').dependencies as Record<string, string>)['@cloudbase/node-sdk'];
    expect(rootRange).toMatch(/^\^\d+\.\d+\.\d+$/);
    // Within the root package.json's caret range: same major, not older.
    const [major, minor, patch] = cloudbaseSdkVersion().split('.').map(Number);
    const [rMajor, rMinor, rPatch] = rootRange.slice(1).split('.').map(Number);
    expect(major).toBe(rMajor);
    expect(minor * 1e6 + patch).toBeGreaterThanOrEqual(rMinor * 1e6 + rPatch);
    expect(JSON.stringify(pkg)).not.toMatch(/better-sqlite3/);
  });

  test('config.json is a valid CloudBase function configuration', () => {
    const config = readJson(`cloudfunctions/${name}/config.json`);
    expect(Object.keys(config).sort()).toEqual(expect.arrayContaining(['envVariables', 'memorySize', 'permissions', 'runtime', 'timeout']));
    expect(Number.isInteger(config.timeout) && (config.timeout as number) >= 1 && (config.timeout as number) <= 60).toBe(true);
    expect([128, 256, 512, 1024, 2048]).toContain(config.memorySize);
    expect(config.runtime).toBe(RUNTIME);
    expect(config.envVariables).toMatchObject({ STORE: 'cloudbase' });
    const openapi = (config.permissions as { openapi: unknown }).openapi;
    expect(Array.isArray(openapi) && openapi.every((a) => typeof a === 'string' && /^[A-Za-z]+\.[A-Za-z]+$/.test(a))).toBe(true);
    const triggers = (config.triggers ?? []) as { name: string; type: string; config: string }[];
    expect(triggers.length).toBeLessThanOrEqual(1);
    for (const t of triggers) {
      expect(t.name).toMatch(/^[A-Za-z][A-Za-z0-9_-]{0,59}$/);
      expect(t.type).toBe('timer');
      expect(t.config.trim().split(/\s+/)).toHaveLength(7);
    }
  });
});

test('cloudbaserc.json declares exactly the function folders, as their config.json says, without secrets', () => {
  const rc = readJson('cloudbaserc.json');
  expect(rc).toMatchObject({ version: '2.0', functionRoot: './cloudfunctions' });
  // The environment id is filled in at deploy time from the operator's .env.local, never committed.
  expect(rc.envId).toMatch(/^\{\{env\.[A-Z_]+\}\}$/);
  const functions = rc.functions as Record<string, unknown>[];
  expect(functions.map((f) => f.name).sort()).toEqual(folders);
  for (const f of functions) {
    const config = readJson(`cloudfunctions/${f.name as string}/config.json`);
    expect(f).toMatchObject({
      handler: 'index.main',
      installDependency: true,
      timeout: config.timeout,
      memorySize: config.memorySize,
      runtime: config.runtime,
    });
    // The CLI's copy adds the deployer's variables, as templates filled from .env at deploy time.
    const vars = f.envVariables as Record<string, string>;
    expect(vars).toMatchObject(config.envVariables as object);
    for (const [key, value] of Object.entries(vars)) {
      if (key in (config.envVariables as object)) expect(key).not.toMatch(/SECRET|PASSWORD|TOKEN|KEY/i);
      else expect(value).toBe(`{{env.${key}}}`);
    }
  }
});

describe('a bundle needs better-sqlite3 only when STORE=sqlite', () => {
  let bundles: BuiltBundles;
  beforeAll(async () => {
    bundles = await buildBundles();
  }, 60_000);
  afterAll(() => bundles?.remove());

  /**
   * Loads a bundle in a fresh Node process in which `require('better-sqlite3')` throws, invokes
   * `main` once and reports the result and whether the module was asked for.
   */
  function probe(
    name: string,
    env: Record<string, string>,
  ): { loadedAtStart: boolean; asked: boolean; result: { ok: boolean; code?: string; message?: string } } {
    const script = `
      const Module = require('node:module');
      const load = Module._load;
      let asked = false;
      Module._load = function (request, ...rest) {
        if (request === 'better-sqlite3') { asked = true; throw new Error('better-sqlite3 is not installed here'); }
        return load.call(this, request, ...rest);
      };
      const fn = require(${JSON.stringify(bundles.file(name))});
      const loadedAtStart = asked;
      fn.main({}, {}).then((result) => console.log(JSON.stringify({ loadedAtStart, asked, result })));
    `;
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(STORE|DATA_DIR|TENCENTCLOUD_|SCF_|CLOUDBASE_|TCB_)/.test(k)));
    const out = execFileSync(process.execPath, ['-e', script], { env: { ...clean, ...env }, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    return JSON.parse(out.toString());
  }

  test.each(folders)('%s loads and answers with STORE=cloudbase without it', (name) => {
    const r = probe(name, { STORE: 'cloudbase' });
    expect(r).toMatchObject({ loadedAtStart: false, asked: false, result: { ok: false, code: 'UNAVAILABLE' } });
    expect(r.result.message).toContain('CLOUDBASE_ENV');
  });

  test('inside CloudBase, STORE=sqlite is refused before better-sqlite3 is loaded', () => {
    const r = probe('auth', { TENCENTCLOUD_RUNENV: 'SCF', STORE: 'sqlite' });
    expect(r).toMatchObject({ loadedAtStart: false, asked: false, result: { ok: false, code: 'UNAVAILABLE' } });
  });

  test('with STORE=sqlite the bundle asks for better-sqlite3 and answers with an error result, not a crash', () => {
    const r = probe('auth', { STORE: 'sqlite', DATA_DIR: join(bundles.dir, 'data') });
    expect(r).toMatchObject({ loadedAtStart: false, asked: true, result: { ok: false, code: 'UNAVAILABLE' } });
  });
});
