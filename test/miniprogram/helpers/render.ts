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
import type { Services } from '../../../miniprogram/services/index';

export const MINIPROGRAM_ROOT = join(__dirname, '..', '..', '..', 'miniprogram');

import { recordCharts } from '../../../preview/chart-stub';
import { installDom } from '../../../preview/simulate-host';
import type { SimNode, Simulate } from '../../../preview/simulate-types';

export type Rendered = SimNode;

/** A fresh document and simulator (modules reset: the simulator cannot load a path twice). */
function simulator(): Simulate {
  jest.resetModules();
  installDom();
  return require('miniprogram-simulate') as Simulate;
}

/** Makes `getApp()` answer with an app holding these services, as `app.ts` does in WeChat. */
export function provideApp(services: Services): void {
  (globalThis as unknown as { getApp: () => unknown }).getApp = () => ({ services });
}

/** Renders a page, then runs its `onLoad(query)` and `onShow()` as the framework does on open. */
/** Pages outside the tab bar live in the `family` subpackage (app.json `subPackages`). */
const SUBPACKAGE_PAGES: Record<string, string> = { patient: 'family', alerts: 'family', 'alert-settings': 'family' };

export function openPage(name: string, services: Services, query: Record<string, string> = {}) {
  provideApp(services);
  const simulate = simulator();
  const charts = recordCharts(simulate);
  const id = simulate.load(join(MINIPROGRAM_ROOT, SUBPACKAGE_PAGES[name] ?? 'pages', name, 'index'), {
    rootPath: MINIPROGRAM_ROOT,
    usingComponents: { chart: charts.id },
  });
  const page = simulate.render(id);
  page.attach((globalThis as unknown as { document: Document }).document.createElement('parent-wrapper'));
  const inst = page.instance as unknown as { onLoad?: (q: Record<string, string>) => void; onShow?: () => void; onHide?: () => void; onUnload?: () => void };
  inst.onLoad?.(query);
  inst.onShow?.();
  return { page, charts, inst };
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
