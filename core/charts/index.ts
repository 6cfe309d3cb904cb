/**
 * Chart option builders shared by every client (mini program, web console, previews): pure
 * functions from readings to echarts options, so the live chart, the history charts and their
 * pictures all come from one place. Times are ms since the epoch; the time axis shows local time.
 */
import type { HistoryResult } from '../api';
import type { Bucket } from '../history';
import { NORMAL_RANGES, type Reading, type VitalKey, VITALS } from '../vitals';

/** An echarts option object (kept structural so this library needs no echarts import). */
export type ChartOption = Record<string, unknown>;

export interface VitalStyle {
  key: VitalKey;
  /** Chinese label shown in the UI. */
  label: string;
  unit: string;
  color: string;
  /** Axis bounds that keep a normal trace readable; data outside widens them. */
  axisMin: number;
  axisMax: number;
  /** Decimals shown. */
  decimals: number;
}

/**
 * One calm line colour for every vital: colour is kept for status (out of the normal range,
 * offline), so a normal heart rate is never drawn red. Units are the words Chinese families use.
 */
const LINE_COLOR = '#1677ff';

export const VITAL_STYLES: Record<VitalKey, VitalStyle> = {
  temperature: { key: 'temperature', label: '体温', unit: '°C', color: LINE_COLOR, axisMin: 35, axisMax: 39, decimals: 1 },
  heartRate: { key: 'heartRate', label: '心率', unit: '次/分', color: LINE_COLOR, axisMin: 40, axisMax: 120, decimals: 0 },
  spo2: { key: 'spo2', label: '血氧', unit: '%', color: LINE_COLOR, axisMin: 85, axisMax: 100, decimals: 0 },
};

/** The normal range's band behind a chart's line (echarts markArea, drawn under the series). */
export function normalBand(key: VitalKey) {
  const r = NORMAL_RANGES[key];
  return {
    silent: true,
    itemStyle: { color: 'rgba(82, 196, 26, 0.14)' },
    label: { show: true, position: 'insideTopLeft', color: '#135200', fontSize: 14, formatter: '正常范围' },
    data: [[{ yAxis: r.low }, { yAxis: r.high }]],
  };
}

export const VITAL_ORDER: readonly VitalKey[] = VITALS.map((v) => v.key);

export function formatVital(key: VitalKey, value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '--' : value.toFixed(VITAL_STYLES[key].decimals);
}

export type Point = [ts: number, value: number];

/**
 * A text's width where no canvas can measure it (server-side SVG, a chart whose canvas is gone),
 * from the font's px size: ASCII about 0.55 em, CJK and other glyphs a full em.
 */
export function estimateTextWidth(text: string, font?: string): number {
  const size = Number(/(\d+(?:\.\d+)?)px/.exec(font ?? '')?.[1]) || 12;
  let em = 0;
  for (const ch of text) em += ch.charCodeAt(0) < 128 ? 0.55 : 1;
  return em * size;
}

/** The points of one vital in a list of readings, oldest first. */
export function pointsOf(readings: readonly Reading[], key: VitalKey): Point[] {
  const out: Point[] = [];
  for (const r of readings) {
    const v = r[key];
    if (v !== undefined) out.push([r.ts, v]);
  }
  return out;
}

/** Label steps a value axis may use: whole, readable numbers. */
const NICE_STEPS = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 25, 50, 100];

function yAxis(style: VitalStyle, values: number[]) {
  const lo = Math.min(style.axisMin, ...values);
  const hi = Math.max(style.axisMax, ...values);
  // About five labels on multiples of a readable step (20 bpm, 5 %, 1 °C for the usual frame),
  // with the bounds on that step so the first and last labels are round too.
  const step = NICE_STEPS.find((s) => s >= (hi - lo) / 5) ?? 100;
  return {
    type: 'value',
    min: Math.floor(lo / step) * step,
    max: Math.ceil(hi / step) * step,
    interval: step,
    axisLabel: { color: '#595959', fontSize: 14 },
    splitLine: { lineStyle: { color: '#f0f0f0' } },
  };
}

function frame(style: VitalStyle, from: number, to: number, values: number[]): ChartOption {
  return {
    animation: false,
    grid: { left: 44, right: 20, top: 24, bottom: 32 },
    xAxis: {
      type: 'time',
      min: from,
      max: to,
      splitNumber: 4,
      axisLabel: {
        color: '#595959',
        fontSize: 14,
        hideOverlap: true,
        formatter: {
          year: '{yyyy}年',
          month: '{M}月',
          day: '{M}月{d}日',
          hour: '{HH}:{mm}',
          minute: '{HH}:{mm}',
          second: '{HH}:{mm}:{ss}',
          millisecond: '{HH}:{mm}:{ss}',
        },
      },
      axisLine: { lineStyle: { color: '#d9d9d9' } },
      splitLine: { show: false },
    },
    yAxis: yAxis(style, values),
    tooltip: { trigger: 'axis', confine: true, valueFormatter: (v: unknown) => (typeof v === 'number' ? `${v.toFixed(style.decimals)} ${style.unit}` : '--') },
  };
}

