/**
 * Spectral view of one window, shared by the quality indices and the ratio of ratios.
 *
 * Both channels are transformed on the DFT bins of the pass band (and a handful above it); the
 * ratio uses the rectangular-window bins (every sample counts, which matters in 3–6 s windows),
 * the power comparisons the Hann-windowed ones derived from them (no leakage). Bins within ±1.5 of a pulse harmonic are "pulse" bins (the Hann main lobe
 * is ±2 bins wide), the other in-band bins are "residual" bins. Comparing mean power per bin in
 * the two sets gives a pulse SNR measured against the signal's OWN residual, whatever the
 * sensor's gain, perfusion or units; under pure noise it is ≈ 1 for any window length, because
 * both sets grow with the window. Bins above the band estimate the white sensor-noise floor
 * (median power per bin, / ln 2 for the χ²₂ median), which tells a weak pulse (residual at the
 * floor) from interference (residual far above it).
 */
import * as stats from './stats';

// Bound once: inside sandboxes such as Jest's vm context every global lookup of `Math` is slow.
const { LN2, PI, ceil, cos, floor, max, min, sin } = Math;
// Bound once, like Math: the per-sample loops would otherwise go through the module's export
// getters on every read (tsx/esbuild), which cost more than the arithmetic.
const { at } = stats;

/** Power per bin of the pulse and residual sets, per channel. */
export interface ChannelPower {
  pulse: number;
  residual: number;
  /** White-noise floor per bin from the bins above the band (NaN when there are none). */
  floor: number;
}

export interface WindowSpectrum {
  ir: ChannelPower;
  red: ChannelPower;
  /** In-band rectangular-window DFT values: IR (x) and red (y), real and imaginary parts. */
  xr: Float64Array;
  xi: Float64Array;
  yr: Float64Array;
  yi: Float64Array;
  /** Magnitude-squared coherence of each in-band bin, smoothed over it and its two neighbours. */
  coherence: Float64Array;
  /** 1 for the bins within ±1.5 of a pulse harmonic. */
  isPulse: Uint8Array;
}

/** Real and imaginary DFT values of two channels at the same bins. */
type Bins = [are: Float64Array, aim: Float64Array, bre: Float64Array, bim: Float64Array];

/**
 * Rectangular-window DFT of `a` and `b` at bins k0 … k1 by the Goertzel recurrence (one multiply
 * and two adds per sample and channel; G. Goertzel, Am. Math. Monthly 65(1), 1958); returns
 * [are, aim, bre, bim]. For an integer bin, X[k] = (s₁·cos w − s₂) + j·s₁·sin w exactly.
 */
function dftBins(a: Float64Array, b: Float64Array, k0: number, k1: number): Bins {
  const n = a.length;
  if (b.length !== n) throw new RangeError(`channels differ in length (${n} vs ${b.length})`);
  const count = max(0, k1 - k0 + 1);
  const out: Bins = [new Float64Array(count), new Float64Array(count), new Float64Array(count), new Float64Array(count)];
  const [are, aim, bre, bim] = out;
  for (let j = 0; j < count; j++) {
    const w = (2 * PI * (k0 + j)) / n;
    const c = cos(w);
    const coeff = 2 * c;
    let a1 = 0;
    let a2 = 0;
    let b1 = 0;
    let b2 = 0;
    for (let i = 0; i < n; i++) {
      const a0 = at(a, i) + coeff * a1 - a2;
      a2 = a1;
      a1 = a0;
      const b0 = at(b, i) + coeff * b1 - b2;
      b2 = b1;
      b1 = b0;
    }
    const s = sin(w);
    are[j] = a1 * c - a2;
    aim[j] = a1 * s;
    bre[j] = b1 * c - b2;
    bim[j] = b1 * s;
  }
  return out;
}

/**
 * Power of the Hann-windowed spectrum at bin j (1 ≤ j ≤ length − 2) from rectangular bins: the
 * periodic Hann window is the 3-tap kernel (−¼, ½, −¼) in frequency (F. J. Harris, Proc. IEEE
 * 66(1), 1978), so one DFT serves both the leakage-free power and the full-data ratio.
 */
function hannPower(re: Float64Array, im: Float64Array, j: number): number {
  const r = 0.5 * at(re, j) - 0.25 * (at(re, j - 1) + at(re, j + 1));
  const i = 0.5 * at(im, j) - 0.25 * (at(im, j - 1) + at(im, j + 1));
  return r * r + i * i;
}

