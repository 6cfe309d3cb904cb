/**
 * `npm run build` (run after `npm install`): makes every cloud function folder ready to upload and
 * bundles the mini program's libraries into `miniprogram/lib/` and the web console into
 * `web-console/dist/` (scripts/build-console.ts).
 *
 * Per function folder `cloudfunctions/<name>/`:
 * - `index.js` — the function and everything it imports, bundled with esbuild, because CloudBase
 *   uploads each folder on its own (generated, ignored by git);
 * - `package.json` — what the cloud build installs (`installDependency`): `@cloudbase/node-sdk`
 *   only, never `better-sqlite3`, which a CloudBase function must not use (STORE=sqlite is refused
 *   there, `backend/runtime/environment.ts`);
 * - `config.json` — the function's platform configuration, read by WeChat DevTools when it uploads
 *   the folder.
 * And at the root `cloudbaserc.json`, the same configuration for the CloudBase CLI, so
 * `tcb fn deploy` deploys every function in one command.
 *
 * package.json, config.json and cloudbaserc.json are generated from `FUNCTIONS` below (the one
 * place to change a function's configuration) and committed, so a reviewer sees a configuration
 * change and a checkout is ready for DevTools or `tcb`; `test/cloudbase/packaging.test.ts` fails
 * when a committed file differs from what this script generates.
 */
import { build } from 'esbuild';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildConsole } from './build-console';
import { buildMiniprogramLibs } from './build-miniprogram';

export const ROOT = resolve(__dirname, '..');
const FUNCTIONS_DIR = join(ROOT, 'cloudfunctions');

/**
 * CloudBase runtime of every function. `Nodejs18.15` is the CLI's default and recommended runtime
 * (https://docs.cloudbase.net/cli-v1/functions/configs); a function's runtime cannot be changed
 * after it is created. The bundle targets the same Node version.
 */
export const RUNTIME = 'Nodejs18.15';
const ESBUILD_TARGET = 'node18';

/** A timer trigger. One per function at most, created by `tcb fn trigger create` or DevTools. */
export interface TimerTrigger {
  /** ≤ 60 characters of `a-z A-Z 0-9 - _`, starting with a letter. */
  name: string;
  type: 'timer';
  /** Seven-field cron (second minute hour day month weekday year), in UTC+8. */
  config: string;
}

/**
 * What each function needs from the platform. Fields (https://docs.cloudbase.net/cli-v1/functions/configs,
 * https://developers.weixin.qq.com/miniprogram/dev/wxcloud/guide/openapi/openapi.html,
 * https://developers.weixin.qq.com/miniprogram/dev/wxcloudservice/wxcloud/guide/functions/triggers.md):
 */
export interface FunctionSpec {
  /**
   * Seconds before the platform stops the function. CLI default 5, range 1–60; the platform
   * itself defaults to 3 and allows up to 300 (https://cloud.tencent.com/document/product/583/9207).
   * Stated for every function so neither default applies by accident.
   */
  timeout: number;
  /** MB of memory (CPU is proportional). CLI default 256; 128, 256, 512, 1024 or 2048. */
  memorySize?: 128 | 256 | 512 | 1024 | 2048;
  /**
   * `permissions.openapi`: WeChat open APIs the function calls through 云调用 (for example
   * `subscribeMessage.send`). Applied when DevTools uploads the folder, cached for about 10 min.
   * Default none.
   */
  openapi?: string[];
  /** Timer triggers (`triggers`), at most one. Default none. */
  triggers?: TimerTrigger[];
  /**
   * Environment variables whose values are the deployer's (secrets, the broker's address): in
   * `cloudbaserc.json` as `{{env.NAME}}`, which the CLI fills from `.env` / `.env.local` at deploy
   * (never committed); not in `config.json` — with a DevTools upload, set them in the console
   * (云函数 → 版本与配置 → 环境变量). Default none.
   */
  variables?: string[];
}

/** Every function opens the store, which seals device secrets and hashes codes with these keys (docs/security.md). */
const STORE_VARIABLES = ['SECRETS_KEY'];

/** The external broker: commands, replies and disconnections through EMQX's REST API (backend/runtime/broker-environment.ts). */
const EMQX = ['BROKER', 'EMQX_API_URL', 'EMQX_API_KEY', 'EMQX_API_SECRET'];

