/** Pure rules of the history page: per-vital summaries and the explanation under the charts. */
import { type Bucket, formatVital, type HistoryResult, VITAL_ORDER, VITAL_STYLES, type VitalKey } from '../../lib/core';
import { dayLabel, shortDate, startOfDay } from '../../common/time';
import { levelWord, normalRangeText } from '../../common/status';

export interface VitalSummary {
  vital: VitalKey;
  label: string;
  unit: string;
  /** `正常 51–90`. */
  range: string;
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
    return { vital, label: st.label, unit: st.unit, range: normalRangeText(vital), n, min: f(min), avg: f(sum / n), max: f(max) };
  });
}

function widthText(ms: number): string {
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} 分钟`;
  if (ms < 86_400_000) return `${Math.round(ms / 3_600_000)} 小时`;
  return `${Math.round(ms / 86_400_000)} 天`;
}

/** How to read the charts: raw points, or buckets with an average line over a min–max band. */
export function resolutionNote(result: HistoryResult, daily = false): string {
  const tail = '绿色区域为正常范围；曲线中断处表示那段时间没有数据（设备离线或测量已关闭）；点图表查看数值';
  if (daily) return `每个点为一天的平均值，浅蓝阴影为当天最低–最高；${tail}`;
  if (result.kind === 'raw') return `每个点为一次测量；${tail}`;
  return `每个点为 ${widthText(result.widthMs)}内的平均值，浅蓝阴影为最低–最高范围；${tail}`;
}

/** Ranges longer than this are shown as a daily summary (per-day min/avg/max), not hourly points. */
export const DAILY_FROM_MS = 2 * 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * The `history` query for a range: hourly buckets for a daily summary (grouped into local days
 * here — the function's own day buckets start at midnight UTC, 08:00 in China), else what fits.
 */
export function historyQuery(patientId: string, from: number, to: number, maxPoints: number) {
  if (to - from < DAILY_FROM_MS) return { patientId, from, to, maxPoints };
  const hours = Math.ceil((to - from) / HOUR_MS) + 1;
  return { patientId, from, to, maxPoints: Math.min(5000, Math.max(maxPoints, hours)), mode: 'buckets' as const };
}

export interface DayCell {
  vital: VitalKey;
  label: string;
  /** `36.3–36.9`, or `--`. */
  text: string;
  /** `偏高` / `偏快` … when the day's extremes left the normal range; ``. */
  flag: string;
}

export interface DayRow {
  t: number;
  /** `今天`, `昨天`, `11月25日 周三`. */
  day: string;
  level: 'ok' | 'attention' | 'nodata';
  /** `全天正常`, `有超出正常范围的测量`, `没有数据`. */
  summary: string;
  cells: DayCell[];
}

/** Per local day: the buckets of that day merged into min/avg/max/n per vital. */
export function dailyBuckets(result: HistoryResult): Bucket[] {
  if (result.kind !== 'buckets') return [];
  const days = new Map<number, Bucket>();
  for (const b of result.buckets) {
    const t = startOfDay(b.t);
    const day = days.get(t) ?? { t, n: 0 };
    day.n += b.n;
    for (const k of VITAL_ORDER) {
      const s = b[k];
      if (!s) continue;
      const d = day[k];
      day[k] = d ? { min: Math.min(d.min, s.min), max: Math.max(d.max, s.max), avg: (d.avg * d.n + s.avg * s.n) / (d.n + s.n), n: d.n + s.n } : { ...s };
    }
    days.set(t, day);
  }
  return [...days.values()].sort((a, b) => a.t - b.t);
}

/** The daily summary as a `history` answer of day buckets (placed at noon), for the same chart builder. */
export function dailyResult(result: HistoryResult): HistoryResult {
  // Today's point stays inside the chart (its noon may be still to come).
  const buckets = dailyBuckets(result).map((b) => ({ ...b, t: Math.min(b.t + 12 * HOUR_MS, result.to - 1) }));
  return { ...result, kind: 'buckets', widthMs: 86_400_000, buckets };
}

/**
 * Hours of each local day whose average left the normal range, per vital: a lasting change, not
 * one odd reading (a bucket's minimum is a single reading, often a moved finger).
 */
function hoursOut(result: HistoryResult): Map<number, Partial<Record<VitalKey, { word: string; hours: number }>>> {
  const out = new Map<number, Partial<Record<VitalKey, { word: string; hours: number }>>>();
  if (result.kind !== 'buckets') return out;
  for (const b of result.buckets) {
    const day = startOfDay(b.t);
    for (const k of VITAL_ORDER) {
      const s = b[k];
      const word = s ? levelWord(k, s.avg) : '';
      if (!word) continue;
      const m = out.get(day) ?? {};
      const cur = m[k];
      // One word per vital and day (the first seen); hours counted whatever the direction.
      m[k] = { word: cur?.word ?? word, hours: (cur?.hours ?? 0) + result.widthMs / HOUR_MS };
      out.set(day, m);
    }
  }
  return out;
}

function hoursText(h: number): string {
  return h < 1 ? `${Math.round(h * 60)} 分钟` : `${Math.round(h)} 小时`;
}

/** One row per calendar day from `from` to `now`, newest first; a day without data says so and why it may be. */
export function dayRows(result: HistoryResult, from: number, to: number, now: number): DayRow[] {
  const byDay = new Map(dailyBuckets(result).map((b) => [b.t, b] as const));
  const out = hoursOut(result);
  const rows: DayRow[] = [];
  for (let t = startOfDay(Math.min(to, now) - 1); t >= startOfDay(from); t = startOfDay(t - 12 * HOUR_MS)) {
    const b = byDay.get(t);
    const flags = out.get(t) ?? {};
    const cells = VITAL_ORDER.map((vital): DayCell => {
      const s = b?.[vital];
      const label = VITAL_STYLES[vital].label;
      if (!s) return { vital, label, text: '--', flag: '' };
      return { vital, label, text: `${formatVital(vital, s.min)}–${formatVital(vital, s.max)}`, flag: flags[vital]?.word ?? '' };
    });
    const day = dayLabel(t, now);
    if (!b || cells.every((c) => c.text === '--')) {
      rows.push({ t, day, level: 'nodata', summary: t === startOfDay(now) ? '今天还没有数据' : '没有数据：设备离线或测量已关闭', cells });
      continue;
    }
    const flagged = VITAL_ORDER.flatMap((k) => (flags[k] ? [`${VITAL_STYLES[k].label}${flags[k]!.word} ${hoursText(flags[k]!.hours)}`] : []));
    rows.push({ t, day, level: flagged.length ? 'attention' : 'ok', summary: flagged.length ? flagged.join('，') : '全天正常', cells });
  }
  return rows;
}

/** The range in words: `今天`, `最近 24 小时`, `最近 7 天（11月21日–今天）`, `11月1日–11月20日`. */
export function rangeLabel(from: number, to: number, now: number): string {
  const last = Math.min(to, now) - 1;
  const first = dayLabel(from, now);
  const end = dayLabel(last, now);
  if (startOfDay(from) === startOfDay(last)) return first === '今天' || first === '昨天' ? first : shortDate(from, now);
  if (now - from <= 86_400_000 + 60_000 && to >= now) return '最近 24 小时';
  const days = Math.round((startOfDay(last) - startOfDay(from)) / 86_400_000) + 1;
  const span = `${shortDate(from, now)}–${end === '今天' || end === '昨天' ? end : shortDate(last, now)}`;
  return to >= now ? `最近 ${days} 天（${span}）` : span;
}
