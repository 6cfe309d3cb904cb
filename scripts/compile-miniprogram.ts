/**
 * `npm run compile:miniprogram`: compiles the mini program the way WeChat DevTools does, without
 * DevTools, and measures its package. Fails (exit 1) on:
 *
 * - WXML and WXSS errors, from the official compilers in `miniprogram-compiler` (`file:line:col`);
 * - what miniprogram-ci's build catches: JS/TS syntax, JSON, missing pages and components;
 * - a relative `require` in the compiled code that resolves to no file of the package, or to a
 *   file outside the mini program root (mini program code may only load its own files);
 * - a main package over this project's budget (1 MiB; WeChat allows 2 MiB).
 *
 * Type errors are `tsc --noEmit -p miniprogram/tsconfig.json`'s job. Needs `npm run build` first
 * (the libraries in `miniprogram/lib/`).
 *
 * Output: one line per step, then one JSON line (always the last line) for tools:
 *   {"ok":true,"mainPackageBytes":…,"totalBytes":…,"subPackages":{…},"files":…,"limitBytes":1048576,
 *    "wechatLimitBytes":2097152,"largest":[["lib/echarts.js",…],…],"errors":[]}
 * `--zip <path>` keeps the compiled package as a zip; `--verbose` shows miniprogram-ci's log;
 * `--project <dir>` compiles another folder holding a project.config.json (the tests' fixtures).
 *
 * miniprogram-ci works offline when given the project attributes (`attr`) and any RSA key (no
 * upload happens), and leaves handles open for minutes: this script exits explicitly.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, resolve } from 'node:path';
import type * as CI from 'miniprogram-ci';

const REPO_ROOT = resolve(__dirname, '..');
const PROJECT_LIMIT_BYTES = 1024 * 1024;
const WECHAT_LIMIT_BYTES = 2 * 1024 * 1024;

interface ProjectConfig {
  appid?: string;
  miniprogramRoot?: string;
}

interface AppJson {
  subPackages?: Array<{ root: string }>;
  subpackages?: Array<{ root: string }>;
}

interface CompileReport {
  ok: boolean;
  mainPackageBytes?: number;
  totalBytes?: number;
  subPackages?: Record<string, number>;
  files?: number;
  limitBytes: number;
  wechatLimitBytes: number;
  largest?: Array<[file: string, bytes: number]>;
  errors: string[];
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** Files under `dir` (relative, `/`-separated) with one of the extensions. */
function filesWith(dir: string, ext: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .map((f) => f.split('\\').join('/'))
    .filter((f) => f.endsWith(ext) && !f.startsWith('node_modules/') && !f.includes('/node_modules/'));
}

/** `wcc`: the official WXML compiler; throws with `file:line:col: message`. */
function checkWxml(mpRoot: string): string {
  const compiler = require('miniprogram-compiler') as { wxmlToJs(root: string, options?: { maxBuffer?: number }): string };
  const n = filesWith(mpRoot, '.wxml').length;
  compiler.wxmlToJs(mpRoot, { maxBuffer: 64 * 1024 * 1024 });
  return `wxml: ${n} files compiled`;
}

/**
 * `wcsc`: the official WXSS compiler. Its public `wxssToJs` hides the compiler's message when it
 * fails (and fails on a folder without WXSS), so its file-level function is called: it returns an
 * Error carrying `file(line:col): message`.
 */
function checkWxss(mpRoot: string): string {
  const files = filesWith(mpRoot, '.wxss');
  if (files.length === 0) return 'wxss: no files';
  const wcsc = require('miniprogram-compiler/src/wcsc') as (root: string, files: string[], options?: { maxBuffer?: number }) => Record<string, string> | Error;
  const out = wcsc(
    mpRoot,
    files.map((f) => f.slice(0, -'.wxss'.length)),
    { maxBuffer: 64 * 1024 * 1024 },
  );
  // (Its message ends with the compiler's "error file count: 0", which counts nothing useful.)
  if (out instanceof Error) throw new Error(out.message.replace(/\s*error file count: \d+\s*$/, ''));
  return `wxss: ${files.length} files compiled`;
}

