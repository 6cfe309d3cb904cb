/**
 * `<chart>`: one echarts chart on a `<canvas type="2d">`.
 *
 * - `option`: a chart option from the core builders (`liveChartOption`, `historyChartOption`);
 *   each new value replaces the chart (`setOption(option, { notMerge: true })`).
 * - `height`: in rpx (default 400); the width fills the parent.
 * - `placeholder`: shown while the option has no points.
 *
 * Pages should prefer the methods: they take the component with `this.selectComponent('#chart')`
 * and call `setOption(option, notMerge?)` with an option from the core builders.
 * That avoids pushing a growing option through `setData` every second, and keeps the option's
 * functions (the core builders' tooltip formatters), which data passed through a property loses
 * on the phone because `setData` copies data as JSON.
 *
 * Tapping the chart shows the values under the finger (touches are forwarded to zrender).
 *
 * The canvas is a native component drawn above ordinary views: anything laid over it (like the
 * placeholder) must be a `cover-view`, and a page should not put popups over a chart without one.
 */
import { defineComponent, instanceFields } from '../../common/component';
import { init, setPlatformAPI, useChartParts } from '../../lib/echarts';
import type { ChartOption } from '../../lib/core';
import {
  type CanvasAdapter,
  type CanvasNode,
  type Chart,
  forwardTouch,
  isEmptyOption,
  pixelRatioOf,
  startChart,
  stopChart,
  type TouchLike,
  type TouchPhase,
} from './canvas-adapter';

/** What the component needs from the platform (the real one is `wx` and the selector query). */
export interface ChartHost {
  pixelRatio(): number;
  /** The canvas node and its CSS size, or `null` where there is none (tests, old base library). */
  queryCanvas(
    component: WechatMiniprogram.Component.TrivialInstance,
    selector: string,
    done: (canvas: { node: CanvasNode; width: number; height: number } | null) => void,
  ): void;
}

export const wxChartHost: ChartHost = {
  pixelRatio: () => pixelRatioOf(wx),
  queryCanvas(component, selector, done) {
    component
      .createSelectorQuery()
      .select(selector)
      .fields({ node: true, size: true })
      .exec((res: Array<{ node?: CanvasNode; width?: number; height?: number } | null>) => {
        const r = res?.[0];
        done(r?.node && r.width && r.height ? { node: r.node, width: r.width, height: r.height } : null);
      });
  },
};

/**
 * The platform for a chart: the app's `chartHost` when it has one (tests give a canvas this way,
 * as miniprogram-simulate has none), else `wx`.
 */
function hostOf(): ChartHost {
  const app = typeof getApp === 'function' ? getApp<{ chartHost?: ChartHost }>({ allowDefault: true }) : undefined;
  return app?.chartHost ?? wxChartHost;
}

interface ChartState {
  chart?: Chart;
  adapter?: CanvasAdapter;
  /** The full option shown (or to show once the canvas is ready). */
  option?: ChartOption;
  disposed?: boolean;
}

/** Per-instance state, kept off `data`: the chart must never go through `setData`. */
const stateOf = (component: object): ChartState => instanceFields<ChartState>(component, () => ({}));

defineComponent({
  properties: {
    option: { type: Object, value: null as ChartOption | null },
    height: { type: Number, value: 400 },
    placeholder: { type: String, value: '' },
  },

  data: {
    empty: true,
  },

  observers: {
    option(option: ChartOption | null) {
      if (option) this.setOption(option, true);
    },
  },

  lifetimes: {
    ready() {
      const state = stateOf(this);
      const platform = hostOf();
      platform.queryCanvas(this, '#canvas', (canvas) => {
        if (!canvas || state.disposed || state.chart) return;
        const { chart, adapter } = startChart({ init, setPlatformAPI, useChartParts }, canvas.node, canvas, platform.pixelRatio());
        state.chart = chart;
        state.adapter = adapter;
        if (state.option) chart.setOption(state.option, { notMerge: true });
      });
    },
    detached() {
      const state = stateOf(this);
      state.disposed = true;
      if (state.chart && state.adapter) stopChart(state.chart, state.adapter);
      state.chart = undefined;
      state.adapter = undefined;
    },
  },

  methods: {
    /** Shows `option`; `notMerge` (default true) replaces the chart, false merges into it. */
    setOption(option: ChartOption, notMerge = true) {
      const state = stateOf(this);
      state.option = notMerge || !state.option ? option : { ...state.option, ...option };
      state.chart?.setOption(option, { notMerge });
      this.updateEmpty();
    },

    /** The echarts instance (undefined until the canvas is ready). */
    getChart(): Chart | undefined {
      return stateOf(this).chart;
    },

    updateEmpty() {
      const empty = isEmptyOption(stateOf(this).option);
      if (empty !== this.data.empty) this.setData({ empty });
    },

    touch(phase: TouchPhase, e: TouchLike) {
      const chart = stateOf(this).chart;
      if (chart) forwardTouch(chart, phase, e);
    },

    onTouchStart(e: WechatMiniprogram.TouchCanvas) {
      this.touch('start', e);
    },
    onTouchMove(e: WechatMiniprogram.TouchCanvas) {
      this.touch('move', e);
    },
    onTouchEnd(e: WechatMiniprogram.TouchCanvas) {
      this.touch('end', e);
    },
  },
});
