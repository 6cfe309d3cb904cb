/**
 * @jest-environment jsdom
 *
 * The `<chart>` component. miniprogram-simulate gives no canvas node (`fields({ node: true })` is
 * not supported), so (1) the rendered component is checked without a chart, and (2) the canvas
 * adapter runs the real echarts bundle of the mini program on a 2d context that records what is
 * drawn — a stand-in for the phone's canvas, not for the code under test.
 */
import * as path from 'node:path';
import type { ECharts } from '../../miniprogram/lib/echarts';
import type { SimNode, Simulate } from '../../preview/simulate-types';
import type * as Adapter from '../../miniprogram/components/chart/canvas-adapter';
import { historyChartOption, liveChartOption, type Point } from '../../core/charts';

// Typed locally (preview/simulate-types): the package's own typings clash with the mini program's.
// Loaded first, so `wx` exists when echarts loads, as on a phone (zrender then sees a mini program).
const simulate = require('miniprogram-simulate') as Simulate;
type Rendered = SimNode & { detach(): void };

const ROOT = path.resolve(__dirname, '../../miniprogram');
const COMPONENT = path.join(ROOT, 'components/chart/index');
const NOW = Date.UTC(2024, 4, 1, 8, 0, 0);

/** Renders the chart component attached to a jsdom parent. */
function render(id: string, props: Record<string, unknown>): Rendered {
  const comp = simulate.render(id, props) as Rendered;
  comp.attach((globalThis as unknown as { document: { createElement(tag: string): Element } }).document.createElement('parent-wrapper'));
  return comp;
}

function styleOf(el: SimNode | undefined): string {
  return el?.dom?.getAttribute('style') ?? '';
}

/** The modules the component uses, from the current registry (after miniprogram-simulate's `wx`). */
function load(): { lib: typeof import('../../miniprogram/lib/echarts'); adapter: typeof Adapter } {
  return { lib: require('../../miniprogram/lib/echarts'), adapter: require('../../miniprogram/components/chart/canvas-adapter') };
}

beforeEach(() => {
  jest.resetModules();
});
afterEach(() => {
  delete (globalThis as { getApp?: unknown }).getApp;
});

/** Makes `getApp()` answer with an app holding this chart host, as an app may. */
function provideChartHost(chartHost: unknown): void {
  (globalThis as unknown as { getApp: () => unknown }).getApp = () => ({ chartHost });
}

describe('chart component (rendered)', () => {
  test('renders a 2d canvas with the height in rpx and the placeholder while empty', () => {
    const id = simulate.load(COMPONENT, { rootPath: ROOT });
    const comp = render(id, { height: 300, placeholder: '暂无数据' });

    const canvas = comp.querySelector('#canvas');
    expect(canvas).toBeDefined();
    // (miniprogram-simulate writes rpx as px.)
    expect(styleOf(canvas)).toMatch(/height: 300r?px/);
    expect(comp.querySelector('.chart__placeholder')?.dom?.textContent).toBe('暂无数据');

    // Pages call the methods through selectComponent: without a canvas they just keep the option.
    const inst = comp.instance as unknown as { setOption(o: object, notMerge?: boolean): void; getChart(): unknown };
    inst.setOption(liveChartOption('heartRate', [[NOW - 1000, 72]], NOW, 60_000));
    expect(comp.querySelector('.chart__placeholder')).toBeUndefined();
    expect(inst.getChart()).toBeUndefined();
    comp.detach();
  });

  test('default height is 400 rpx; an option property hides the placeholder', () => {
    const id = simulate.load(COMPONENT, { rootPath: ROOT });
    const comp = render(id, { placeholder: '暂无数据', option: liveChartOption('spo2', [[NOW - 1000, 97]], NOW, 60_000) });
    expect(styleOf(comp.querySelector('#canvas'))).toMatch(/height: 400r?px/);
    expect(comp.querySelector('.chart__placeholder')).toBeUndefined();
    comp.detach();
  });
});

