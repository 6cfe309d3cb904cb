/**
 * An echarts chart for an option from core/charts (the same options the mini program draws),
 * tree-shaken to the parts those options use.
 */
import { LineChart } from 'echarts/charts';
import { GridComponent, MarkAreaComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'preact/hooks';
import type { ChartOption } from '../../core/charts';

echarts.use([LineChart, GridComponent, MarkAreaComponent, TooltipComponent, CanvasRenderer]);

export function Chart(props: { option: ChartOption; height?: number; testId?: string }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | undefined>(undefined);
  useEffect(() => {
    if (!el.current) return;
    const c = echarts.init(el.current);
    chart.current = c;
    const resize = () => c.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      c.dispose();
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(props.option as echarts.EChartsCoreOption, { notMerge: true });
  }, [props.option]);
  return <div class="chart" ref={el} style={{ height: `${props.height ?? 220}px` }} data-testid={props.testId} />;
}
