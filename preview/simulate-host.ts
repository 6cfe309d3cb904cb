/**
 * Runs miniprogram-simulate outside jest, on a copy of the mini program made for pictures:
 * - The simulator renders built-in tags (`input`, `switch`, `image` …) as bare `wx-*` elements
 *   without their values, so the copy's WXML also passes those values as `data-preview-*`
 *   attributes, which the pictures' CSS (or, for images, an `<img>` the renderer adds) shows. The
 *   product's WXML is not touched.
 * - `.ts` sources are resolved before same-named `.json` files (simulate `require`s `…/index`;
 *   Node would pick `index.json`).
 * - Each picture gets a fresh jsdom document and a fresh simulator (it cannot load a path twice).
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { JSDOM } from 'jsdom';

export const MINIPROGRAM_ROOT = resolve(__dirname, '..', 'miniprogram');

type Resolver = (request: string, ...rest: unknown[]) => string;
const M = Module as unknown as { _resolveFilename: Resolver };

/** Copies an attribute of built-in form tags and images into `data-preview-<name>` (rendered by the simulator). */
export function annotateBuiltins(wxml: string): string {
  return wxml.replace(/<(input|textarea|switch|image)\b([^>]*?)(\/?)>/g, (_all, tag: string, attrs: string, selfClose: string) => {
    const extra: string[] = [];
    for (const name of ['value', 'placeholder', 'checked', 'src']) {
      const m = new RegExp(`\\s${name}="([^"]*)"`).exec(attrs);
      if (m) extra.push(`data-preview-${name}="${m[1]}"`);
    }
    return `<${tag}${attrs} ${extra.join(' ')}${selfClose}>`;
  });
}

function annotateTree(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) annotateTree(p);
    else if (entry.name.endsWith('.wxml')) writeFileSync(p, annotateBuiltins(readFileSync(p, 'utf8')));
  }
}

export interface PreviewCopy {
  root: string;
  /** Removes the copy and restores module resolution. */
  dispose(): void;
}

/** The annotated copy of `miniprogram/`, with `.ts`-first resolution for its `…/index` requests. */
export function prepareCopy(): PreviewCopy {
  const base = mkdtempSync(join(tmpdir(), 'rpm-preview-'));
  const root = join(base, 'miniprogram');
  cpSync(MINIPROGRAM_ROOT, root, { recursive: true });
  annotateTree(root);
  const original = M._resolveFilename;
  M._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
    const r = request.startsWith(root) && request.endsWith('/index') ? `${request}.ts` : request;
    return original.call(this, r, ...rest);
  };
  return {
    root,
    dispose() {
      M._resolveFilename = original;
      rmSync(base, { recursive: true, force: true });
    },
  };
}

const GLOBALS = [
  'window',
  'document',
  'Node',
  'HTMLElement',
  'Element',
  'Event',
  'CustomEvent',
  'getComputedStyle',
  'MutationObserver',
  'requestAnimationFrame',
  'cancelAnimationFrame',
];

export type { Simulate } from './simulate-types';
import type { Simulate } from './simulate-types';

/** A new jsdom document, installed as the globals miniprogram-simulate uses. */
export function installDom(): Document {
  const dom = new JSDOM('<!doctype html><html><head><meta charset="utf-8"></head><body></body></html>', { pretendToBeVisual: true });
  const g = globalThis as Record<string, unknown>;
  for (const k of GLOBALS) g[k] = (dom.window as unknown as Record<string, unknown>)[k];
  return dom.window.document;
}

/** A new document and a new simulator (modules of the simulator and of the copy reloaded). */
export function freshSimulator(root: string): { simulate: Simulate; document: Document; mount(): HTMLElement } {
  const document = installDom();
  // `Module._cache` is `require.cache` (the mini program typings, loaded by the type check too, redeclare `require`).
  const cache = (Module as unknown as { _cache: Record<string, unknown> })._cache;
  for (const key of Object.keys(cache)) {
    if (
      /node_modules[\\/](miniprogram-simulate|j-component)[\\/]/.test(key) ||
      key.startsWith(join(root, 'pages')) ||
      key.startsWith(join(root, 'components'))
    ) {
      delete cache[key];
    }
  }
  // Loaded here, not at import: each picture needs its own simulator state.
  const simulate = require('miniprogram-simulate') as Simulate;
  return {
    simulate,
    document,
    mount() {
      const el = document.createElement('div');
      el.className = 'preview-root';
      document.body.appendChild(el);
      return el;
    },
  };
}

/** The app's shared styles (`app.wxss`) as the simulator would scope them for a page. */
export function appStyles(root: string): string {
  const wxss = require('miniprogram-simulate/src/wxss') as { getContent(p: string): string; compile(s: string, o: { prefix: string }): string };
  const css = wxss.compile(wxss.getContent(join(root, 'app.wxss')), { prefix: 'main' });
  return css.replace(/(\d+(?:\.\d+)?)rpx/g, '$1px').replace(/(^|[{},])page(?=[{,\s.:])/g, '$1.preview-page');
}
