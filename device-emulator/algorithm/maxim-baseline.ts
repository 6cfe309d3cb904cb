/**
 * Baseline: Maxim's reference heart-rate / SpO2 algorithm for the MAX30102 (reference design
 * MAXREFDES117#, `algorithm.cpp`, 2016; the same routine ships in the SparkFun MAX3010x library
 * as `maxim_heart_rate_and_oxygen_saturation`). Re-implemented here from its published
 * description so the benchmark can show what it gets wrong. Its behaviour is kept on purpose,
 * weaknesses included (all arithmetic is 32-bit integer as on the Cortex-M0 it targets):
 *
 *  1. DC = window mean; the IR signal is inverted (valleys become peaks) and smoothed by a
 *     4-point moving average that leaves the last 4 samples unsmoothed.
 *  2. Peak threshold = mean of the smoothed signal clamped to [30, 60] ADC counts. The mean of a
 *     zero-mean signal is ~0, so the threshold is in practice a fixed 30 counts whatever the pulse
 *     amplitude: beats riding on the low half of a respiratory/drift baseline are missed, and a
 *     weak pulse (low perfusion) is missed altogether, which lengthens the average interval and
 *     makes the heart rate read LOW; large noise or motion bumps pass as beats.
 *  3. Peaks closer than 4 samples are merged (largest first), at most 15 are kept.
 *  4. HR = 60·Fs / ⌊mean peak-to-peak interval⌋ with integer division: at 25 Hz the interval is
 *     floored to whole samples (18.75 → 18 samples turns 80 bpm into 83 bpm) and the result is
 *     floored again; no outlier rejection, no quality check — any two "peaks" give a valid HR.
 *  5. SpO2: for each pair of valleys (at most the first 5 beats) "DC" is the MAXIMUM of the raw
 *     signal between them and AC the peak above the straight line joining the valleys. The IR AC
 *     is read at the index of the RED maximum (a known slip in the reference code). Ratios are
 *     integers ×100, the "median" averages two middle values from 4 ratios on, and SpO2 is looked
 *     up in a table that rounds −45.060·R² + 30.354·R + 94.845 (valid only for 0.02 < R < 1.84).
 *
 * Differences from the C code, for use on arbitrary windows: the buffer length is the input
 * length (the C code hard-codes BUFFER_SIZE = 4 s × 25 Hz = 100 samples and reads past shorter
 * buffers) and the sample rate is a parameter (the C code hard-codes FS = 25 Hz).
 */
import * as stats from './stats';
import type { Samples } from './stats';

// Bound once: inside sandboxes such as Jest's vm context every global lookup of `Math` is slow.
const { imul, max, min, round, trunc } = Math;
// Bound once, like Math: the per-sample loops would otherwise go through the module's export
// getters on every read (tsx/esbuild), which cost more than the arithmetic.
const { item, sampleAt } = stats;

/** Raw outputs of the reference routine. */
export interface MaximResult {
  /** Beats per minute (integer), or −999 when fewer than two valleys were found. */
  heartRate: number;
  heartRateValid: boolean;
  /** % (integer), or −999. */
  spo2: number;
  spo2Valid: boolean;
  /** Ratio of ratios ×100 as the reference computes it (0 when none). */
  ratioX100: number;
  /** Valley indices found in the inverted, smoothed IR signal. */
  valleys: number[];
}

const MA4_SIZE = 4;
const MIN_THRESHOLD = 30;
const MAX_THRESHOLD = 60;
const MIN_PEAK_DISTANCE = 4;
const MAX_PEAKS = 15;
const INVALID = -999;

/** C-style truncating integer division. */
function idiv(a: number, b: number): number {
  return trunc(a / b);
}

/** Integer SpO2 the reference table holds for ratio×100 `r` (rounded quadratic, clamped 0–100). */
export function maximSpo2FromRatioX100(r: number): number {
  const x = r / 100;
  const v = round(-45.06 * x * x + 30.354 * x + 94.845);
  return min(100, max(0, v));
}

function peaksAboveMinHeight(x: Int32Array, minHeight: number): number[] {
  const locs: number[] = [];
  let i = 1;
  const n = x.length;
  while (i < n - 1) {
    const xi = item(x, i);
    if (xi > minHeight && xi > item(x, i - 1)) {
      let width = 1;
      while (i + width < n && xi === item(x, i + width)) width++;
      if (i + width < n && xi > item(x, i + width) && locs.length < MAX_PEAKS) {
        locs.push(i); // for flat peaks the location is the left edge
        i += width + 1;
      } else {
        i += width;
      }
    } else {
      i++;
    }
  }
  return locs;
}

