/**
 * echarts for the mini program, tree-shaken to what the charts use (line series with area bands, the normal-range mark area,
 * grid, tooltip and the canvas renderer), bundled by `npm run build` into
 * `miniprogram/lib/echarts.js`. The full build is about 1 MB.
 */
import * as echarts from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { GridComponent, MarkAreaComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

/** Registers the parts above; call once before `init` (not at import time). */
export function useChartParts(): void {
  echarts.use([LineChart, GridComponent, MarkAreaComponent, TooltipComponent, CanvasRenderer]);
}

export { init, setPlatformAPI } from 'echarts/core';
export type { ECharts, EChartsCoreOption } from 'echarts/core';
