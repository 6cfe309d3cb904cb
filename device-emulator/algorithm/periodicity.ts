/**
 * Pulse-rate estimators that look at the whole window rather than at single beats:
 * a normalised autocorrelation with a sub-harmonic guard, and a Hann-windowed DFT evaluated on a
 * fine frequency grid (Goertzel recurrence) for sub-bin refinement and for the spectral
 * ratio-of-ratios.
 */
import * as stats from './stats';
import { parabolicOffset } from './stats';

// Bound once: inside sandboxes such as Jest's vm context every global lookup of `Math` is slow.
const { PI, cos, floor, log, max, min, sin, sqrt } = Math;
// Bound once, like Math: the per-sample loops would otherwise go through the module's export
// getters on every read (tsx/esbuild), which cost more than the arithmetic.
const { at } = stats;

/**
 * Autocorrelation normalised over the overlapping part of the window for lags 0..maxLag, so a
 * perfectly periodic signal scores 1 at its period even in a short window.
 */
export function autocorrelation(x: Float64Array, maxLag: number): Float64Array {
  const n = x.length;
  const top = min(maxLag, n - 2);
  const ac = new Float64Array(max(top + 1, 0));
  const cum = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    const xi = at(x, i);
    cum[i + 1] = at(cum, i) + xi * xi;
  }
  for (let k = 0; k <= top; k++) {
    let s = 0;
    for (let i = 0; i + k < n; i++) s += at(x, i) * at(x, i + k);
    const e1 = at(cum, n - k);
    const e2 = at(cum, n) - at(cum, k);
    ac[k] = e1 > 0 && e2 > 0 ? s / sqrt(e1 * e2) : 0;
  }
  return ac;
}

/** Period in samples (fractional) and the autocorrelation at that lag. */
export interface PeriodEstimate {
  lag: number;
  strength: number;
}

/**
 * Picks the pulse period from the autocorrelation between `minLag` and `maxLag` samples.
 * Multiples of the period also peak, sometimes higher (beat-to-beat variability makes the first
 * peak broader), so the SHORTEST lag whose peak reaches 85 % of the best one wins; a dicrotic
 * wave only produces a weak peak at half the period, far below that bar. With `hintLag` (the
 * period of the recent track) a peak within ±15 % of it is preferred if it reaches 60 % of the
 * best: continuity settles the harmonic ambiguity that one short window cannot.
 */
export function estimatePeriod(x: Float64Array, minLag: number, maxLag: number, hintLag?: number): PeriodEstimate | undefined {
  const ac = autocorrelation(x, maxLag + 1);
  const hi = min(maxLag, ac.length - 2);
  const peaks: number[] = [];
  for (let k = max(1, floor(minLag)); k <= hi; k++) {
    const r = at(ac, k);
    if (r > 0 && r >= at(ac, k - 1) && r > at(ac, k + 1)) peaks.push(k);
  }
  const first = peaks[0];
  if (first === undefined) return undefined;
  const best = max(...peaks.map((p) => at(ac, p)));
  let k = peaks.find((p) => at(ac, p) >= 0.85 * best) ?? first;
  if (hintLag !== undefined) {
    const near = peaks.filter((p) => Math.abs(p - hintLag) <= 0.15 * hintLag && at(ac, p) >= 0.6 * best);
    if (near.length > 0) k = near.reduce((a, b) => (at(ac, b) > at(ac, a) ? b : a));
  }
  const strength = at(ac, k);
  return { lag: k + parabolicOffset(at(ac, k - 1), strength, at(ac, k + 1)), strength };
}

/**
 * Autocorrelation `r` at `lagS` seconds against chance: r·√N, where N = 2·B·(T − lag) counts the
 * independent samples of a signal of bandwidth B Hz in the overlapping part of a T-second
 * window. For noise r has a standard deviation of ≈ 1/√N (M. S. Bartlett, 1946), so z is
 * comparable between a 3-beat 4 s window and a 10-beat 8 s one where a fixed threshold on r is
 * not: short windows need a larger r to show the same evidence.
 */
export function periodicityZ(r: number, windowS: number, lagS: number, bandwidthHz: number): number {
  return r * sqrt(max(1, 2 * bandwidthHz * (windowS - lagS)));
}

/** Complex DFT value of `x` at `freqHz` (Goertzel recurrence). */
export function dftAt(x: Float64Array, freqHz: number, sampleRateHz: number): { re: number; im: number } {
  const w = (2 * PI * freqHz) / sampleRateHz;
  const coeff = 2 * cos(w);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < x.length; i++) {
    const s0 = at(x, i) + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  // X(w) = e^{jw(N-1)}·(s1 − e^{−jw}·s2); only magnitudes and cross-products are used, so the
  // common phase factor is dropped.
  return { re: s1 - s2 * cos(w), im: s2 * sin(w) };
}

/** Hann-windowed copy of `x`. */
export function hann(x: Float64Array): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = at(x, i) * (0.5 - 0.5 * cos((2 * PI * i) / max(1, n - 1)));
  return out;
}

/**
 * Frequency (Hz) of the largest power of `windowed` between `loHz` and `hiHz`, searched on a
 * 0.01 Hz grid (0.6 bpm) and refined by parabolic interpolation of the log power.
 */
export function spectralPeak(windowed: Float64Array, sampleRateHz: number, loHz: number, hiHz: number): number | undefined {
  const step = 0.01;
  const count = floor((hiHz - loHz) / step) + 1;
  if (count < 3 || windowed.length < 4) return undefined;
  const power = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const c = dftAt(windowed, loHz + i * step, sampleRateHz);
    power[i] = c.re * c.re + c.im * c.im;
  }
  let best = 0;
  for (let i = 1; i < count; i++) if (at(power, i) > at(power, best)) best = i;
  if (best === 0 || best === count - 1) return loHz + best * step;
  const lp = (p: number) => log(p + 1e-300);
  return loHz + (best + parabolicOffset(lp(at(power, best - 1)), lp(at(power, best)), lp(at(power, best + 1)))) * step;
}
