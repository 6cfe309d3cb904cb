/**
 * Ratio of ratios R = (AC_red/DC_red) / (AC_ir/DC_ir) from DC-normalised, band-passed signals.
 *
 * Three estimators are computed; the regression one is reported and the other two cross-check it:
 *  - regression: least-squares slope of red on IR over the whole window. It uses every sample
 *    and all harmonics of the pulse, and red-channel noise, being uncorrelated with IR, averages
 *    out of the cross-product instead of inflating R as it does in peak-to-peak or RMS ratios
 *    (the low-perfusion failure of time-domain methods). On the OxiWear recordings it gave the
 *    lowest cross-validated SpO2 error of the three (docs/algorithm.md).
 *  - spectral: Re(X_red·conj(X_ir)) / |X_ir|² at the pulse fundamental and second harmonic
 *    (Hann window), the FFT method of T. L. Rusch, R. Sankar & J. E. Scharf, "Signal processing
 *    methods for pulse oximetry", Comput. Biol. Med. 26(2), 1996. Only noise inside a bin
 *    ~1/T wide enters, so it disagrees with the regression when broadband artefacts are present.
 *  - per beat: median over beats of the red/IR upstroke amplitude ratio (Maxim's idea, done on
 *    filtered signals); disagrees when single beats are corrupted.
 */
import type { Beat } from './beats';
import { dftAt, hann } from './periodicity';
import { median } from './stats';

// Bound once: inside sandboxes such as Jest's vm context every global lookup of `Math` is slow.
const { abs, max, min, sqrt } = Math;

export interface RatioEstimate {
  /** Least-squares slope of red on IR: the value used for SpO2. */
  ratio: number;
  /** Spectral cross-ratio at the pulse harmonics. */
  spectral: number;
  /** Median per-beat amplitude ratio (NaN without beats). */
  perBeat: number;
  /**
   * Standard error of the regression ratio relative to it, counting the band-limited residual
   * as 2·B·T independent samples (B = pass-band width, T = window length).
   */
  uncertainty: number;
}

/** Harmonics of the pulse rate used by the spectral estimator. */
const HARMONICS = 2;

export function estimateRatio(
  red: Float64Array,
  ir: Float64Array,
  beats: readonly Beat[],
  pulseHz: number,
  sampleRateHz: number,
  minHz: number,
  maxHz: number,
): RatioEstimate {
  const wr = hann(red);
  const wi = hann(ir);
  let cross = 0;
  let power = 0;
  for (let h = 1; h <= HARMONICS; h++) {
    const f = h * pulseHz;
    if (f > maxHz) break;
    const xr = dftAt(wr, f, sampleRateHz);
    const xi = dftAt(wi, f, sampleRateHz);
    cross += xr.re * xi.re + xr.im * xi.im;
    power += xi.re * xi.re + xi.im * xi.im;
  }
  let sri = 0;
  let sii = 0;
  for (let i = 0; i < ir.length; i++) {
    sri += red[i] * ir[i];
    sii += ir[i] * ir[i];
  }
  const slope = sii > 0 ? sri / sii : Number.NaN;
  let residual = 0;
  for (let i = 0; i < ir.length; i++) residual += (red[i] - slope * ir[i]) ** 2;
  // Var(slope) = σ²/(N·mean(ir²)) with N independent samples; a band-limited residual carries
  // N = 2·B·T of them (B = pass-band width, T = window length), whatever the sample rate.
  const independent = max(3, 2 * (maxHz - minHz) * (ir.length / sampleRateHz));
  const uncertainty = sqrt(residual / ((independent - 1) * sii)) / abs(slope);
  const perBeat = beats
    .map((b) => {
      const lo = max(0, b.foot - 1);
      const hi = min(red.length - 1, b.peak + 1);
      let rMax = -Infinity;
      let rMin = Infinity;
      for (let i = b.peak - 1; i <= hi && i >= 0; i++) rMax = max(rMax, red[i]);
      for (let i = lo; i <= b.foot + 1; i++) rMin = min(rMin, red[i]);
      return (rMax - rMin) / b.amplitude;
    })
    .filter((r) => Number.isFinite(r));
  return {
    ratio: slope,
    spectral: power > 0 ? cross / power : Number.NaN,
    perBeat: perBeat.length > 0 ? median(perBeat) : Number.NaN,
    uncertainty,
  };
}