describe('chart component with a canvas (injected host)', () => {
  test('draws the option on ready, shows the tooltip on a tap, disposes on detach', async () => {
    const id = simulate.load(COMPONENT, { rootPath: ROOT });
    // The app gives the chart its platform, here a recording canvas.
    const c = recordingCanvas();
    const queried: string[] = [];
    provideChartHost({
      pixelRatio: () => 3,
      queryCanvas: (_component: unknown, selector: string, done: (r: unknown) => void) => {
        queried.push(selector);
        done({ node: c.node, width: 300, height: 180 });
      },
    });
    const points = heartRatePoints(60);
    const comp = render(id, { option: liveChartOption('heartRate', points, NOW, 60_000), placeholder: '暂无数据' });

    const inst = comp.instance as unknown as { getChart(): ECharts | undefined };
    const chart = inst.getChart();
    expect(queried).toEqual(['#canvas']);
    expect(chart).toBeDefined();
    expect([c.node.width, c.node.height]).toEqual([900, 540]);
    expect(c.count('lineTo')).toBeGreaterThan(50);

    // A tap on the canvas element goes through bindtouchstart/bindtouchend to zrender.
    const [x, y] = chart!.convertToPixel({ seriesIndex: 0 }, points[52]) as number[];
    c.calls.length = 0;
    const canvas = comp.querySelector('#canvas')!;
    canvas.dispatchEvent('touchstart', { touches: [{ x, y }], changedTouches: [{ x, y }] });
    canvas.dispatchEvent('touchend', { touches: [], changedTouches: [{ x, y }] });
    // (The simulator dispatches touches asynchronously.)
    await new Promise((r) => setTimeout(r, 0));
    chart!.getZr().refreshImmediately();
    expect(c.texts()).toContain('72 次/分');

    comp.detach();
    expect(chart!.isDisposed()).toBe(true);
  });
});

// ---- The adapter with real echarts -----------------------------------------------------------

const CTX_METHODS = [
  'save',
  'restore',
  'scale',
  'rotate',
  'translate',
  'transform',
  'setTransform',
  'resetTransform',
  'clearRect',
  'fillRect',
  'strokeRect',
  'beginPath',
  'closePath',
  'moveTo',
  'lineTo',
  'bezierCurveTo',
  'quadraticCurveTo',
  'arc',
  'arcTo',
  'ellipse',
  'rect',
  'fill',
  'stroke',
  'clip',
  'fillText',
  'strokeText',
  'drawImage',
  'setLineDash',
  'putImageData',
] as const;

interface Call {
  name: string;
  args: unknown[];
}

/** A 2d context that records calls (and a canvas node holding it): the phone's canvas in Node. */
function recordingCanvas() {
  const calls: Call[] = [];
  const ctx: Record<string, unknown> = {
    font: '12px sans-serif',
    measureText: (text: string) => ({ width: text.length * 7 }),
    getLineDash: () => [],
    createLinearGradient: () => ({ addColorStop() {} }),
    createRadialGradient: () => ({ addColorStop() {} }),
    createPattern: () => null,
  };
  for (const name of CTX_METHODS) ctx[name] = (...args: unknown[]) => void calls.push({ name, args });
  const node = { width: 300, height: 150, getContext: (type: string) => (type === '2d' ? ctx : null) };
  const count = (name: string) => calls.filter((c) => c.name === name).length;
  const texts = () => calls.filter((c) => c.name === 'fillText').map((c) => String(c.args[0]));
  return { calls, ctx, node, count, texts };
}

function heartRatePoints(n: number): Point[] {
  return Array.from({ length: n }, (_, i) => [NOW - (n - i) * 1000, 70 + (i % 5)] as Point);
}

describe('canvas adapter + echarts', () => {
  let chart: ECharts | undefined;
  afterEach(() => {
    chart?.dispose();
    chart = undefined;
  });

  test('sizes the canvas by the pixel ratio and draws a live chart', () => {
    const { lib, adapter } = load();
    const c = recordingCanvas();
    const started = adapter.startChart(lib, c.node, { width: 320, height: 200 }, 2);
    chart = started.chart;
    expect([c.node.width, c.node.height]).toEqual([640, 400]);
    expect(started.adapter.getChart()).toBe(chart);

    chart.setOption(liveChartOption('heartRate', heartRatePoints(60), NOW, 120_000), { notMerge: true });
    expect(c.count('lineTo')).toBeGreaterThan(50);
    expect(c.count('stroke')).toBeGreaterThan(0);
    // The value axis labels of the heart-rate frame are drawn.
    expect(c.texts()).toEqual(expect.arrayContaining(['60', '80', '100', '120']));
  });

  test('a tap shows the tooltip with the value under the finger', () => {
    const { lib, adapter } = load();
    const c = recordingCanvas();
    chart = adapter.startChart(lib, c.node, { width: 320, height: 200 }, 2).chart;
    chart.setOption(liveChartOption('heartRate', heartRatePoints(60), NOW, 60_000), { notMerge: true });
    const tips: Array<{ dataIndex?: number }> = [];
    chart.on('showTip', (e) => void tips.push(e as { dataIndex?: number }));
    c.calls.length = 0;

    // Tap on point 55 (where the chart draws it).
    const points = heartRatePoints(60);
    const [x, y] = chart.convertToPixel({ seriesIndex: 0 }, points[55]) as number[];
    adapter.forwardTouch(chart, 'start', { touches: [{ x, y }] });
    adapter.forwardTouch(chart, 'end', { touches: [], changedTouches: [{ x, y }] });
    chart.getZr().refreshImmediately();

    expect(tips.length).toBeGreaterThan(0);
    expect(tips[tips.length - 1].dataIndex).toBe(55);
    // Point 55 is 70 + 55 % 5 = 70; the core formatter adds the unit.
    expect(c.texts()).toContain('70 次/分');
    expect(c.texts()).toContain('心率');
  });

  test('history buckets draw a band and an average line', () => {
    const { lib, adapter } = load();
    const c = recordingCanvas();
    chart = adapter.startChart(lib, c.node, { width: 320, height: 200 }, 1).chart;
    const buckets = Array.from({ length: 20 }, (_, i) => ({ t: NOW + i * 60_000, n: 60, spo2: { min: 94, avg: 96, max: 98, n: 60 } }));
    chart.setOption(historyChartOption('spo2', { deviceId: 'd1', from: NOW, to: NOW + 20 * 60_000, kind: 'buckets', widthMs: 60_000, buckets }), {
      notMerge: true,
    });
    expect(c.count('fill')).toBeGreaterThan(0);
    expect(c.count('lineTo')).toBeGreaterThan(30);
  });
});

