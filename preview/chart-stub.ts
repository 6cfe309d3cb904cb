/**
 * A stand-in for `<chart>` in miniprogram-simulate, which has no canvas: it records the options a
 * page draws, by the chart's id (for tests) and by a key it writes into its element (so the
 * preview can find the element and draw the option there as SVG).
 */
import type { ChartOption } from '../core/charts';
import type { Simulate } from './simulate-types';

export interface ChartRecorder {
  /** The stand-in's component id, for `usingComponents: { chart: id }`. */
  id: string;
  /** Options drawn, by the chart element's id, oldest first. */
  byId: Map<string, ChartOption[]>;
  /** The option each element shows, by its `data-key`. */
  byKey: Map<string, ChartOption>;
  last(chartId: string): ChartOption | undefined;
}

export function recordCharts(simulate: Simulate): ChartRecorder {
  const byId = new Map<string, ChartOption[]>();
  const byKey = new Map<string, ChartOption>();
  const id = simulate.load({
    template: '<view class="chart-stub" data-key="{{key}}" style="height: {{height}}rpx">{{placeholder}}</view>',
    properties: { height: { type: Number, value: 400 }, placeholder: { type: String, value: '' } },
    data: { key: '' },
    methods: {
      setOption(option: ChartOption) {
        const self = this as unknown as { id: string; setData(d: Record<string, unknown>): void };
        byId.set(self.id, [...(byId.get(self.id) ?? []), option]);
        const key = `chart${byKey.size}`;
        byKey.set(key, option);
        self.setData({ key });
      },
    },
  });
  return { id, byId, byKey, last: (chartId) => byId.get(chartId)?.at(-1) };
}
