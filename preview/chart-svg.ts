/**
 * Charts as SVG, drawn by echarts' server-side renderer from the same options the mini program's
 * canvas draws: what the preview pictures show, and what the chart option tests look at.
 */
import * as echarts from 'echarts';
import { type ChartOption, estimateTextWidth } from '../core/charts';

/** Text widths for echarts' server-side layout: Node has no canvas to measure with (jsdom's is a stub). */
export function estimateTextWidths(): void {
  echarts.setPlatformAPI({ measureText: (text: string, font?: string) => ({ width: estimateTextWidth(text, font) }) });
}

export function chartSvg(option: ChartOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(option as echarts.EChartsOption);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