describe('canvas adapter (pure parts)', () => {
  test('touches become zrender events; a lift is mouseup + click at the lifted point', () => {
    const { adapter } = load();
    const names = (phase: Adapter.TouchPhase, e: Adapter.TouchLike) => adapter.zrEventsFor(phase, e).map(([n, ev]) => `${n}@${ev.zrX},${ev.zrY}`);
    expect(names('start', { touches: [{ x: 10, y: 20 }] })).toEqual(['mousedown@10,20', 'mousemove@10,20']);
    expect(names('move', { touches: [{ x: 11, y: 21 }] })).toEqual(['mousemove@11,21']);
    expect(names('end', { touches: [], changedTouches: [{ x: 12, y: 22 }] })).toEqual(['mouseup@12,22', 'click@12,22']);
    expect(names('start', { touches: [{ clientX: 5, clientY: 6 }] })).toEqual(['mousedown@5,6', 'mousemove@5,6']);
    expect(names('end', { touches: [], changedTouches: [] })).toEqual([]);
  });

  test('pixel ratio from getWindowInfo, else getSystemInfoSync, else 1', () => {
    const { adapter } = load();
    expect(adapter.pixelRatioOf({ getWindowInfo: () => ({ pixelRatio: 3 }), getSystemInfoSync: () => ({ pixelRatio: 2 }) })).toBe(3);
    expect(adapter.pixelRatioOf({ getSystemInfoSync: () => ({ pixelRatio: 2 }) })).toBe(2);
    expect(
      adapter.pixelRatioOf({
        getSystemInfoSync: () => {
          throw new Error('no');
        },
      }),
    ).toBe(1);
  });

  test('the adapter is the "dom" zrender expects', () => {
    const { adapter } = load();
    const c = recordingCanvas();
    const a = new adapter.CanvasAdapter(c.node);
    expect(a.getContext('2d')).toBe(c.ctx);
    expect(a.getContext('webgl')).toBeNull();
    a.width = 100;
    expect(c.node.width).toBe(100);
    for (const m of ['addEventListener', 'removeEventListener', 'attachEvent', 'detachEvent'] as const) expect(() => a[m]()).not.toThrow();
  });

  test('text is measured on a live canvas, and estimated when none is left', () => {
    const { lib, adapter } = load();
    const c = recordingCanvas();
    const { chart: ch, adapter: a } = adapter.startChart(lib, c.node, { width: 100, height: 100 }, 1);
    expect(adapter.measureText('abc', '10px sans-serif').width).toBe(21);
    adapter.stopChart(ch, a);
    expect(adapter.measureText('abc', '10px sans-serif').width).toBeCloseTo(16.5);
    expect(adapter.measureText('心率', '10px sans-serif').width).toBe(20);
  });

  test('an option is empty when no series has a point', () => {
    const { adapter } = load();
    expect(adapter.isEmptyOption({ series: [{ data: [[1, 60]] }, { data: [] }] })).toBe(false);
    expect(adapter.isEmptyOption({ series: [{ data: [] }] })).toBe(true);
    expect(adapter.isEmptyOption(null)).toBe(true);
  });
});