function medianOf(x: Float64Array): number {
  if (x.length === 0) return Number.NaN;
  const s = Float64Array.from(x).sort();
  const m = s.length >> 1;
  return s.length % 2 ? at(s, m) : (at(s, m - 1) + at(s, m)) / 2;
}

/**
 * Spectrum of band-passed, DC-normalised `ir` and `red` around pulse rate `f0` (Hz), with the
 * white-noise floor taken from `irRaw`/`redRaw` (detrended, DC-normalised, not band-passed).
 */
export function windowSpectrum(
  ir: Float64Array,
  red: Float64Array,
  irRaw: Float64Array,
  redRaw: Float64Array,
  f0: number,
  fs: number,
  loHz: number,
  hiHz: number,
): WindowSpectrum {
  const n = ir.length;
  const perHz = n / fs;
  // One bin beyond each band edge so that every in-band bin has both Hann neighbours.
  const k0 = max(1, ceil(loHz * perHz)) - 1;
  const k1 = floor(min(hiHz, 0.45 * fs) * perHz) + 1;
  const [ar, ai, br, bi] = dftBins(ir, red, k0, k1);
  const last = ar.length - 1;
  const isPulse = new Uint8Array(ar.length);
  for (let h = 1; h * f0 <= hiHz; h++) {
    const c = h * f0 * perHz - k0;
    for (let j = ceil(c - 1.5); j <= floor(c + 1.5); j++) if (j >= 1 && j < last) isPulse[j] = 1;
  }
  const acc = { ip: 0, ir: 0, rp: 0, rr: 0, np: 0, nr: 0 };
  for (let j = 1; j < last; j++) {
    const px = hannPower(ar, ai, j);
    const py = hannPower(br, bi, j);
    if (isPulse[j]) {
      acc.ip += px;
      acc.rp += py;
      acc.np++;
    } else {
      acc.ir += px;
      acc.rr += py;
      acc.nr++;
    }
  }
  // Floor: from 0.5 Hz above the band to 0.4·fs (resampled recordings are anti-alias filtered
  // at 0.4 of the new rate), at most 16 bins — enough for a median.
  const g0 = ceil((hiHz + 0.5) * perHz) - 1;
  const g1 = min(floor(0.4 * fs * perHz), g0 + 16) + 1;
  const [fr, fi, gr, gi] = dftBins(irRaw, redRaw, g0, g1);
  const floorOf = (re: Float64Array, im: Float64Array) =>
    re.length > 4 ? medianOf(Float64Array.from({ length: re.length - 2 }, (_, j) => hannPower(re, im, j + 1))) / LN2 : Number.NaN;

  // Coherence of every in-band bin (3-bin Daniell smoothing of the rectangular spectra).
  const m = last - 1;
  const out = { xr: new Float64Array(m), xi: new Float64Array(m), yr: new Float64Array(m), yi: new Float64Array(m), coherence: new Float64Array(m) };
  for (let j = 1; j < last; j++) {
    let sr = 0;
    let si = 0;
    let sx = 0;
    let sy = 0;
    for (let k = j - 1; k <= j + 1; k++) {
      const xr = at(ar, k);
      const xi = at(ai, k);
      const yr = at(br, k);
      const yi = at(bi, k);
      sr += xr * yr + xi * yi;
      si += xi * yr - xr * yi;
      sx += xr * xr + xi * xi;
      sy += yr * yr + yi * yi;
    }
    out.xr[j - 1] = at(ar, j);
    out.xi[j - 1] = at(ai, j);
    out.yr[j - 1] = at(br, j);
    out.yi[j - 1] = at(bi, j);
    out.coherence[j - 1] = sx > 0 && sy > 0 ? (sr * sr + si * si) / (sx * sy) : 0;
  }
  const per = (s: number, c: number) => (c > 0 ? s / c : Number.NaN);
  // Fewer than 3 residual bins (windows under ≈ 3 s) cannot estimate a residual level.
  if (acc.nr < 3) acc.ir = acc.rr = Number.NaN;
  return {
    ir: { pulse: per(acc.ip, acc.np), residual: per(acc.ir, acc.nr), floor: floorOf(fr, fi) },
    red: { pulse: per(acc.rp, acc.np), residual: per(acc.rr, acc.nr), floor: floorOf(gr, gi) },
    ...out,
    isPulse: isPulse.subarray(1, last),
  };
}