/** The live chart: the last `windowMs` of one vital, ending at `now`. */
export function liveChartOption(key: VitalKey, points: readonly Point[], now: number, windowMs: number): ChartOption {
  const style = VITAL_STYLES[key];
  const from = now - windowMs;
  const shown = points.filter(([t]) => t >= from && t <= now);
  return {
    ...frame(
      style,
      from,
      now,
      shown.map(([, v]) => v),
    ),
    series: [
      {
        name: style.label,
        type: 'line',
        showSymbol: shown.length < 30,
        symbolSize: 5,
        connectNulls: false,
        lineStyle: { color: style.color, width: 2 },
        itemStyle: { color: style.color },
        markArea: normalBand(key),
        data: shown,
      },
    ],
  };
}

/** Gaps longer than this many bucket widths, or readings' usual spacing, break the line. */
const GAP_FACTOR = 3;
/** Raw readings closer than this are never split, whatever their usual spacing (3 minutes). */
const MIN_RAW_GAP_MS = 180_000;

function withGaps(points: Point[], gapMs: number): Array<Point | [number, null]> {
  const out: Array<Point | [number, null]> = [];
  let previous: Point | undefined;
  for (const p of points) {
    if (previous && p[0] - previous[0] > gapMs) out.push([previous[0] + 1, null]);
    out.push(p);
    previous = p;
  }
  return out;
}

/** The gap that breaks a raw line: three times the readings' median spacing (devices measure every 1 s to 1 h). */
function rawGapMs(points: readonly Point[]): number {
  // `points[i]` is the point before `points[i + 1]`, so it exists.
  const steps = points
    .slice(1)
    .map(([t], i) => t - (points[i]?.[0] ?? t))
    .sort((a, b) => a - b);
  const median = steps[Math.floor(steps.length / 2)] ?? 0;
  return Math.max(MIN_RAW_GAP_MS, GAP_FACTOR * median);
}

function bucketBand(buckets: readonly Bucket[], key: VitalKey) {
  const min: Point[] = [];
  const spread: Point[] = [];
  const avg: Point[] = [];
  for (const b of buckets) {
    const s = b[key];
    if (!s) continue;
    min.push([b.t, s.min]);
    spread.push([b.t, Math.round((s.max - s.min) * 100) / 100]);
    avg.push([b.t, s.avg]);
  }
  return { min, spread, avg };
}

/**
 * One vital of a `history` answer: a line of raw readings, or for buckets the average as a line
 * over a shaded min–max band (a transparent "min" series with the spread stacked on it).
 * `gapMs` overrides the distance that breaks the line (a daily summary breaks at a missing day).
 */
export function historyChartOption(key: VitalKey, result: HistoryResult, opts: { gapMs?: number } = {}): ChartOption {
  const style = VITAL_STYLES[key];
  if (result.kind === 'raw') {
    const pts = pointsOf(result.readings, key);
    return {
      ...frame(
        style,
        result.from,
        result.to,
        pts.map(([, v]) => v),
      ),
      series: [
        {
          name: style.label,
          type: 'line',
          showSymbol: pts.length < 40,
          symbolSize: 4,
          lineStyle: { color: style.color, width: 1.5 },
          itemStyle: { color: style.color },
          markArea: normalBand(key),
          data: withGaps(pts, rawGapMs(pts)),
        },
      ],
    };
  }
  const { min, spread, avg } = bucketBand(result.buckets, key);
  const gap = opts.gapMs ?? result.widthMs * GAP_FACTOR;
  const values = result.buckets.flatMap((b) => (b[key] ? [b[key]!.min, b[key]!.max] : []));
  const base = frame(style, result.from, result.to, values);
  return {
    ...base,
    tooltip: {
      trigger: 'axis',
      confine: true,
      formatter: (params: Array<{ axisValue: number; dataIndex: number; seriesName: string }>) => {
        const p = params.find((x) => x.seriesName === '平均');
        if (!p) return '';
        const b = result.buckets.find((x) => x.t === avg[p.dataIndex]?.[0]);
        const s = b?.[key];
        if (!b || !s) return '';
        const f = (v: number) => v.toFixed(style.decimals);
        return `${style.label}（${style.unit}）<br/>平均 ${f(s.avg)}<br/>最低 ${f(s.min)}　最高 ${f(s.max)}<br/>${s.n} 次测量`;
      },
    },
    series: [
      { name: '最低', type: 'line', stack: 'band', symbol: 'none', lineStyle: { opacity: 0 }, data: withGaps(min, gap), silent: true },
      {
        name: '范围',
        type: 'line',
        stack: 'band',
        symbol: 'none',
        lineStyle: { opacity: 0 },
        areaStyle: { color: style.color, opacity: 0.15 },
        data: withGaps(spread, gap),
        silent: true,
      },
      {
        name: '平均',
        type: 'line',
        showSymbol: avg.length < 40,
        symbolSize: 4,
        lineStyle: { color: style.color, width: 2 },
        itemStyle: { color: style.color },
        markArea: normalBand(key),
        data: withGaps(avg, gap),
      },
    ],
  };
}