function removeClosePeaks(locsIn: number[], x: Int32Array, minDistance: number): number[] {
  // Largest first (stable insertion order as in the C code), then drop neighbours.
  let locs = [...locsIn].sort((a, b) => item(x, b) - item(x, a));
  for (let i = -1; i < locs.length; i++) {
    const kept = locs.slice(0, i + 1);
    // i = −1 compares every peak with a virtual one at −1, as the C code does.
    const ref = i === -1 ? -1 : item(locs, i);
    for (let j = i + 1; j < locs.length; j++) {
      const loc = item(locs, j);
      const dist = loc - ref;
      if (dist > minDistance || dist < -minDistance) kept.push(loc);
    }
    locs = kept;
  }
  return locs.sort((a, b) => a - b);
}

/**
 * Runs the reference routine on one window of raw ADC counts (integers expected; values are
 * truncated to integers as the uint32 buffers of the C code would hold them).
 */
export function maximReference(red: Samples, ir: Samples, sampleRateHz = 25): MaximResult {
  const n = min(red.length, ir.length);
  const irInt = Int32Array.from({ length: n }, (_, k) => trunc(sampleAt(ir, k)));
  const redInt = Int32Array.from({ length: n }, (_, k) => trunc(sampleAt(red, k)));
  const fs = round(sampleRateHz);
  const out: MaximResult = { heartRate: INVALID, heartRateValid: false, spo2: INVALID, spo2Valid: false, ratioX100: 0, valleys: [] };
  if (n < MA4_SIZE + 2) return out;

  let sum = 0;
  for (const v of irInt) sum += v;
  const irMean = idiv(sum, n);
  const x = irInt.map((v) => -(v - irMean));
  for (let k = 0; k < n - MA4_SIZE; k++) x[k] = idiv(item(x, k) + item(x, k + 1) + item(x, k + 2) + item(x, k + 3), 4);
  let th = 0;
  for (const v of x) th += v;
  th = min(MAX_THRESHOLD, max(MIN_THRESHOLD, idiv(th, n)));

  const valleys = removeClosePeaks(peaksAboveMinHeight(x, th), x, MIN_PEAK_DISTANCE).slice(0, MAX_PEAKS);
  out.valleys = valleys;
  if (valleys.length >= 2) {
    let intervalSum = 0;
    for (let k = 1; k < valleys.length; k++) intervalSum += item(valleys, k) - item(valleys, k - 1);
    intervalSum = idiv(intervalSum, valleys.length - 1);
    out.heartRate = idiv(fs * 60, intervalSum);
    out.heartRateValid = true;
  }

  const ratios: number[] = [];
  for (let k = 0; k < valleys.length - 1; k++) {
    const v0 = item(valleys, k);
    const v1 = item(valleys, k + 1);
    if (v1 - v0 <= 3) continue;
    let xMax = -16777216;
    let yMax = -16777216;
    let xMaxIdx = v0;
    let yMaxIdx = v0;
    for (let i = v0; i < v1; i++) {
      const xi = item(irInt, i);
      const yi = item(redInt, i);
      if (xi > xMax) {
        xMax = xi;
        xMaxIdx = i;
      }
      if (yi > yMax) {
        yMax = yi;
        yMaxIdx = i;
      }
    }
    const [x0, x1, y0, y1] = [item(irInt, v0), item(irInt, v1), item(redInt, v0), item(redInt, v1)];
    const yLine = y0 + idiv(imul(y1 - y0, yMaxIdx - v0), v1 - v0);
    const yAc = item(redInt, yMaxIdx) - yLine;
    const xLine = x0 + idiv(imul(x1 - x0, xMaxIdx - v0), v1 - v0);
    const xAc = item(irInt, yMaxIdx) - xLine; // sic: IR sampled at the red maximum
    const nume = imul(yAc, xMax) >> 7;
    const denom = imul(xAc, yMax) >> 7;
    if (denom > 0 && ratios.length < 5 && nume !== 0) ratios.push(idiv(imul(nume, 100), denom));
  }
  ratios.sort((a, b) => a - b);
  const mid = idiv(ratios.length, 2);
  const ratio = mid > 1 ? idiv(item(ratios, mid - 1) + item(ratios, mid), 2) : (ratios[mid] ?? 0);
  out.ratioX100 = ratio;
  if (ratio > 2 && ratio < 184) {
    out.spo2 = maximSpo2FromRatioX100(ratio);
    out.spo2Valid = true;
  }
  return out;
}
