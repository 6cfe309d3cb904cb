/** What the bucket queries of every store adapter must answer, computed the slow way. */
import type { Bucket, Reading } from '../../core';

/** min/avg/max per vital over readings, the way the store must compute them. */
export function bruteBuckets(readings: Reading[], from: number, to: number, w: number): Bucket[] {
  const map = new Map<number, Reading[]>();
  for (const r of readings) {
    if (r.ts < from || r.ts >= to) continue;
    const t = Math.floor(r.ts / w) * w;
    map.set(t, [...(map.get(t) ?? []), r]);
  }
  const stats = (xs: number[]) =>
    xs.length
      ? { min: Math.min(...xs), max: Math.max(...xs), avg: Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100, n: xs.length }
      : undefined;
  return [...map.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([t, rs]) => {
      const b: Bucket = { t, n: rs.length };
      const tt = stats(rs.flatMap((r) => (r.temperature === undefined ? [] : [r.temperature])));
      const h = stats(rs.flatMap((r) => (r.heartRate === undefined ? [] : [r.heartRate])));
      const s = stats(rs.flatMap((r) => (r.spo2 === undefined ? [] : [r.spo2])));
      if (tt) b.temperature = tt;
      if (h) b.heartRate = h;
      if (s) b.spo2 = s;
      return b;
    });
}

/**
 * Compares bucket lists; averages may differ by one in the last kept decimal, because the store
 * sums in another order than the brute force does (floating-point addition is not associative).
 */
export function expectBucketsEqual(actual: Bucket[], expected: Bucket[]): void {
  const strip = (bs: Bucket[]) => bs.map((b) => JSON.parse(JSON.stringify(b, (k, v) => (k === 'avg' ? undefined : v))) as Bucket);
  expect(strip(actual)).toEqual(strip(expected));
  actual.forEach((b, i) => {
    for (const k of ['temperature', 'heartRate', 'spo2'] as const) {
      if (b[k]) expect(Math.abs(b[k]!.avg - expected[i][k]!.avg)).toBeLessThanOrEqual(0.0100001);
    }
  });
}
