/**
 * The mini program compiles as WeChat DevTools would compile it (miniprogram-ci, and the official
 * WXML/WXSS compilers), and its main package stays within this project's 1 MiB budget.
 *
 * The compile runs in its own process (`scripts/compile-miniprogram.ts`, `npm run
 * compile:miniprogram`): miniprogram-ci leaves handles open for minutes, so the script exits by
 * itself and the test reads the JSON report on its last line.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const SCRIPT = join(ROOT, 'scripts/compile-miniprogram.ts');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const MiB = 1024 * 1024;

interface Report {
  ok: boolean;
  mainPackageBytes?: number;
  totalBytes?: number;
  files?: number;
  limitBytes: number;
  wechatLimitBytes: number;
  largest?: Array<[string, number]>;
  errors: string[];
}

/** Runs the script; resolves with its output and the report once the report is printed. */
function compile(args: string[] = []): Promise<{ report: Report; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(TSX, [SCRIPT, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let done = false;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      // The script exits after printing; make sure nothing outlives the test.
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      fn();
    };
    const timer = setTimeout(() => finish(() => reject(new Error(`compile timed out:\n${output}`))), 170_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const last = output.trimEnd().split('\n').pop() ?? '';
      if (last.startsWith('{"ok"') && output.endsWith('\n')) {
        try {
          const report = JSON.parse(last) as Report;
          finish(() => resolvePromise({ report, output }));
        } catch {
          // Not complete yet.
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => void (output += chunk.toString()));
    child.on('error', (e) => finish(() => reject(e)));
    child.on('exit', (code) => setTimeout(() => finish(() => reject(new Error(`compile exited (${code}) without a report:\n${output}`))), 500));
  });
}

test('the mini program compiles and its main package is at most 1 MiB', async () => {
  const { report, output } = await compile();
  const sizeLine = output.split('\n').find((l) => l.startsWith('mini program main package:'));
  console.log(`${sizeLine}\nlargest: ${(report.largest ?? []).map(([f, b]) => `${f} ${(b / 1024).toFixed(1)} KiB`).join(', ')}`);

  expect(report.errors).toEqual([]);
  expect(report.ok).toBe(true);
  expect(output).toMatch(/^wxml: \d+ files compiled$/m);
  expect(output).toMatch(/^wxss: \d+ files compiled$/m);
  expect(report.limitBytes).toBe(MiB);
  expect(report.mainPackageBytes).toBeGreaterThan(0);
  expect(report.mainPackageBytes!).toBeLessThanOrEqual(MiB);
  expect(sizeLine).toMatch(/^mini program main package: [\d.]+ KiB \(limit for this project 1024 KiB; WeChat's 2048 KiB\)$/);
  // The chart component and the bundled libraries are in; sources and tool files are not.
  const names = (report.largest ?? []).map(([f]) => f);
  expect(names).toContain('lib/echarts.js');
}, 180_000);

test('WXML, WXSS and JSON errors fail the compile, with the file and position', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mp-broken-'));
  try {
    cpSync(join(ROOT, 'project.config.json'), join(dir, 'project.config.json'));
    cpSync(join(ROOT, 'miniprogram'), join(dir, 'miniprogram'), { recursive: true });
    const chart = join(dir, 'miniprogram/components/chart');
    appendFileSync(join(chart, 'index.wxml'), '\n<view>\n');
    appendFileSync(join(chart, 'index.wxss'), '\n.broken {\n  color: red;\n  .nested {');
    writeFileSync(join(chart, 'index.json'), JSON.stringify({ component: true, usingComponents: { missing: '/components/missing/index' } }));

    const { report } = await compile(['--project', dir]);
    expect(report.ok).toBe(false);
    const errors = report.errors.join('\n');
    expect(errors).toMatch(/^wxml: .*components\/chart\/index\.wxml:\d+:\d+/m);
    expect(errors).toMatch(/^wxss: .*components\/chart\/index\.wxss\(\d+:\d+\)/m);
    expect(errors).toMatch(/^miniprogram-ci: .*components\/chart\/index\.json.*missing/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 180_000);

test('a require that leaves the mini program root fails the compile', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mp-outside-'));
  try {
    cpSync(join(ROOT, 'project.config.json'), join(dir, 'project.config.json'));
    cpSync(join(ROOT, 'miniprogram'), join(dir, 'miniprogram'), { recursive: true });
    writeFileSync(
      join(dir, 'miniprogram/components/chart/outside.ts'),
      "import { VITAL_STYLES } from '../../../core/charts';\nexport const styles = VITAL_STYLES;\n",
    );
    writeFileSync(join(dir, 'miniprogram/components/chart/missing.ts'), "import { nothing } from '../../lib/nothing';\nexport const x = nothing;\n");
    const { report } = await compile(['--project', dir]);
    expect(report.ok).toBe(false);
    expect(report.errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^require: components\/chart\/outside\.js: require\("\.\.\/\.\.\/\.\.\/core\/charts"\) leaves the mini program root$/),
        expect.stringMatching(/^require: components\/chart\/missing\.js: require\("\.\.\/\.\.\/lib\/nothing"\) matches no file of the package$/),
      ]),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 180_000);