/** Alerts: WeChat subscription messages (docs/alerts.md). */
const ALERT_VARIABLES = ['ALERT_WECHAT_TEMPLATE_ID', 'ALERT_WECHAT_PAGE', 'ALERT_WECHAT_STATE'];
const SUBSCRIBE = ['subscribeMessage.send'];

/**
 * Every cloud function. A folder with an `index.ts` that is missing here, or an entry without a
 * folder, fails the build. `ingest` and `broker` raise alerts as readings arrive and `alerts`
 * escalates them, so those three send subscription messages.
 */
export const FUNCTIONS: Record<string, FunctionSpec> = {
  // One or two database round trips each; patients and devices disconnect people who lose access.
  auth: { timeout: 10 },
  patients: { timeout: 10, variables: EMQX },
  devices: { timeout: 10, variables: EMQX },
  realtime: { timeout: 10, variables: ['REALTIME_SECRET'] },
  // A 30-day query reads a few hundred summary documents or runs an aggregation.
  history: { timeout: 20 },
  // Waits up to 15 s (`timeoutMs` ≤ 15 000) for the device's reply, then stores the outcome.
  command: { timeout: 20, variables: EMQX },
  // Up to 1000 messages per batch, each database write an HTTP request.
  ingest: { timeout: 60, openapi: SUBSCRIBE, variables: ALERT_VARIABLES },
  // EMQX's login and topic checks (a read or two) and its webhook (one event, or a batch of them).
  broker: { timeout: 20, openapi: SUBSCRIBE, variables: ['REALTIME_SECRET', 'BROKER_HOOK_SECRET', ...EMQX, ...ALERT_VARIABLES] },
  // The timer's check: every bound device (a few reads each) and escalations; every 5 minutes, so that
  // 288 checks a day stay well inside the basic plan's 50 000 reads for a few dozen devices.
  alerts: {
    timeout: 60,
    openapi: SUBSCRIBE,
    variables: [...EMQX, ...ALERT_VARIABLES],
    triggers: [{ name: 'alertsCheck', type: 'timer', config: '0 */5 * * * * *' }],
  },
};

/**
 * Function environment variables (`envVariables`). A deployment replaces whatever was set in the
 * console, so every variable a function needs belongs here. STORE=cloudbase is also the default
 * inside CloudBase; stating it makes the intent visible in the console. The database environment
 * and keys come from the platform, so nothing here is secret — never add a secret to this file.
 */
const ENV_VARIABLES: Record<string, string> = { STORE: 'cloudbase' };

/** Entry point: `index.js`, export `main` (the CLI default, stated). */
const HANDLER = 'index.main';

/** Files in a function folder that are not uploaded: the TypeScript sources are in the bundle. */
const UPLOAD_IGNORE = ['*.ts', 'handlers/**', 'node_modules/**'];

/** Folders of `cloudfunctions/` that hold a function (an `index.ts`). */
export function functionFolders(): string[] {
  return readdirSync(FUNCTIONS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(FUNCTIONS_DIR, d.name, 'index.ts')))
    .map((d) => d.name)
    .sort();
}

/** The function names, checked against the folders. */
export function functionNames(): string[] {
  const folders = functionFolders();
  const declared = Object.keys(FUNCTIONS).sort();
  const missing = folders.filter((n) => !declared.includes(n));
  const orphans = declared.filter((n) => !folders.includes(n));
  if (missing.length || orphans.length) {
    throw new Error(
      `scripts/build.ts FUNCTIONS must list exactly the function folders` +
        (missing.length ? `; add ${missing.join(', ')}` : '') +
        (orphans.length ? `; no folder for ${orphans.join(', ')}` : ''),
    );
  }
  return folders;
}

/**
 * The `@cloudbase/node-sdk` version the lockfile resolves for the root package.json's range, so
 * the cloud installs exactly the SDK the tests ran against.
 */
export function cloudbaseSdkVersion(): string {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages?: Record<string, { version?: string }> };
  const version = lock.packages?.['node_modules/@cloudbase/node-sdk']?.version;
  if (!version) throw new Error('package-lock.json does not resolve @cloudbase/node-sdk; run npm install');
  return version;
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

function packageJson(name: string, sdkVersion: string): unknown {
  const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  return {
    name,
    version: root.version,
    private: true,
    main: 'index.js',
    description: `Cloud function '${name}' of the remote patient monitor. Generated by 'npm run build' (scripts/build.ts) with index.js; do not edit.`,
    dependencies: { '@cloudbase/node-sdk': sdkVersion },
  };
}

