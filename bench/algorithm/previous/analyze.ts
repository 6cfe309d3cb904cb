/**
 * The on-device heart-rate / SpO2 algorithm: one window of raw red and IR samples in, one
 * reading (or a reason for not giving one) out. Pure and stateless; meant to run on a sliding
 * 4–8 s window every second.
 *
 * Pipeline (details and rationale in docs/algorithm.md):
 *  1. DC = window mean of each channel; finger presence from the IR level.
 *  2. Linear detrend, zero-phase Butterworth band-pass (default 0.5–5 Hz), divide by DC.
 *  3. Orientation so systole goes up (auto: the steep edge is the systolic one).
 *  4. Period from the autocorrelation (sub-harmonic guard), refined by the spectral peak near it.
 *  5. Beats (mid-upstroke fiducials) → interval-based rate; the reported rate is the mean of the
 *     beat-based and spectral rates, which must agree.
 *  6. Ratio of ratios = least-squares slope of red on IR, cross-checked against the spectral and
 *     per-beat ratios → SpO2 through the calibration curve.
 *  7. Quality indices and gates → valid, or 'no-finger' | 'motion' | 'low-perfusion' | 'low-quality'.
 */
import { interBeatIntervals, detectBeats, type Beat } from './beats';
import { MAX30102_CALIBRATION, spo2FromRatio } from './calibration';
import { bandPass, lowPass } from './filters';
import { estimatePeriod, hann, spectralPeak } from './periodicity';
import { judge, envelopeRatio, qualityScore, templateCorrelation } from './quality';
import { estimateRatio } from './ratio';
import { correlation, detrendLinear, mean, median, std } from './stats';
import type { PpgAlgorithmOptions, PpgAnalysis, SignalQualityIndices } from './types';

// Bound once: inside sandboxes such as Jest's vm context every global lookup of `Math` is slow.
const { SQRT2, abs, ceil, floor, max, min, round } = Math;

const DEFAULTS = Object.freeze({
  minHeartRate: 30,
  maxHeartRate: 240,
  passbandHz: [0.5, 5] as const,
  minDc: 10000,
  minPerfusionIndex: 0.05,
  minWindowSeconds: 2,
});

