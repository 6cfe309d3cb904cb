import { bucketCount, checkRange, chooseBucketWidth, NICE_WIDTHS_MS, planScan } from '../../core';

const DAY = 86_400_000;
const T = Date.UTC(2026, 2, 3, 7, 31, 12, 345);

describe('history planning', () => {
  test.each([
    ['10 minutes', 10 * 60_000, 500, 2000],
    ['1 hour', 3_600_000, 500, 10_000],
    ['24 hours', DAY, 500, 300_000],
    ['7 days', 7 * DAY, 500, 30 * 60_000],
    ['30 days', 30 * DAY, 500, 2 * 3_600_000],
    ['30 days in 100', 30 * DAY, 100, 12 * 3_600_000],
    ['365 days in 20', 365 * DAY, 20, 20 * DAY],
  ])('%s → at most maxPoints buckets of the smallest fitting width', (_n, span, maxPoints, width) => {
    const range = { from: T, to: T + span, maxPoints };
    const w = chooseBucketWidth(range);
    expect(w).toBe(width);
    expect(bucketCount(range.from, range.to, w)).toBeLessThanOrEqual(maxPoints);
    const smaller = NICE_WIDTHS_MS.filter((x) => x < w);
    for (const s of smaller) expect(bucketCount(range.from, range.to, s)).toBeGreaterThan(maxPoints);
  });

  test('widths of a minute or more are whole minutes (rollups can answer them)', () => {
    for (const w of NICE_WIDTHS_MS.filter((x) => x >= 60_000)) expect(w % 60_000).toBe(0);
  });

  test.each([
    [{ from: 10, to: 5 }, /after/],
    [{ from: 10, to: 10 }, /after/],
    [{ from: '2026-01-01', to: 5 }, /from/],
    [{ from: 1.5, to: 5 }, /from/],
    [{ from: 1, to: undefined }, /to/],
    [{ from: 0, to: 500 * DAY }, /at most 400 days/],
    [{ from: 0, to: 5, maxPoints: 3 }, /maxPoints/],
    [{ from: 0, to: 5, maxPoints: 100_000 }, /maxPoints/],
  ])('rejects %j', (input, message) => {
    const r = checkRange(input);
    expect(!r.ok && r.message).toMatch(message);
  });
});

describe('bucket scan planning over rollup levels', () => {
  const M = 60_000;
  const H = 3_600_000;
  const UNITS = [H, M];
  const covers = (pieces: ReturnType<typeof planScan>, from: number, to: number) => {
    expect(pieces[0].from).toBe(from);
    expect(pieces[pieces.length - 1].to).toBe(to);
    pieces.forEach((p, i) => {
      expect(p.from).toBeLessThan(p.to);
      if (i > 0) expect(p.from).toBe(pieces[i - 1].to);
      if (p.unitMs) expect([p.from % p.unitMs, p.to % p.unitMs]).toEqual([0, 0]);
    });
  };

  test('30 days in 2-hour buckets: whole hours from the hour level, edges from minutes and raw rows', () => {
    const from = T; // 07:31:12.345
    const to = T + 30 * DAY;
    const pieces = planScan(from, to, chooseBucketWidth({ from, to, maxPoints: 500 }), UNITS);
    covers(pieces, from, to);
    expect(pieces.map((p) => p.unitMs)).toEqual([0, M, H, M, 0]);
    expect(pieces[2]).toEqual({ unitMs: H, from: Date.UTC(2026, 2, 3, 8), to: Date.UTC(2026, 3, 2, 7) });
  });

  test('widths that are not whole hours never read the hour level', () => {
    const pieces = planScan(T, T + 7 * DAY, 30 * M, UNITS);
    covers(pieces, T, T + 7 * DAY);
    expect(pieces.map((p) => p.unitMs)).toEqual([0, M, 0]);
  });

  test('second widths read raw rows only; aligned ranges need no edges', () => {
    expect(planScan(T, T + H, 10_000, UNITS)).toEqual([{ unitMs: 0, from: T, to: T + H }]);
    const a = Date.UTC(2026, 0, 1);
    expect(planScan(a, a + DAY, H, UNITS)).toEqual([{ unitMs: H, from: a, to: a + DAY }]);
    expect(planScan(a + 1, a + 2 * M, H, UNITS)).toEqual([
      { unitMs: 0, from: a + 1, to: a + M },
      { unitMs: M, from: a + M, to: a + 2 * M },
    ]);
  });
});
