/**
 * Charts as SVG, drawn by echarts' server-side renderer from the same options the mini program's
 * canvas draws: what the preview pictures show, and what the chart option tests look at.
 */
import * as echarts from 'echarts';
import type { ChartOption } from '../core/charts';

/**
 * Text widths for echarts' server-side layout. Node has no canvas to measure with (and jsdom's
 * canvas is a stub), so widths are estimated from the font size: CJK glyphs are square, Latin
 * digits and letters about 0.56 em.
 */
export function estimateTextWidths(): void {
  echarts.setPlatformAPI({
    measureText(text: string, font?: string) {
      const size = Number(/(\d+(?:\.\d+)?)px/.exec(font ?? '')?.[1] ?? 12);
      let em = 0;
      for (const ch of text) em += /[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 1 : 0.56;
      return { width: em * size };
    },
  });
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