/** Skewness of the first difference: negative when the signal falls faster than it rises. */
function slopeSkew(x: Float64Array): number {
  const d = new Float64Array(x.length - 1);
  for (let i = 0; i < d.length; i++) d[i] = x[i + 1] - x[i];
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

function emptySqi(lowDcShare: number): SignalQualityIndices {
  return {
    perfusionIndex: 0,
    periodicity: 0,
    templateCorrelation: 0,
    redIrCorrelation: 0,
    ibiVariation: 1,
    ibiOutlierShare: 1,
    rateDisagreement: 1,
    ratioDisagreement: 1,
    envelopeRatio: 1,
    dcShift: 0,
    lowDcShare,
    beats: 0,
    periodsInWindow: 0,
    ratioUncertainty: 1,
  };
}

/**
 * Mean of the intervals within ±25 % of their median, in samples. A premature beat yields one
 * short and one long (compensatory) interval; both are dropped and the mean stays right.
 */
function robustInterval(ibis: readonly number[]): { interval: number; variation: number; outliers: number } | undefined {
  if (ibis.length === 0) return undefined;
  const med = median(ibis);
  const kept = ibis.filter((x) => abs(x - med) <= 0.25 * med);
  if (kept.length === 0) return undefined;
  const m = mean(kept);
  return { interval: m, variation: std(kept) / m, outliers: 1 - kept.length / ibis.length };
}

/**
 * Analyses one window. `red` and `ir` are raw samples of equal length (ADC counts for the
 * default `minDc`), `sampleRateHz` their rate. Windows shorter than `minWindowSeconds` or
 * containing non-finite samples give an invalid 'low-quality' result.
 * @throws RangeError for a non-positive rate or channels of different lengths.
 */
export function analyzePpgWindow(red: ArrayLike<number>, ir: ArrayLike<number>, sampleRateHz: number, options: PpgAlgorithmOptions = {}): PpgAnalysis {
  const opt = {
    minHeartRate: options.minHeartRate ?? DEFAULTS.minHeartRate,
    maxHeartRate: options.maxHeartRate ?? DEFAULTS.maxHeartRate,
    passbandHz: options.passbandHz ?? DEFAULTS.passbandHz,
    minDc: options.minDc ?? DEFAULTS.minDc,
    minPerfusionIndex: options.minPerfusionIndex ?? DEFAULTS.minPerfusionIndex,
    minWindowSeconds: options.minWindowSeconds ?? DEFAULTS.minWindowSeconds,
    polarity: options.polarity ?? 'auto',
  };
  const cal = options.calibration ?? MAX30102_CALIBRATION;
  const fs = sampleRateHz;
  if (!(fs > 0)) throw new RangeError(`sampleRateHz must be positive, got ${fs}`);
  if (red.length !== ir.length) throw new RangeError(`red and ir differ in length (${red.length} vs ${ir.length})`);
  const n = ir.length;
  let finite = true;
  for (let i = 0; i < n && finite; i++) finite = Number.isFinite(ir[i]) && Number.isFinite(red[i]);
  if (n < opt.minWindowSeconds * fs || !finite) {
    return { valid: false, quality: 0, reason: 'low-quality', sqi: emptySqi(0) };
  }
  let low = 0;
  for (let i = 0; i < n; i++) if (ir[i] < opt.minDc) low++;
  const lowDcShare = low / n;
  const dcIr = mean(ir, 0, n);
  const dcRed = mean(red, 0, n);
  if (!(dcIr > 0 && dcRed > 0)) {
    return { valid: false, quality: 0, reason: 'no-finger', sqi: emptySqi(1) };
  }

  const [lo, hi] = opt.passbandHz;
  const irN = bandPass(detrendLinear(ir), fs, lo, hi).map((v) => v / dcIr);
  const redN = bandPass(detrendLinear(red), fs, lo, hi).map((v) => v / dcRed);
  const flip = opt.polarity === 'intensity' || (opt.polarity !== 'volume' && slopeSkew(irN) <= 0);
  if (flip) {
    irN.forEach((v, i) => (irN[i] = -v));
    redN.forEach((v, i) => (redN[i] = -v));
  }
  const slow = lowPass(
    Float64Array.from({ length: n }, (_, i) => ir[i]),
    fs,
    0.5,
  );
  const sqi = emptySqi(lowDcShare);
  sqi.dcShift = ((max(...slow) - min(...slow)) / dcIr) * 100;
  sqi.envelopeRatio = envelopeRatio(irN, fs);
  sqi.redIrCorrelation = correlation(redN, irN);

  const minLag = (60 * fs) / opt.maxHeartRate;
  const maxLag = min((60 * fs) / opt.minHeartRate, n - round(0.8 * fs));
  const period = estimatePeriod(irN, floor(minLag), ceil(maxLag));
  let beats: Beat[] = [];
  let heartRate: number | undefined;
  let ratio: number | undefined;
  if (period) {
    sqi.periodicity = period.strength;
    const f0 = fs / period.lag;
    const fSpec = spectralPeak(hann(irN), fs, max(f0 * 0.85, lo), min(f0 * 1.15, hi)) ?? f0;
    sqi.periodsInWindow = (n / fs) * fSpec;
    beats = detectBeats(irN, fs / fSpec);
    sqi.beats = beats.length;
    const iv = robustInterval(interBeatIntervals(beats));
    const specRate = 60 * fSpec;
    if (iv) {
      const beatRate = (60 * fs) / iv.interval;
      sqi.ibiVariation = iv.variation;
      sqi.ibiOutlierShare = iv.outliers;
      sqi.rateDisagreement = abs(beatRate - specRate) / specRate;
      heartRate = (beatRate + specRate) / 2;
    }
    sqi.templateCorrelation = templateCorrelation(irN, beats, fs / fSpec);
    sqi.perfusionIndex = beats.length > 0 ? median(beats.map((b) => b.amplitude)) * 100 : 2 * SQRT2 * std(irN) * 100;
    const r = estimateRatio(redN, irN, beats, fSpec, fs, lo, min(hi, 0.45 * fs));
    sqi.ratioUncertainty = r.uncertainty;
    ratio = r.ratio;
    const others = [r.spectral, r.perBeat].filter((x) => Number.isFinite(x));
    sqi.ratioDisagreement = others.length ? max(...others.map((x) => abs(x - r.ratio) / abs(r.ratio))) : 1;
  }
  const hasPulse = heartRate !== undefined && ratio !== undefined && Number.isFinite(ratio) && ratio > 0;
  const reason = judge(sqi, opt.minPerfusionIndex, hasPulse);
  const quality = qualityScore(sqi);
  const inRange = heartRate !== undefined && heartRate >= opt.minHeartRate && heartRate <= opt.maxHeartRate;
  if (reason === undefined && hasPulse && inRange && ratio !== undefined) {
    return { valid: true, heartRate, spo2: spo2FromRatio(ratio, cal), quality, ratio, sqi };
  }
  return { valid: false, quality, reason: reason ?? 'low-quality', ratio, sqi };
}
