/**
 * Loading pages and components of the mini program into miniprogram-simulate, the way WeChat
 * would: the page gets its services from the app instance (`getApp()`), here an app with the
 * services the test built. The chart is replaced by a recorder because the simulator cannot give
 * a canvas node (the chart component has its own tests).
 *
 * Tests run in Jest's node environment, with a jsdom document installed only for the simulator:
 * the real stack and the devices' mqtt.js run in the same process and must see Node, not a
 * browser (mqtt.js decides at import; aedes needs Node's timers).
 */
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import type { ChartOption } from '../../../miniprogram/lib/core';
import type { Services } from '../../../miniprogram/services/index';

export const MINIPROGRAM_ROOT = join(__dirname, '..', '..', '..', 'miniprogram');

import type { SimNode, Simulate } from '../../../preview/simulate-types';

export type Rendered = SimNode;

const DOM_GLOBALS = ['window', 'document', 'Node', 'HTMLElement', 'Element', 'Event', 'CustomEvent', 'getComputedStyle', 'MutationObserver'];

/** A fresh document and simulator (modules reset: the simulator cannot load a path twice). */
function simulator(): Simulate {
  jest.resetModules();
  const dom = new JSDOM('<!doctype html><html><head></head><body></body></html>');
  const g = globalThis as unknown as Record<string, unknown>;
  for (const k of DOM_GLOBALS) g[k] = (dom.window as unknown as Record<string, unknown>)[k];
  return require('miniprogram-simulate') as Simulate; // eslint-disable-line @typescript-eslint/no-require-imports
}

export interface ChartRecorder {
  /** Options drawn, by the chart element's id. */
  byId: Map<string, ChartOption[]>;
  last(id: string): ChartOption | undefined;
}

function chartRecorder(simulate: Simulate): { id: string; recorder: ChartRecorder } {
  const byId = new Map<string, ChartOption[]>();
  const id = simulate.load({
    template: '<view class="chart-stub" style="height: {{height}}rpx">{{placeholder}}</view>',
    properties: { height: { type: Number, value: 400 }, placeholder: { type: String, value: '' } },
    methods: {
      setOption(this: { id: string }, option: ChartOption) {
        const list = byId.get(this.id) ?? [];
        list.push(option);
        byId.set(this.id, list);
      },
    },
  });
  return { id, recorder: { byId, last: (cid) => byId.get(cid)?.at(-1) } };
}

/** Makes `getApp()` answer with an app holding these services, as `app.ts` does in WeChat. */
export function provideApp(services: Services): void {
  (globalThis as unknown as { getApp: () => unknown }).getApp = () => ({ services });
}

/** Renders a page, then runs its `onLoad(query)` and `onShow()` as the framework does on open. */
export function openPage(name: string, services: Services, query: Record<string, string> = {}) {
  provideApp(services);
  const simulate = simulator();
  const chart = chartRecorder(simulate);
  const id = simulate.load(join(MINIPROGRAM_ROOT, 'pages', name, 'index'), { rootPath: MINIPROGRAM_ROOT, usingComponents: { chart: chart.id } } );
  const page = simulate.render(id);
  page.attach((globalThis as unknown as { document: Document }).document.createElement('parent-wrapper'));
  const inst = page.instance as unknown as { onLoad?: (q: Record<string, string>) => void; onShow?: () => void; onHide?: () => void; onUnload?: () => void };
  inst.onLoad?.(query);
  inst.onShow?.();
  return { page, charts: chart.recorder, inst };
}

/** Renders a component with properties. */
export function renderComponent(path: string, props: Record<string, unknown> = {}) {
  const simulate = simulator();
  const id = simulate.load(join(MINIPROGRAM_ROOT, path), { rootPath: MINIPROGRAM_ROOT });
  const comp = simulate.render(id, props);
  comp.attach((globalThis as unknown as { document: Document }).document.createElement('parent-wrapper'));
  return comp;
}

/** The text of the first element matching the selector, whitespace collapsed. */
export function textOf(root: Rendered, selector: string): string {
  const el = root.querySelector(selector);
  return (el?.dom?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

export function allText(root: Rendered): string {
  return (root.dom?.textContent ?? '').replace(/\s+/g, ' ').trim();
}
