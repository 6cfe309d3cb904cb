/**
 * One picture's HTML: a page or component rendered by miniprogram-simulate from fixture services,
 * its charts drawn as SVG by echarts' server-side renderer from the very options the page gave
 * its chart component (the canvas itself cannot draw in jsdom), plus base rules for the
 * simulator's `wx-*` elements so the browser lays them out like WeChat.
 */
import { join } from 'node:path';
import { cjkFontCss } from './browser';
import { chartSvg } from './chart-svg';
import { recordCharts } from './chart-stub';
import type { Services } from '../miniprogram/services/index';
import { appStyles, freshSimulator } from './simulate-host';

export interface Scene {
  /** File name of the picture (no extension). */
  name: string;
  /** `pages/monitor` or `components/vital-tile`. */
  path: string;
  /** For pages: the services the app holds. */
  services?: Services;
  query?: Record<string, string>;
  /** For components: properties. */
  props?: Record<string, unknown>;
  /** Drives the page after it opened (taps, incoming messages). */
  act?: (page: PageHandle) => Promise<void> | void;
  /** Width of a component's box (px); pages are 750 wide. */
  width?: number;
  /** The system's colour scheme (dark mode follows it). Default light. */
  colorScheme?: 'light' | 'dark';
}

export interface PageHandle {
  instance: Record<string, (...args: never[]) => unknown> & { data: Record<string, unknown> };
  querySelector(selector: string): { dispatchEvent(name: string, detail?: unknown): void; instance?: unknown } | undefined;
}

/** Chart width in the pictures: 750 − page padding 2×24 − card padding 2×28. */
const CHART_WIDTH = 646;

/** Rules WeChat's own renderer provides and the simulator's elements lack (`button`: WeChat's "v2" look at 750 px). */
export const BASE_CSS = `
html, body { margin: 0; padding: 0; background: #f5f6f8; }
body {
  width: 750px; font-family: "Noto Sans SC", "Noto Sans CJK SC", "PingFang SC", sans-serif; font-size: 28px; color: #262626;
  -webkit-font-smoothing: antialiased;
}
wx-view, wx-scroll-view, wx-picker, wx-form, wx-block, wx-textarea, wx-input { display: block; }
wx-text { display: inline; }
wx-image { display: inline-block; }
wx-input, wx-textarea { min-height: 1.4em; }
wx-input { display: flex; align-items: center; }
wx-input::before, wx-textarea::before { content: attr(data-preview-value); color: #262626; }
wx-input[data-preview-value=""]::before, wx-textarea[data-preview-value=""]::before, wx-input:not([data-preview-value])::before {
  content: attr(data-preview-placeholder); color: #bfbfbf;
}
wx-button {
  position: relative; display: block; box-sizing: border-box; width: 368px; margin-left: auto; margin-right: auto; padding: 16px 48px;
  font-size: 34px; font-weight: 700; line-height: 1.41176471; text-align: center; border-radius: 8px; overflow: hidden;
  color: #000; background-color: #f2f2f2;
}
wx-button::after {
  content: ""; position: absolute; top: 0; left: 0; width: 200%; height: 200%; box-sizing: border-box;
  border: 1px solid rgba(0, 0, 0, .2); border-radius: 16px; transform: scale(.5); transform-origin: 0 0;
}
wx-image > img.preview-image { display: block; width: 100%; height: 100%; object-fit: cover; }
wx-switch { display: inline-block; width: 52px; height: 32px; border-radius: 16px; background: #e5e5e5; position: relative; }
wx-switch::after {
  content: ""; position: absolute; top: 2px; left: 2px; width: 28px; height: 28px; border-radius: 50%; background: #fff;
  box-shadow: 0 1px 3px rgba(0,0,0,.3);
}
wx-switch[data-preview-checked="true"] { background: #1677ff; }
wx-switch[data-preview-checked="true"]::after { left: 22px; }
.preview-root { padding: 0; }
.preview-page { min-height: 100vh; }
.preview-component { padding: 24px; box-sizing: content-box; }
/* The placeholder as components/chart draws it (.chart__placeholder): #595959 on white (7:1), 28rpx. */
.chart-stub {
  width: 100%; display: flex; align-items: center; justify-content: center; color: #595959; font-size: calc(28px * var(--fs, 1));
  background: #fff;
}
`;

const settle = async (rounds = 20) => {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
};

export async function renderScene(scene: Scene, root: string): Promise<string> {
  const { simulate, document, mount } = freshSimulator(root);
  const charts = recordCharts(simulate);
  const isPage = /^(pages|family)\//.test(scene.path);
  if (scene.services) (globalThis as Record<string, unknown>).getApp = () => ({ services: scene.services });
  const id = simulate.load(join(root, scene.path, 'index'), { rootPath: root, usingComponents: { chart: charts.id } });
  const comp = simulate.render(id, scene.props ?? {});
  const box = mount();
  box.classList.add(isPage ? 'preview-page' : 'preview-component');
  if (scene.width) box.style.width = `${scene.width}px`;
  comp.attach(box);
  const inst = comp.instance as unknown as PageHandle['instance'];
  if (isPage) {
    (inst.onLoad as ((q: Record<string, string>) => void) | undefined)?.(scene.query ?? {});
    (inst.onShow as (() => void) | undefined)?.();
  }
  await settle();
  if (scene.act) {
    await scene.act({ instance: inst, querySelector: (s) => comp.querySelector(s) ?? undefined });
    await settle();
  }
  for (const el of Array.from(document.querySelectorAll('wx-image[data-preview-src]'))) {
    const src = el.getAttribute('data-preview-src');
    if (!src || el.querySelector('img')) continue;
    const img = document.createElement('img');
    img.className = 'preview-image';
    img.setAttribute('src', src);
    el.appendChild(img);
  }
  for (const el of Array.from(document.querySelectorAll('.chart-stub'))) {
    const key = el.getAttribute('data-key');
    const option = key ? charts.byKey.get(key) : undefined;
    if (!option || el.textContent?.trim()) continue;
    // The option's sizes are CSS px of a 375-px-wide phone; the picture is at 750 rpx, so ×2.
    const height = parseFloat((el as HTMLElement).style.height) || 400;
    el.innerHTML = chartSvg(option, CHART_WIDTH / 2, height / 2).replace(/<svg width="[\d.]+" height="[\d.]+"/, '<svg width="100%" height="100%"');
  }
  const style = document.createElement('style');
  style.textContent = cjkFontCss() + BASE_CSS + (isPage ? appStyles(root) : '');
  document.head.prepend(style);
  return `<!doctype html>${document.documentElement.outerHTML}`;
}
