/**
 * Zero-phase IIR filtering for short PPG windows.
 *
 * Second-order Butterworth sections are designed with the bilinear transform and frequency
 * pre-warping (R. Bristow-Johnson, "Cookbook formulae for audio EQ biquad filter coefficients").
 * Running each section forwards and backwards (as MATLAB/SciPy `filtfilt` do) doubles the order
 * and cancels the phase shift, so beat timing and the red/IR amplitude ratio are not distorted.
 * Edges are padded by odd reflection and the filter state starts at its steady state, which keeps
 * the start-up transient out of 4–8 s windows.
 */
import * as stats from './stats';
import type { Samples } from './stats';

// Bound once: inside sandboxes such as Jest's vm context every global lookup of `Math` is slow.
const { PI, SQRT1_2, cos, floor, max, min, round, sin } = Math;
// Bound once, like Math: the per-sample loops would otherwise go through the module's export
// getters on every read (tsx/esbuild), which cost more than the arithmetic.
const { at, sampleAt } = stats;

/** Normalised biquad coefficients (a0 = 1). */
export interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

const BUTTERWORTH_Q = SQRT1_2;

function design(kind: 'low' | 'high', cutoffHz: number, sampleRateHz: number): Biquad {
  const w0 = (2 * PI * cutoffHz) / sampleRateHz;
  const cw = cos(w0);
  const alpha = sin(w0) / (2 * BUTTERWORTH_Q);
  const a0 = 1 + alpha;
  const bEdge = kind === 'low' ? (1 - cw) / 2 : (1 + cw) / 2;
  const bMid = kind === 'low' ? 1 - cw : -(1 + cw);
  return { b0: bEdge / a0, b1: bMid / a0, b2: bEdge / a0, a1: (-2 * cw) / a0, a2: (1 - alpha) / a0 };
}

/** 2nd-order Butterworth low-pass section; `cutoffHz` must be below Nyquist. */
export function butterworthLowPass(cutoffHz: number, sampleRateHz: number): Biquad {
  return design('low', cutoffHz, sampleRateHz);
}

/** 2nd-order Butterworth high-pass section. */
export function butterworthHighPass(cutoffHz: number, sampleRateHz: number): Biquad {
  return design('high', cutoffHz, sampleRateHz);
}

/** Direct-form-II-transposed pass whose state starts as if `x[0]` had been applied forever. */
function runSection(x: Float64Array, s: Biquad): Float64Array {
  const y = new Float64Array(x.length);
  if (x.length === 0) return y;
  const dcGain = (s.b0 + s.b1 + s.b2) / (1 + s.a1 + s.a2);
  const x0 = at(x, 0);
  const y0 = dcGain * x0;
  let z2 = s.b2 * x0 - s.a2 * y0;
  let z1 = y0 - s.b0 * x0;
  for (let i = 0; i < x.length; i++) {
    const xi = at(x, i);
    const yi = s.b0 * xi + z1;
    z1 = s.b1 * xi - s.a1 * yi + z2;
    z2 = s.b2 * xi - s.a2 * yi;
    y[i] = yi;
  }
  return y;
}

function cascade(x: Float64Array, sections: readonly Biquad[]): Float64Array {
  let y = x;
  for (const s of sections) y = runSection(y, s);
  return y;
}

/**
 * Forward-backward filtering through `sections`, with `padLength` samples of odd reflection at
 * each end (clamped to the input length − 1).
 */
export function filtfilt(x: Samples, sections: readonly Biquad[], padLength: number): Float64Array {
  const n = x.length;
  if (n < 2) return Float64Array.from(x);
  const pad = max(0, min(floor(padLength), n - 1));
  const ext = new Float64Array(n + 2 * pad);
  const first = sampleAt(x, 0);
  const last = sampleAt(x, n - 1);
  for (let i = 0; i < pad; i++) ext[i] = 2 * first - sampleAt(x, pad - i);
  ext.set(x, pad);
  for (let i = 0; i < pad; i++) ext[pad + n + i] = 2 * last - sampleAt(x, n - 2 - i);
  const forward = cascade(ext, sections).reverse();
  const backward = cascade(forward, sections).reverse();
  return backward.subarray(pad, pad + n).slice();
}

/**
 * Zero-phase band-pass: high-pass at `lowHz` then low-pass at `highHz` (the low-pass corner is
 * kept below 0.45 × the sample rate so the design stays valid at 25 Hz).
 */
export function bandPass(x: Samples, sampleRateHz: number, lowHz: number, highHz: number): Float64Array {
  const hi = min(highHz, 0.45 * sampleRateHz);
  const sections = [butterworthHighPass(lowHz, sampleRateHz), butterworthLowPass(hi, sampleRateHz)];
  return filtfilt(x, sections, round(1.5 * sampleRateHz));
}

/** Zero-phase 2nd-order low-pass (4th order after the backward pass). */
export function lowPass(x: Samples, sampleRateHz: number, cutoffHz: number): Float64Array {
  return filtfilt(x, [butterworthLowPass(min(cutoffHz, 0.45 * sampleRateHz), sampleRateHz)], round(sampleRateHz));
}

/** Zero-phase 2nd-order high-pass (4th order after the backward pass). */
export function highPass(x: Samples, sampleRateHz: number, cutoffHz: number): Float64Array {
  return filtfilt(x, [butterworthHighPass(cutoffHz, sampleRateHz)], round(sampleRateHz));
}
