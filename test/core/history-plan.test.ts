import { bucketCount, checkRange, chooseBucketWidth, NICE_WIDTHS_MS } from '../../core';

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
