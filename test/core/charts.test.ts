/**
 * The chart option builders shared by the mini program and the previews: what series they make
 * from readings and buckets, and that echarts renders them (SVG on the server, as the preview
 * tool does).
 */
import type { HistoryResult } from '../../core/api';
import type { Bucket } from '../../core/history';
import { type ChartOption, historyChartOption, liveChartOption, type Point, VITAL_STYLES } from '../../core/charts';
import type { Reading, VitalKey } from '../../core/vitals';

const T0 = Date.UTC(2024, 4, 1, 8, 0, 0);
const S = 1000;
const M = 60 * S;

interface Series {
  name: string;
  type: string;
  stack?: string;
  data: Array<[number, number | null]>;
  areaStyle?: unknown;
}

const seriesOf = (o: ChartOption) => o.series as Series[];
const yAxisOf = (o: ChartOption) => o.yAxis as { min: number; max: number };
const xAxisOf = (o: ChartOption) => o.xAxis as { min: number; max: number };

function raw(readings: Reading[]): HistoryResult {
  return { deviceId: 'd1', from: T0, to: T0 + 60 * M, kind: 'raw', readings };
}

function buckets(widthMs: number, list: Bucket[]): HistoryResult {
  return { patientId: 'p1', from: T0, to: T0 + 60 * M, kind: 'buckets', widthMs, buckets: list };
}

const stats = (min: number, avg: number, max: number, n = 10) => ({ min, avg, max, n });

describe('historyChartOption, raw readings', () => {
  test.each<[string, Reading[], VitalKey, Array<[number, number | null]>]>([
    [
      'one line, no gap at exactly 3 min',
      [
        { ts: T0, heartRate: 70 },
        { ts: T0 + 3 * M, heartRate: 72 },
      ],
      'heartRate',
      [
        [T0, 70],
        [T0 + 3 * M, 72],
      ],
    ],
    [
      'readings a minute apart, then 10 min of silence: the line breaks',
      [
        { ts: T0, heartRate: 70 },
        { ts: T0 + M, heartRate: 71 },
        { ts: T0 + 2 * M, heartRate: 72 },
        { ts: T0 + 12 * M, heartRate: 73 },
      ],
      'heartRate',
      [
        [T0, 70],
        [T0 + M, 71],
        [T0 + 2 * M, 72],
        [T0 + 2 * M + 1, null],
        [T0 + 12 * M, 73],
      ],
    ],
    [
      'readings without the vital are skipped',
      [
        { ts: T0, spo2: 97 },
        { ts: T0 + S, heartRate: 71 },
        { ts: T0 + 2 * S, spo2: 96 },
      ],
      'spo2',
      [
        [T0, 97],
        [T0 + 2 * S, 96],
      ],
    ],
    [
      'a slow interval (every 5 min) stays one line',
      [0, 5, 10, 15].map((m, i) => ({ ts: T0 + m * M, temperature: 36.5 + i / 10 })),
      'temperature',
      [
        [T0, 36.5],
        [T0 + 5 * M, 36.6],
        [T0 + 10 * M, 36.7],
        [T0 + 15 * M, 36.8],
      ],
    ],
    [
      '1-s readings are never split by gaps under 3 min',
      [
        { ts: T0, spo2: 97 },
        { ts: T0 + S, spo2: 97 },
        { ts: T0 + 2 * S, spo2: 96 },
        { ts: T0 + 2 * S + 3 * M, spo2: 95 },
      ],
      'spo2',
      [
        [T0, 97],
        [T0 + S, 97],
        [T0 + 2 * S, 96],
        [T0 + 2 * S + 3 * M, 95],
      ],
    ],
    ['no readings: an empty line', [], 'heartRate', []],
  ])('%s', (_name, readings, key, expected) => {
    const o = historyChartOption(key, raw(readings));
    const s = seriesOf(o);
    expect(s).toHaveLength(1);
    expect(s[0]).toMatchObject({ type: 'line', name: VITAL_STYLES[key].label });
    expect(s[0].data).toEqual(expected);
    expect(xAxisOf(o)).toMatchObject({ type: 'time', min: T0, max: T0 + 60 * M });
  });
});

describe('historyChartOption, buckets', () => {
  test.each<[string, number, Bucket[], { min: unknown[]; spread: unknown[]; avg: unknown[] }]>([
    [
      'band = min stacked with max − min, average line',
      M,
      [
        { t: T0, n: 10, heartRate: stats(60, 70, 80) },
        { t: T0 + M, n: 10, heartRate: stats(65.5, 70, 90.25) },
      ],
      {
        min: [
          [T0, 60],
          [T0 + M, 65.5],
        ],
        spread: [
          [T0, 20],
          [T0 + M, 24.75],
        ],
        avg: [
          [T0, 70],
          [T0 + M, 70],
        ],
      },
    ],
    [
      'buckets without the vital are left out',
      M,
      [
        { t: T0, n: 3, spo2: stats(95, 96, 97) },
        { t: T0 + M, n: 2 },
        { t: T0 + 2 * M, n: 1, spo2: stats(94, 94, 94) },
      ],
      {
        min: [
          [T0, 95],
          [T0 + 2 * M, 94],
        ],
        spread: [
          [T0, 2],
          [T0 + 2 * M, 0],
        ],
        avg: [
          [T0, 96],
          [T0 + 2 * M, 94],
        ],
      },
    ],
    [
      'more than 3 bucket widths apart: a gap in every series',
      M,
      [
        { t: T0, n: 1, spo2: stats(95, 96, 97) },
        { t: T0 + 4 * M, n: 1, spo2: stats(93, 95, 96) },
      ],
      {
        min: [
          [T0, 95],
          [T0 + 1, null],
          [T0 + 4 * M, 93],
        ],
        spread: [
          [T0, 2],
          [T0 + 1, null],
          [T0 + 4 * M, 3],
        ],
        avg: [
          [T0, 96],
          [T0 + 1, null],
          [T0 + 4 * M, 95],
        ],
      },
    ],
  ])('%s', (_name, width, list, expected) => {
    const key: VitalKey = list.some((b) => b.heartRate) ? 'heartRate' : 'spo2';
    const s = seriesOf(historyChartOption(key, buckets(width, list)));
    expect(s.map((x) => x.name)).toEqual(['最低', '范围', '平均']);
    expect(s[0].stack).toBe('band');
    expect(s[1].stack).toBe('band');
    expect(s[1].areaStyle).toBeDefined();
    expect(s[0].data).toEqual(expected.min);
    expect(s[1].data).toEqual(expected.spread);
    expect(s[2].data).toEqual(expected.avg);
  });

  test('the tooltip shows average, min, max and the count', () => {
    const list: Bucket[] = [{ t: T0, n: 12, heartRate: stats(60, 70.4, 80, 12) }];
    const o = historyChartOption('heartRate', buckets(M, list));
    const formatter = (o.tooltip as { formatter: (p: unknown[]) => string }).formatter;
    const tooltip = ['心率（次/分）', '平均 70', '最低 60　最高 80', '12 次测量'].join('<br/>');
    expect(formatter([{ axisValue: T0, dataIndex: 0, seriesName: '平均' }])).toBe(tooltip);
    expect(formatter([{ axisValue: T0, dataIndex: 0, seriesName: '最低' }])).toBe('');
  });
});

