/** Pure rules of the history page: per-vital summaries and the explanation under the charts. */
import { formatVital, HistoryResult, VITAL_ORDER, VITAL_STYLES, VitalKey } from '../../lib/core';

export interface VitalSummary {
  vital: VitalKey;
  label: string;
  unit: string;
  color: string;
  /** Readings of this vital in the range. */
  n: number;
  min: string;
  avg: string;
  max: string;
}

export function summarize(result: HistoryResult): VitalSummary[] {
  return VITAL_ORDER.map((vital) => {
    let n = 0;
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    if (result.kind === 'raw') {
      for (const r of result.readings) {
        const v = r[vital];
        if (v === undefined) continue;
        n++;
        sum += v;
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    } else {
      for (const b of result.buckets) {
        const s = b[vital];
        if (!s) continue;
        n += s.n;
        sum += s.avg * s.n;
        min = Math.min(min, s.min);
        max = Math.max(max, s.max);
      }
    }
    const st = VITAL_STYLES[vital];
    const f = (v: number) => (n ? formatVital(vital, v) : '--');
    return { vital, label: st.label, unit: st.unit, color: st.color, n, min: f(min), avg: f(sum / n), max: f(max) };
  });
}

function widthText(ms: number): string {
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} 分钟`;
  if (ms < 86_400_000) return `${Math.round(ms / 3_600_000)} 小时`;
  return `${Math.round(ms / 86_400_000)} 天`;
}

/** How to read the charts: raw points, or buckets with an average line over a min–max band. */
export function resolutionNote(result: HistoryResult): string {
  if (result.kind === 'raw') return '每个点为一次测量；点击图表查看数值';
  return `每个点为 ${widthText(result.widthMs)}内的平均值，阴影为最低–最高范围；点击图表查看数值`;
}