/** Relative requires of the compiled JS that do not resolve to a file of the package. */
function unresolvedRequires(files: Record<string, unknown>): string[] {
  const bad: string[] = [];
  const re = /\brequire\(\s*(["'])(\.{1,2}\/[^"']*)\1\s*\)/g;
  for (const [file, content] of Object.entries(files)) {
    if (!file.endsWith('.js')) continue;
    const text = Buffer.isBuffer(content) ? content.toString('utf8') : String(content);
    for (const m of text.matchAll(re)) {
      const target = posix.normalize(posix.join(posix.dirname(file), m[2]));
      if (target.startsWith('../')) {
        bad.push(`${file}: require("${m[2]}") leaves the mini program root`);
      } else if (![target, `${target}.js`, `${target}/index.js`].some((t) => t in files)) {
        bad.push(`${file}: require("${m[2]}") matches no file of the package`);
      }
    }
  }
  return bad;
}

function packageSizes(files: Record<string, string | Buffer>, app: AppJson) {
  const roots = [...(app.subPackages ?? []), ...(app.subpackages ?? [])].map((s) => `${s.root.replace(/^\/+|\/+$/g, '')}/`);
  const sub: Record<string, number> = Object.fromEntries(roots.map((r) => [r.slice(0, -1), 0]));
  let main = 0;
  let total = 0;
  for (const [file, content] of Object.entries(files)) {
    const size = Buffer.byteLength(content);
    total += size;
    const root = roots.find((r) => file.startsWith(r));
    if (root) sub[root.slice(0, -1)] += size;
    else main += size;
  }
  const largest = Object.entries(files)
    .map(([f, c]) => [f, Buffer.byteLength(c)] as [string, number])
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5);
  return { main, total, sub, largest };
}

/** Runs `fn` with the console muted unless `verbose` (miniprogram-ci logs its progress there). */
async function quietly<T>(verbose: boolean, fn: () => Promise<T>): Promise<{ value?: T; error?: unknown }> {
  const saved = { log: console.log, info: console.info, warn: console.warn };
  if (!verbose) Object.assign(console, { log: () => {}, info: () => {}, warn: () => {} });
  try {
    return { value: await fn() };
  } catch (error) {
    return { error };
  } finally {
    Object.assign(console, saved);
  }
}

async function compileWithCi(projectPath: string, projectConfig: ProjectConfig, zipPath: string | undefined, verbose: boolean) {
  const tmp = mkdtempSync(join(tmpdir(), 'mp-compile-'));
  try {
    // Any RSA key: it would sign an upload, and nothing is uploaded.
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const privateKeyPath = join(tmp, 'private.key');
    writeFileSync(privateKeyPath, privateKey);
    const started = Date.now();
    const run = await quietly(verbose, async () => {
      // Loaded here: it logs as soon as it is loaded.
      const ci = require('miniprogram-ci') as typeof CI;
      // `attr` (not in miniprogram-ci's types) keeps it from fetching the project's attributes online.
      const options: ConstructorParameters<typeof CI.Project>[0] & { attr: () => Promise<unknown> } = {
        appid: projectConfig.appid || 'touristappid',
        type: 'miniProgram',
        // The folder of project.config.json: miniprogram-ci follows its `miniprogramRoot` and `packOptions`.
        projectPath,
        privateKeyPath,
        ignores: ['node_modules/**/*', '.git/**/*'],
        attr: async () => ci.DefaultProjectAttr,
      };
      const project = new ci.Project(options);
      return ci.getCompiledResult({ project, version: '0.0.0', setting: { useProjectConfig: true } }, zipPath ?? join(tmp, 'compiled.zip'));
    });
    return { ...run, seconds: (Date.now() - started) / 1000 };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function errorText(e: unknown): string {
  if (e instanceof Error) {
    const path = (e as Error & { path?: string }).path;
    return (path && !e.message.includes(path) ? `${path}: ` : '') + e.message.trim();
  }
  return String(e);
}

async function compileMiniprogram(argv: readonly string[] = []): Promise<CompileReport> {
  const verbose = argv.includes('--verbose');
  const zipAt = argv.indexOf('--zip');
  const zipPath = zipAt >= 0 && argv[zipAt + 1] ? resolve(argv[zipAt + 1]) : undefined;
  const projectAt = argv.indexOf('--project');
  const projectPath = projectAt >= 0 && argv[projectAt + 1] ? resolve(argv[projectAt + 1]) : REPO_ROOT;
  const report: CompileReport = { ok: false, limitBytes: PROJECT_LIMIT_BYTES, wechatLimitBytes: WECHAT_LIMIT_BYTES, errors: [] };

  const projectConfig = JSON.parse(readFileSync(join(projectPath, 'project.config.json'), 'utf8')) as ProjectConfig;
  const mpRoot = join(projectPath, projectConfig.miniprogramRoot ?? '');
  if (!existsSync(join(mpRoot, 'app.json'))) {
    report.errors.push(`no app.json in ${mpRoot}`);
    return report;
  }
  if (!existsSync(join(mpRoot, 'lib'))) report.errors.push(`${join(mpRoot, 'lib')} is missing: run npm run build first`);

  for (const [name, check] of [
    ['wxml', checkWxml],
    ['wxss', checkWxss],
  ] as const) {
    try {
      console.log(check(mpRoot));
    } catch (e) {
      report.errors.push(`${name}: ${errorText(e)}`);
      console.log(`${name}: FAILED`);
    }
  }

  const { value: files, error, seconds } = await compileWithCi(projectPath, projectConfig, zipPath, verbose);
  if (!files) {
    report.errors.push(`miniprogram-ci: ${errorText(error)}`);
    console.log('miniprogram-ci: FAILED');
  } else {
    console.log(`miniprogram-ci: ${Object.keys(files).length} files in ${seconds.toFixed(1)} s${zipPath ? ` (zip: ${zipPath})` : ''}`);
    const requires = unresolvedRequires(files);
    report.errors.push(...requires.map((r) => `require: ${r}`));
    console.log(requires.length ? `requires: ${requires.length} FAILED` : 'requires: all relative requires resolve inside the package');

    const app = JSON.parse(readFileSync(join(mpRoot, 'app.json'), 'utf8')) as AppJson;
    const sizes = packageSizes(files, app);
    Object.assign(report, {
      mainPackageBytes: sizes.main,
      totalBytes: sizes.total,
      subPackages: sizes.sub,
      files: Object.keys(files).length,
      largest: sizes.largest,
    });
    console.log(`largest files: ${sizes.largest.map(([f, b]) => `${f} ${kib(b)}`).join(', ')}`);
    for (const [root, bytes] of Object.entries(sizes.sub)) console.log(`subpackage ${root}: ${kib(bytes)}`);
    console.log(
      `mini program main package: ${kib(sizes.main)} (limit for this project ${PROJECT_LIMIT_BYTES / 1024} KiB; WeChat's ${WECHAT_LIMIT_BYTES / 1024} KiB)`,
    );
    if (sizes.main > PROJECT_LIMIT_BYTES) report.errors.push(`main package ${kib(sizes.main)} is over this project's ${kib(PROJECT_LIMIT_BYTES)}`);
    for (const [root, bytes] of Object.entries(sizes.sub))
      if (bytes > WECHAT_LIMIT_BYTES) report.errors.push(`subpackage ${root} ${kib(bytes)} is over WeChat's ${kib(WECHAT_LIMIT_BYTES)}`);
  }

  for (const e of report.errors) console.log(`error: ${e}`);
  report.ok = report.errors.length === 0;
  return report;
}

compileMiniprogram(process.argv.slice(2))
  .catch((e: unknown): CompileReport => ({ ok: false, limitBytes: PROJECT_LIMIT_BYTES, wechatLimitBytes: WECHAT_LIMIT_BYTES, errors: [errorText(e)] }))
  .then((report) => {
    process.stdout.write(`${JSON.stringify(report)}\n`, () => process.exit(report.ok ? 0 : 1));
  });
