/**
 * Which headless Chromium the pictures and the browser tests use, so that `npm install` then
 * `npm test` needs nothing but Node (issue 18): on Linux the Chromium build that comes from the npm
 * registry in `@sparticuz/chromium` (a headless shell, brotli-compressed, with the NSS libraries it
 * needs for machines that lack them), unpacked once into the temp folder; elsewhere a Chrome or
 * Chromium that is installed. `CHROMIUM_PATH` always wins.
 *
 * CJK text does not depend on the machine's fonts either: pages load Noto Sans SC from
 * `@fontsource/noto-sans-sc` (see `cjkFontCss`).
 */
import { chmodSync, createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress } from 'node:zlib';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import { extract } from 'tar-fs';

export interface ChromiumChoice {
  executablePath: string;
  /** Where it came from, for messages. */
  source: 'CHROMIUM_PATH' | 'npm' | 'installed';
  /** Extra environment for the browser process only (never this process's). */
  env: Record<string, string>;
}

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

const INSTALLED = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

const LIB_DIRS = [
  '/lib/x86_64-linux-gnu',
  '/usr/lib/x86_64-linux-gnu',
  '/lib/aarch64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/usr/lib64',
  '/lib64',
  '/usr/lib',
];

/** Unpacks a brotli file (or a brotli'd tar when `tar` is set) into `target`. */
async function unbrotli(source: string, target: string, tar: boolean): Promise<void> {
  if (tar) await pipeline(createReadStream(source), createBrotliDecompress(), extract(target));
  else await pipeline(createReadStream(source), createBrotliDecompress(), createWriteStream(target));
}

/**
 * The npm Chromium, unpacked into `<tmp>/rpm-chromium-<version>/` (binary, SwiftShader beside it,
 * NSS libraries in `al2023/lib`). Unpacked into a private folder first and renamed into place, so
 * two processes starting at once (the preview and a browser test) never run a half-written file.
 */
async function npmChromium(): Promise<ChromiumChoice | undefined> {
  if (process.platform !== 'linux' || !['x64', 'arm64'].includes(process.arch)) return undefined;
  let bin: string;
  let version: string;
  try {
    const entry = createRequire(__filename).resolve('@sparticuz/chromium');
    const root = join(dirname(entry), '..', '..');
    bin = join(root, 'bin');
    version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return undefined;
  }
  const dir = join(tmpdir(), `rpm-chromium-${version}-${process.arch}`);
  const exe = join(dir, 'chromium');
  if (!existsSync(exe)) {
    const work = `${dir}.${process.pid}.${Date.now()}`;
    mkdirSync(join(work, 'al2023'), { recursive: true });
    try {
      await unbrotli(join(bin, 'chromium.br'), join(work, 'chromium'), false);
      chmodSync(join(work, 'chromium'), 0o755);
      await unbrotli(join(bin, 'swiftshader.tar.br'), work, true);
      await unbrotli(join(bin, 'al2023.tar.br'), join(work, 'al2023'), true);
      renameSync(work, dir);
    } catch (e) {
      rmSync(work, { recursive: true, force: true });
      // Another process won the race: its folder is complete (renamed only when done).
      if (!existsSync(exe)) throw e;
    }
  }
  // The machine's own NSS when it has one; the bundled copy (built for Amazon Linux 2023, glibc
  // 2.34) only where it is missing, as on a bare Node image.
  const hasNss = LIB_DIRS.some((d) => existsSync(join(d, 'libnss3.so')));
  const libs = [hasNss ? undefined : join(dir, 'al2023', 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  return { executablePath: exe, source: 'npm', env: { LD_LIBRARY_PATH: libs } };
}

/** The Chromium to launch, or an error saying how to provide one. */
export async function chooseChromium(env: NodeJS.ProcessEnv = process.env): Promise<ChromiumChoice> {
  if (env.CHROMIUM_PATH) return { executablePath: env.CHROMIUM_PATH, source: 'CHROMIUM_PATH', env: {} };
  const fromNpm = await npmChromium();
  if (fromNpm) return fromNpm;
  const installed = INSTALLED.find((p) => existsSync(p));
  if (installed) return { executablePath: installed, source: 'installed', env: {} };
  throw new Error(`no Chromium found: install Google Chrome or Chromium, or set CHROMIUM_PATH to its executable (looked in ${INSTALLED.join(', ')})`);
}

/** Launches headless Chromium as the pictures and the browser tests need it. */
export async function launchChromium(): Promise<Browser> {
  const choice = await chooseChromium();
  return chromium.launch({ executablePath: choice.executablePath, args: ARGS, env: { ...process.env, ...choice.env } as Record<string, string> });
}

/** Where pages find the npm font: a made-up origin that `serveCjkFont` answers from memory. */
const FONT_ORIGIN = 'https://fonts.preview.invalid';

/**
 * `@font-face` rules for Noto Sans SC (regular and bold) from the npm package. Each rule covers one
 * slice of Unicode (`unicode-range`), so a page fetches only the slices it shows; the files are
 * served by `serveCjkFont`, cached, so the browser decodes each slice once per run.
 */
export function cjkFontCss(): string {
  return ['400.css', '700.css']
    .map((f) => readFileSync(join(fontDir(), f), 'utf8'))
    .join('\n')
    .replace(/url\(\.\/files\//g, `url(${FONT_ORIGIN}/`)
    .replace(/font-display: swap/g, 'font-display: block');
}

function fontDir(): string {
  return dirname(createRequire(__filename).resolve('@fontsource/noto-sans-sc/400.css'));
}

/** Answers the font requests of every page of `context` from the package's files. */
export async function serveCjkFont(context: BrowserContext): Promise<void> {
  const files = join(fontDir(), 'files');
  await context.route(`${FONT_ORIGIN}/**`, (route) => {
    const name = basename(new URL(route.request().url()).pathname);
    const file = join(files, name);
    if (!existsSync(file)) return route.fulfill({ status: 404 });
    return route.fulfill({
      body: readFileSync(file),
      headers: {
        'content-type': name.endsWith('.woff2') ? 'font/woff2' : 'font/woff',
        'cache-control': 'public, max-age=31536000, immutable',
        'access-control-allow-origin': '*',
      },
    });
  });
}