describe('liveChartOption', () => {
  const now = T0 + 10 * M;
  test.each<[string, Point[], number, Point[]]>([
    [
      'keeps the last window',
      [
        [now - 2 * M, 70],
        [now - M, 71],
        [now - 30 * S, 72],
        [now, 73],
      ],
      M,
      [
        [now - M, 71],
        [now - 30 * S, 72],
        [now, 73],
      ],
    ],
    [
      'drops points from the future',
      [
        [now - S, 70],
        [now + S, 71],
      ],
      M,
      [[now - S, 70]],
    ],
    ['nothing in the window', [[now - 5 * M, 70]], M, []],
  ])('%s', (_name, points, windowMs, expected) => {
    const o = liveChartOption('heartRate', points, now, windowMs);
    expect(seriesOf(o)[0].data).toEqual(expected);
    expect(xAxisOf(o)).toMatchObject({ min: now - windowMs, max: now });
  });

  test('symbols only while there are few points', () => {
    const few = Array.from({ length: 5 }, (_, i) => [now - i * S, 70] as Point);
    const many = Array.from({ length: 50 }, (_, i) => [now - i * S, 70] as Point);
    expect((seriesOf(liveChartOption('heartRate', few, now, M))[0] as unknown as { showSymbol: boolean }).showSymbol).toBe(true);
    expect((seriesOf(liveChartOption('heartRate', many, now, M))[0] as unknown as { showSymbol: boolean }).showSymbol).toBe(false);
  });
});

describe('value axis', () => {
  const now = T0;

  function axes(key: VitalKey, values: number[]) {
    const points = values.map((v, i) => [now - (values.length - i) * S, v] as Point);
    const readings = points.map(([ts, v]) => ({ ts, [key]: v }) as Reading);
    return [yAxisOf(liveChartOption(key, points, now, M)), yAxisOf(historyChartOption(key, { ...raw(readings), from: now - M, to: now }))] as Array<{
      min: number;
      max: number;
      interval: number;
    }>;
  }

  test.each<[VitalKey, number[], { min: number; max: number; interval: number }]>([
    ['heartRate', [70, 80], { min: 40, max: 120, interval: 20 }],
    ['spo2', [95, 99], { min: 85, max: 100, interval: 5 }],
    ['temperature', [36.5, 37.2], { min: 35, max: 39, interval: 1 }],
    ['temperature', [], { min: 35, max: 39, interval: 1 }],
  ])('%s %j inside the usual frame: round labels every step', (key, values, expected) => {
    for (const y of axes(key, values)) expect(y).toMatchObject(expected);
  });

  test.each<[string, VitalKey, number[]]>([
    ['a high heart rate', 'heartRate', [70, 163]],
    ['a low heart rate', 'heartRate', [33, 70]],
    ['a low SpO2', 'spo2', [82, 97]],
    ['a fever', 'temperature', [36.5, 40.3]],
    ['a cold reading', 'temperature', [34.2, 36.5]],
  ])('%s widens the axis to round bounds that keep the usual frame', (_name, key, values) => {
    const style = VITAL_STYLES[key];
    for (const y of axes(key, values)) {
      expect(y.min).toBeLessThanOrEqual(Math.min(style.axisMin, ...values));
      expect(y.max).toBeGreaterThanOrEqual(Math.max(style.axisMax, ...values));
      expect(Math.min(style.axisMin, ...values) - y.min).toBeLessThan(y.interval);
      expect(y.max - Math.max(style.axisMax, ...values)).toBeLessThan(y.interval);
      // Bounds are multiples of the step (up to float error), so every label is round.
      expect(Math.abs(y.min / y.interval - Math.round(y.min / y.interval))).toBeLessThan(1e-9);
      expect((y.max - y.min) / y.interval).toBeLessThanOrEqual(6);
    }
  });

  test('buckets widen by their min and max, not the average', () => {
    const o = historyChartOption('heartRate', buckets(M, [{ t: T0, n: 5, heartRate: stats(31, 70, 151) }]));
    const y = yAxisOf(o);
    expect(y.min).toBeLessThanOrEqual(31);
    expect(y.max).toBeGreaterThanOrEqual(151);
  });
});