/** The platform configuration of one function, in the field names DevTools and the CLI share. */
function platformConfig(spec: FunctionSpec, deployerValues = false) {
  const deployer = deployerValues ? Object.fromEntries([...STORE_VARIABLES, ...(spec.variables ?? [])].map((v) => [v, `{{env.${v}}}`])) : {};
  return {
    timeout: spec.timeout,
    memorySize: spec.memorySize ?? 256,
    runtime: RUNTIME,
    envVariables: { ...ENV_VARIABLES, ...deployer },
    ...(spec.triggers?.length ? { triggers: spec.triggers } : {}),
  };
}

function configJson(spec: FunctionSpec): unknown {
  return { permissions: { openapi: spec.openapi ?? [] }, ...platformConfig(spec) };
}

function cloudbaserc(names: string[]): unknown {
  return {
    // Version 2.0 enables `{{env.NAME}}`, filled from `.env` / `.env.local` at the root (never
    // committed) or the shell (https://docs.cloudbase.net/cli-v1/config). The environment id
    // is the same variable the CLI's STORE=cloudbase reads.
    version: '2.0',
    envId: '{{env.CLOUDBASE_ENV}}',
    functionRoot: './cloudfunctions',
    functions: names.map((name) => ({
      name,
      handler: HANDLER,
      ...platformConfig(FUNCTIONS[name] as FunctionSpec, true),
      // The cloud runs `npm install` with the folder's package.json (default false).
      installDependency: true,
      ignore: UPLOAD_IGNORE,
    })),
  };
}

/** Every generated configuration file, by path relative to the repository root. */
export function deployFiles(): Record<string, string> {
  const names = functionNames();
  const sdk = cloudbaseSdkVersion();
  const files: Record<string, string> = { 'cloudbaserc.json': json(cloudbaserc(names)) };
  for (const name of names) {
    files[`cloudfunctions/${name}/package.json`] = json(packageJson(name, sdk));
    files[`cloudfunctions/${name}/config.json`] = json(configJson(FUNCTIONS[name]));
  }
  return files;
}

/** Writes the generated files that differ from what is on disk; returns their paths. */
function writeDeployFiles(): string[] {
  const changed: string[] = [];
  for (const [path, content] of Object.entries(deployFiles())) {
    const file = join(ROOT, path);
    if (existsSync(file) && readFileSync(file, 'utf8') === content) continue;
    writeFileSync(file, content);
    changed.push(path);
  }
  return changed;
}

/** Bundles one function to `outfile` (default: its folder's `index.js`). */
export async function bundleFunction(name: string, outfile = join(FUNCTIONS_DIR, name, 'index.js')): Promise<void> {
  await build({
    entryPoints: [join(FUNCTIONS_DIR, name, 'index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: ESBUILD_TARGET,
    format: 'cjs',
    // Installed by the platform from package.json (the SDK), or only by a local STORE=sqlite run
    // (better-sqlite3, loaded on demand by backend/runtime/environment.ts).
    external: ['better-sqlite3', '@cloudbase/node-sdk', 'wx-server-sdk'],
    logLevel: 'warning',
    legalComments: 'none',
  });
}

async function main(): Promise<void> {
  const names = functionNames();
  for (const name of names) await bundleFunction(name);
  console.log(`build: bundled ${names.length} cloud functions (${names.join(', ')})`);
  const changed = writeDeployFiles();
  if (changed.length) console.log(`build: updated ${changed.join(', ')} — commit them`);
  const sizes = await buildMiniprogramLibs();
  console.log(
    `build: mini program libraries in miniprogram/lib (${Object.entries(sizes)
      .map(([n, b]) => `${n} ${(b / 1024).toFixed(0)} KiB`)
      .join(', ')})`,
  );
  const web = await buildConsole();
  console.log(
    `build: web console in web-console/dist (${Object.entries(web)
      .map(([n, b]) => `${n} ${(b / 1024).toFixed(0)} KiB`)
      .join(', ')})`,
  );
}

// Run only as a script (`tsx scripts/build.ts`), not when a test imports the generators.
if (process.argv[1] && resolve(process.argv[1]).replace(/\.ts$/, '') === __filename.replace(/\.ts$/, '')) {
  main().catch((e: unknown) => {
    console.error(`build failed: ${(e as Error).message}`);
    process.exit(1);
  });
}
