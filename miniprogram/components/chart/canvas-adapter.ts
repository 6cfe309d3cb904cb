/**
 * echarts on a mini program `<canvas type="2d">`, without the wx API: the stand-in "dom" that
 * echarts/zrender draws into, touch forwarding, text measuring and live appends. Everything here
 * is pure (the component passes in the canvas node, its size, the pixel ratio and echarts), so the
 * tests run it with real echarts on a recording 2d context.
 *
 * How zrender takes the adapter: an object without `nodeName` is a "single canvas" — zrender
 * sets its `width`/`height` to the CSS size × devicePixelRatio, draws with `getContext('2d')`, and
 * asks it for DOM event listeners (there are none in a mini program: touches come through the
 * component's `bindtouch*` handlers and `forwardTouch`).
 */
import type * as EchartsLib from '../../lib/echarts';
import { estimateTextWidth } from '../../lib/core';

/** The part of a 2d context zrender uses outside drawing (text measuring). */
export interface MeasureContext {
  font: string;
  measureText(text: string): { width: number };
}

/** The part of a canvas node (`SelectorQuery … fields({ node: true })`) the adapter uses. */
export interface CanvasNode {
  width: number;
  height: number;
  getContext(type: '2d'): unknown;
}

/** The chart as this file sees it: zrender's event handler. */
export interface ZrChart {
  getZr(): { handler: { dispatch(name: string, event: ZrEvent): void } };
}

export interface ZrEvent {
  zrX: number;
  zrY: number;
  preventDefault(): void;
  stopImmediatePropagation(): void;
  stopPropagation(): void;
}

/** The "dom" handed to `echarts.init`. */
export class CanvasAdapter {
  private chart: ZrChart | undefined;
  private readonly ctx: unknown;

  constructor(private readonly node: CanvasNode) {
    this.ctx = node.getContext('2d');
  }

  getContext(type: string): unknown {
    return type === '2d' ? this.ctx : null;
  }

  get width(): number {
    return this.node.width;
  }

  set width(w: number) {
    this.node.width = w;
  }

  get height(): number {
    return this.node.height;
  }

  set height(h: number) {
    this.node.height = h;
  }

  /** Browser event hooks zrender and echarts may call: a mini program has none. */
  addEventListener(): void {}
  removeEventListener(): void {}
  attachEvent(): void {}
  detachEvent(): void {}

  setChart(chart: ZrChart): void {
    this.chart = chart;
  }

  getChart(): ZrChart | undefined {
    return this.chart;
  }
}

// ---- Text measuring --------------------------------------------------------------------------

const DEFAULT_FONT = '12px sans-serif';

/**
 * Contexts of the charts alive now: zrender measures text through one global function, so it uses
 * the newest live canvas and, with none left, an estimate from the font size.
 */
const liveContexts: MeasureContext[] = [];

export function measureText(text: string, font?: string): { width: number } {
  const ctx = liveContexts[liveContexts.length - 1];
  if (ctx) {
    ctx.font = font || DEFAULT_FONT;
    return { width: ctx.measureText(text).width };
  }
  return { width: estimateTextWidth(text, font || DEFAULT_FONT) };
}

function isMeasureContext(ctx: unknown): ctx is MeasureContext {
  return typeof ctx === 'object' && ctx !== null && typeof (ctx as MeasureContext).measureText === 'function';
}

// ---- Starting a chart ------------------------------------------------------------------------

export type ChartLib = Pick<typeof EchartsLib, 'init' | 'useChartParts' | 'setPlatformAPI'>;
export type Chart = EchartsLib.ECharts;

export interface ChartSize {
  /** CSS pixels (what `fields({ size: true })` reports). */
  width: number;
  height: number;
}

/** Creates the chart on a canvas node; `stopChart` disposes it. */
export function startChart(lib: ChartLib, node: CanvasNode, size: ChartSize, devicePixelRatio: number): { chart: Chart; adapter: CanvasAdapter } {
  const adapter = new CanvasAdapter(node);
  const ctx = adapter.getContext('2d');
  if (isMeasureContext(ctx)) liveContexts.push(ctx);
  lib.useChartParts();
  lib.setPlatformAPI({ measureText });
  // echarts types `init`'s first argument as an HTMLElement; zrender only needs the canvas API.
  const chart = lib.init(adapter as unknown as Parameters<ChartLib['init']>[0], undefined, {
    width: size.width,
    height: size.height,
    devicePixelRatio,
  });
  adapter.setChart(chart);
  return { chart, adapter };
}

export function stopChart(chart: Chart, adapter: CanvasAdapter): void {
  const ctx = adapter.getContext('2d');
  const i = liveContexts.indexOf(ctx as MeasureContext);
  if (i >= 0) liveContexts.splice(i, 1);
  chart.dispose();
}

/** `wx.getWindowInfo().pixelRatio`, falling back to `getSystemInfoSync()` on old base libraries. */
export function pixelRatioOf(sys: { getWindowInfo?: () => { pixelRatio: number }; getSystemInfoSync: () => { pixelRatio: number } }): number {
  try {
    const r = typeof sys.getWindowInfo === 'function' ? sys.getWindowInfo().pixelRatio : sys.getSystemInfoSync().pixelRatio;
    return r > 0 ? r : 1;
  } catch {
    return 1;
  }
}

// ---- Touches ---------------------------------------------------------------------------------

export type TouchPhase = 'start' | 'move' | 'end';

/** A touch on a canvas carries canvas-relative `x`/`y`; other events carry client coordinates. */
export interface TouchPoint {
  x?: number;
  y?: number;
  clientX?: number;
  clientY?: number;
}

export interface TouchLike {
  touches?: readonly TouchPoint[];
  changedTouches?: readonly TouchPoint[];
}

const ZR_EVENTS: Record<TouchPhase, readonly string[]> = {
  start: ['mousedown', 'mousemove'],
  move: ['mousemove'],
  // A lift is also a click: that is what opens the tooltip on a tap.
  end: ['mouseup', 'click'],
};

function noop(): void {}

/** The zrender events for one touch event (none if it has no usable point). */
export function zrEventsFor(phase: TouchPhase, e: TouchLike): Array<[string, ZrEvent]> {
  // `touchend` has no `touches` left: the lifted finger is in `changedTouches`.
  const t = (phase === 'end' ? e.changedTouches?.[0] : e.touches?.[0]) ?? e.touches?.[0] ?? e.changedTouches?.[0];
  if (!t) return [];
  const zrX = t.x ?? t.clientX;
  const zrY = t.y ?? t.clientY;
  if (typeof zrX !== 'number' || typeof zrY !== 'number') return [];
  return ZR_EVENTS[phase].map((name) => [name, { zrX, zrY, preventDefault: noop, stopImmediatePropagation: noop, stopPropagation: noop }]);
}

export function forwardTouch(chart: ZrChart, phase: TouchPhase, e: TouchLike): void {
  const handler = chart.getZr().handler;
  for (const [name, event] of zrEventsFor(phase, e)) handler.dispatch(name, event);
}

// ---- Options ----------------------------------------------------------------------------

/** A chart option as the core builders make it (structural, like core's `ChartOption`). */
export type Option = Record<string, unknown>;

function seriesList(option: Option): Option[] {
  const s = option.series;
  return Array.isArray(s) ? (s as Option[]) : s && typeof s === 'object' ? [s as Option] : [];
}

/** True when no series has a point to draw. */
export function isEmptyOption(option: Option | null | undefined): boolean {
  if (!option) return true;
  return !seriesList(option).some((s) => Array.isArray(s.data) && s.data.length > 0);
}
