/**
 * Time-domain indices of one window: beat-shape consistency and the motion envelope.
 * Template matching of beats is the core of PPG SQIs (Orphanidou et al., IEEE J. Biomed. Health
 * Inform. 19(3), 2015); the envelope ratio flags bursts, which motion produces and a pulse does not.
 */
import type { Beat } from './beats';
import * as stats from './stats';
import { correlation, mean } from './stats';

// Bound once: inside sandboxes such as Jest's vm context every global lookup of `Math` is slow.
const { floor, max, min, round, sqrt } = Math;
// Bound once, like Math: the per-sample loops would otherwise go through the module's export
// getters on every read (tsx/esbuild), which cost more than the arithmetic.
const { at, item } = stats;

/**
 * Mean correlation of each beat with the average of the OTHER beats. Beats are cut from 0.3
 * periods before to 0.7 periods after their onset and resampled to 16 points so that rate
 * changes do not matter. Leaving the beat out of its own template matters in short windows:
 * with 3 beats a beat is a third of the plain average and correlates with it even when it is
 * noise (the plain estimate is biased towards 1 by ≈ 1/K for K beats).
 */
export function templateCorrelation(v: Float64Array, beats: readonly Beat[], period: number): number {
  const points = 16;
  const segments: Float64Array[] = [];
  for (const b of beats) {
    const start = b.onset - 0.3 * period;
    const end = b.onset + 0.7 * period;
    if (start < 0 || end > v.length - 1) continue;
    const seg = new Float64Array(points);
    for (let k = 0; k < points; k++) {
      const t = start + ((end - start) * k) / (points - 1);
      const i = min(floor(t), v.length - 2);
      const vi = at(v, i);
      seg[k] = vi + (at(v, i + 1) - vi) * (t - i);
    }
    segments.push(seg);
  }
  const count = segments.length;
  if (count < 2) return count === 1 ? 1 : 0;
  const sum = new Float64Array(points);
  for (const s of segments) for (let k = 0; k < points; k++) sum[k] = at(sum, k) + at(s, k);
  const others = new Float64Array(points);
  return mean(
    segments.map((s) => {
      for (let k = 0; k < points; k++) others[k] = at(sum, k) - at(s, k);
      return correlation(s, others);
    }),
  );
}

/** Largest over median RMS of consecutive 1 s segments of `x`. */
export function envelopeRatio(x: Float64Array, sampleRateHz: number): number {
  const len = max(2, round(sampleRateHz));
  const rms: number[] = [];
  for (let s = 0; s + len <= x.length; s += len) {
    let e = 0;
    for (let i = s; i < s + len; i++) {
      const xi = at(x, i);
      e += xi * xi;
    }
    rms.push(sqrt(e / len));
  }
  if (rms.length < 2) return 1;
  const sorted = [...rms].sort((a, b) => a - b);
  const med = item(sorted, floor((sorted.length - 1) / 2));
  return med > 0 ? item(sorted, sorted.length - 1) / med : Number.POSITIVE_INFINITY;
}

/** Skewness of the first difference: negative when the signal falls faster than it rises. */
export function slopeSkew(x: Float64Array): number {
  const d = new Float64Array(x.length - 1);
  for (let i = 0; i < d.length; i++) d[i] = at(x, i + 1) - at(x, i);
  const m = mean(d);
  let m2 = 0;
  let m3 = 0;
  for (const v of d) {
    m2 += (v - m) ** 2;
    m3 += (v - m) ** 3;
  }
  m2 /= d.length;
  m3 /= d.length;
  return m2 > 0 ? m3 / m2 ** 1.5 : 0;
}
