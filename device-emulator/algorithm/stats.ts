/**
 * Small numeric helpers shared by the on-device algorithm. All functions are pure and allocate
 * at most one copy of their input, so they suit a microcontroller-sized budget.
 */

// Bound once: inside sandboxes such as Jest's vm context every global lookup of `Math` is slow.
const { floor, max, min, sqrt } = Math;

/** Samples as the algorithm accepts them: plain arrays or typed arrays. */
export type Samples = ArrayLike<number>;

/*
 * Checked reads: every index the algorithm reads is meant to be inside its window, so one outside
 * is a bug to surface at once (a RangeError) rather than a NaN to propagate into a reading. One
 * helper per kind of list, because V8 keeps one set of type feedback per function: a single
 * helper fed typed arrays, plain arrays and objects alike goes megamorphic and made the analysis
 * several times slower (npm run bench:algorithm, "us_per_window").
 */

// Kept out of the readers so that they stay small enough to be inlined into the loops.
function outside(what: string, i: number, length: number): never {
  throw new RangeError(`${what} ${i} outside 0…${length - 1}`);
}

/** `x[i]` of a window of samples (the hot loops: DFT, autocorrelation, beat search). */
export function at(x: Float64Array, i: number): number {
  const v = x[i];
  if (v === undefined) return outside('sample', i, x.length);
  return v;
}

/** `x[i]` of samples as callers pass them (plain or typed arrays). */
export function sampleAt(x: Samples, i: number): number {
  const v = x[i];
  if (v === undefined) return outside('sample', i, x.length);
  return v;
}

/** `x[i]` of any other list (beats, peak indices, matrix rows). */
export function item<T>(x: ArrayLike<T>, i: number): T {
  const v = x[i];
  if (v === undefined) return outside('item', i, x.length);
  return v;
}

export function mean(x: Samples, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += sampleAt(x, i);
  return to > from ? s / (to - from) : 0;
}

export function variance(x: Samples): number {
  const m = mean(x);
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const d = sampleAt(x, i) - m;
    s += d * d;
  }
  return x.length > 1 ? s / x.length : 0;
}

export function std(x: Samples): number {
  return sqrt(variance(x));
}

/** Median of a copy of `x` (NaN for an empty input). */
export function median(x: Samples): number {
  return quantile(x, 0.5);
}

/** Linear-interpolated quantile `q` in [0, 1] of a copy of `x` (NaN for an empty input). */
export function quantile(x: Samples, q: number): number {
  if (x.length === 0) return Number.NaN;
  const s = Float64Array.from(x).sort();
  const pos = min(max(q, 0), 1) * (s.length - 1);
  const lo = floor(pos);
  const hi = min(lo + 1, s.length - 1);
  const below = at(s, lo);
  return below + (at(s, hi) - below) * (pos - lo);
}

/** Pearson correlation of two equally long series (0 when either is constant). */
export function correlation(a: Samples, b: Samples): number {
  const n = min(a.length, b.length);
  const ma = mean(a, 0, n);
  const mb = mean(b, 0, n);
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = sampleAt(a, i) - ma;
    const db = sampleAt(b, i) - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa > 0 && sbb > 0 ? sab / sqrt(saa * sbb) : 0;
}

/** `x` minus its least-squares straight line (removes slow drift before filtering). */
export function detrendLinear(x: Samples): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  const tm = (n - 1) / 2;
  const xm = mean(x);
  let stx = 0;
  let stt = 0;
  for (let i = 0; i < n; i++) {
    stx += (i - tm) * (sampleAt(x, i) - xm);
    stt += (i - tm) * (i - tm);
  }
  const slope = stt > 0 ? stx / stt : 0;
  for (let i = 0; i < n; i++) out[i] = sampleAt(x, i) - xm - slope * (i - tm);
  return out;
}

/**
 * Vertex offset of the parabola through (-1, ym), (0, y0), (1, yp): the sub-sample position of
 * a peak or trough, in [-0.5, 0.5] when y0 is the local extreme.
 */
export function parabolicOffset(ym: number, y0: number, yp: number): number {
  const den = ym - 2 * y0 + yp;
  if (den === 0) return 0;
  const d = (0.5 * (ym - yp)) / den;
  return max(-0.5, min(0.5, d));
}

export function clamp(x: number, lo: number, hi: number): number {
  return min(hi, max(lo, x));
}
