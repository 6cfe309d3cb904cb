/**
 * History query planning: validating a time range and choosing the bucket width so that a range
 * of any length comes back as at most `maxPoints` buckets.
 *
 * Buckets are aligned to multiples of their width since the Unix epoch (UTC), so the same reading
 * always falls in the same bucket whatever range was asked for, and widths of a minute or more
 * are whole minutes (the store can then answer from per-minute rollups).
 */
import type { VitalKey } from '../vitals';

export const DEFAULT_MAX_POINTS = 500;
export const MAX_POINTS_LIMIT = 5000;
export const MIN_POINTS = 10;
/** Longest range one query may cover: about 13 months. */
export const MAX_RANGE_MS = 400 * 86_400_000;

const S = 1000;
const M = 60 * S;
const H = 60 * M;
/** Bucket widths a person reads easily on a time axis. */
export const NICE_WIDTHS_MS: readonly number[] = [
  1 * S,
  2 * S,
  5 * S,
  10 * S,
  15 * S,
  30 * S,
  1 * M,
  2 * M,
  5 * M,
  10 * M,
  15 * M,
  30 * M,
  1 * H,
  2 * H,
  3 * H,
  6 * H,
  12 * H,
  24 * H,
  48 * H,
  7 * 24 * H,
];

export interface HistoryRange {
  /** Inclusive start, ms since the epoch (UTC). */
  from: number;
  /** Exclusive end, ms since the epoch (UTC). */
  to: number;
  maxPoints: number;
}

export type RangeCheck = { ok: true; value: HistoryRange } | { ok: false; message: string };

function isMs(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Validates a requested range; `maxPoints` defaults to 500. */
export function checkRange(input: { from?: unknown; to?: unknown; maxPoints?: unknown }): RangeCheck {
  const { from, to } = input;
  if (!isMs(from)) return { ok: false, message: '"from" must be a timestamp in ms since the epoch' };
  if (!isMs(to)) return { ok: false, message: '"to" must be a timestamp in ms since the epoch' };
  if (to <= from) return { ok: false, message: '"to" must be after "from"' };
  if (to - from > MAX_RANGE_MS) return { ok: false, message: `a range may cover at most ${MAX_RANGE_MS / 86_400_000} days` };
  const maxPoints = input.maxPoints ?? DEFAULT_MAX_POINTS;
  if (typeof maxPoints !== 'number' || !Number.isInteger(maxPoints) || maxPoints < MIN_POINTS || maxPoints > MAX_POINTS_LIMIT) {
    return { ok: false, message: `"maxPoints" must be an integer from ${MIN_POINTS} to ${MAX_POINTS_LIMIT}` };
  }
  return { ok: true, value: { from, to, maxPoints } };
}

/** Start of the bucket of width `widthMs` holding `ts`. */
export function bucketStart(ts: number, widthMs: number): number {
  return Math.floor(ts / widthMs) * widthMs;
}

/** Number of epoch-aligned buckets of width `widthMs` that [from, to) touches. */
export function bucketCount(from: number, to: number, widthMs: number): number {
  return bucketStart(to - 1, widthMs) / widthMs - bucketStart(from, widthMs) / widthMs + 1;
}

/** The smallest nice width that splits [from, to) into at most `maxPoints` aligned buckets. */
export function chooseBucketWidth(range: HistoryRange): number {
  for (const w of NICE_WIDTHS_MS) {
    if (bucketCount(range.from, range.to, w) <= range.maxPoints) return w;
  }
  // Beyond a week per bucket: whole days, still aligned.
  const day = 24 * H;
  let days = Math.ceil((range.to - range.from) / day / (range.maxPoints - 1));
  while (bucketCount(range.from, range.to, days * day) > range.maxPoints) days++;
  return days * day;
}

export interface VitalStats {
  min: number;
  avg: number;
  max: number;
  /** Readings of this vital in the bucket. */
  n: number;
}

export interface Bucket {
  /** Bucket start (aligned), ms UTC. Data is from [max(t, from), min(t + width, to)). */
  t: number;
  /** Readings in the bucket. */
  n: number;
  temperature?: VitalStats;
  heartRate?: VitalStats;
  spo2?: VitalStats;
}

/** Running sums for one vital in one bucket, merged from rollups and raw rows. */
export interface VitalAccumulator {
  n: number;
  sum: number;
  min: number;
  max: number;
}

export function emptyAccumulator(): VitalAccumulator {
  return { n: 0, sum: 0, min: Infinity, max: -Infinity };
}

export function addToAccumulator(acc: VitalAccumulator, n: number, sum: number, min: number, max: number): void {
  if (n <= 0) return;
  acc.n += n;
  acc.sum += sum;
  if (min < acc.min) acc.min = min;
  if (max > acc.max) acc.max = max;
}

export function finishStats(acc: VitalAccumulator, decimals = 2): VitalStats | undefined {
  if (acc.n === 0) return undefined;
  const f = 10 ** decimals;
  return { min: acc.min, avg: Math.round((acc.sum / acc.n) * f) / f, max: acc.max, n: acc.n };
}

export type BucketAccumulator = { t: number; n: number } & Record<VitalKey, VitalAccumulator>;

export function emptyBucket(t: number): BucketAccumulator {
  return { t, n: 0, temperature: emptyAccumulator(), heartRate: emptyAccumulator(), spo2: emptyAccumulator() };
}

export function finishBucket(b: BucketAccumulator): Bucket {
  const out: Bucket = { t: b.t, n: b.n };
  const t = finishStats(b.temperature);
  const h = finishStats(b.heartRate);
  const s = finishStats(b.spo2);
  if (t) out.temperature = t;
  if (h) out.heartRate = h;
  if (s) out.spo2 = s;
  return out;
}

/** One piece of a bucket scan: `[from, to)` read from the level whose unit is `unitMs` (0: raw rows). */
export interface ScanPiece {
  unitMs: number;
  from: number;
  to: number;
}

/**
 * The query plan for buckets of `widthMs` over [from, to), given rollup levels of `unitsMs` (e.g.
 * an hour and a minute). A level can answer a bucket only if its unit divides the bucket width
 * (its rows then never straddle a bucket boundary), and only for whole units inside the range.
 * So the coarsest usable level takes the whole units in the middle, the next finer one the
 * partial units at either end, and raw rows the leftovers: the rows read follow the bucket count
 * (plus at most two partial units per level), not the length of the range, and the result equals
 * a raw scan exactly. Pieces come back in time order, empty ones left out.
 */
export function planScan(from: number, to: number, widthMs: number, unitsMs: readonly number[]): ScanPiece[] {
  const usable = unitsMs.filter((u) => u > 0 && widthMs % u === 0).sort((a, b) => b - a);
  const out: ScanPiece[] = [];
  const plan = (a: number, b: number, level: number): void => {
    if (a >= b) return;
    const u = usable[level];
    if (u === undefined) return void out.push({ unitMs: 0, from: a, to: b });
    const inner0 = Math.ceil(a / u) * u;
    const inner1 = Math.floor(b / u) * u;
    if (inner0 >= inner1) return plan(a, b, level + 1);
    plan(a, inner0, level + 1);
    out.push({ unitMs: u, from: inner0, to: inner1 });
    plan(inner1, b, level + 1);
  };
  plan(from, to, 0);
  return out;
}
