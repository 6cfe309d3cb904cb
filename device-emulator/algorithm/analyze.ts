/**
 * The on-device heart-rate / SpO2 algorithm: one window of raw red and IR samples in, a heart
 * rate and an SpO2 out, each with its own validity and reason. Pure (the recent rate track, if
 * any, comes in as an option; see tracker.ts); meant to run on a sliding 4–8 s window every second.
 *
 * Pipeline (details and rationale in docs/algorithm.md):
 *  1. DC = window mean; contact evidence from levels, red/IR level ratio, ambient, level steps.
 *  2. Linear detrend, divide by DC, zero-phase Butterworth band-pass (default 0.5–5 Hz).
 *  3. Rate channel = the one whose autocorrelation period is more significant (IR or red);
 *     orientation so systole goes up.
 *  4. Period (autocorrelation, sub-harmonic guard, track hint) → spectral refinement → beats.
 *  5. Spectrum at the pulse harmonics: pulse SNR per channel against its own residual, residual
 *     against the white-noise floor, red/IR coherence, Deming ratio of ratios (ratio.ts).
 *  6. Heart-rate gates (one clean channel; looser when the rate holds the track) and SpO2 gates
 *     (both channels pulsing together, ratio precise, inside the calibration's domain).
 */
import { calibrate } from './calibration';
import { MAX30102_FINGER } from './calibrations';
import { contactEvidence, lacksContact } from './contact';
import { envelopeRatio, slopeSkew } from './features';
import { bandPass, lowPass } from './filters';
import { failureReason, isMoving, judgeSpo2, QUALITY_LIMITS, qualityScore, rateConsistent } from './quality';
import { channelPeriod, measureRate } from './rate';
import { estimateRatio } from './ratio';
import { windowSpectrum } from './spectrum';
import * as stats from './stats';
import { detrendLinear, mean } from './stats';
import type { HeartRateReason, PpgAlgorithmOptions, PpgAnalysis, SignalQualityIndices, Spo2Reason } from './types';

// Bound once: inside sandboxes such as Jest's vm context every global lookup of `Math` is slow.
const { abs, ceil, floor, min, round } = Math;
// Bound once, like Math: the per-sample loops would otherwise go through the module's export
// getters on every read (tsx/esbuild), which cost more than the arithmetic.
const { at } = stats;

const DEFAULTS = Object.freeze({
  minHeartRate: 30,
  maxHeartRate: 240,
  passbandHz: [0.5, 5] as const,
  adcFullScale: 262143,
  minWindowSeconds: 2,
});

function emptySqi(): SignalQualityIndices {
  return {
    rateChannel: 'ir',
    perfusionIndex: 0,
    periodicity: 0,
    periodicityZ: 0,
    templateCorrelation: 0,
    pulseSnrIr: 0,
    pulseSnrRed: 0,
    residualOverFloor: Number.NaN,
    redResidualOverFloor: Number.NaN,
    coherence: 0,
    ibiVariation: 1,
    ibiOutlierShare: 1,
    rateDisagreement: 1,
    ratioUncertainty: Number.POSITIVE_INFINITY,
    envelopeRatio: 1,
    dcShift: 0,
    levelRatio: Number.NaN,
    levelShare: Number.NaN,
    ambientShare: Number.NaN,
    beats: 0,
    periodsInWindow: 0,
  };
}

function invalid(reason: HeartRateReason, sqi: SignalQualityIndices, quality = 0, ratio?: number): PpgAnalysis {
  return { valid: false, heartRateValid: false, spo2Valid: false, heartRateReason: reason, spo2Reason: reason, reason, quality, ratio, sqi };
}

/** `x` detrended and divided by `dc`. */
function normalised(x: ArrayLike<number>, dc: number): Float64Array {
  const d = detrendLinear(x);
  for (let i = 0; i < d.length; i++) d[i] = at(d, i) / dc;
  return d;
}

/**
 * Analyses one window. `red` and `ir` are raw samples of equal length, `sampleRateHz` their rate.
 * Windows shorter than `minWindowSeconds` or containing non-finite samples give 'low-quality'.
 * @throws RangeError for a non-positive rate or channels of different lengths.
 */
export function analyzePpgWindow(red: ArrayLike<number>, ir: ArrayLike<number>, sampleRateHz: number, options: PpgAlgorithmOptions = {}): PpgAnalysis {
  const fs = sampleRateHz;
  const minHr = options.minHeartRate ?? DEFAULTS.minHeartRate;
  const maxHr = options.maxHeartRate ?? DEFAULTS.maxHeartRate;
  const [lo, hiOpt] = options.passbandHz ?? DEFAULTS.passbandHz;
  const cal = options.calibration ?? MAX30102_FINGER;
  if (!(fs > 0)) throw new RangeError(`sampleRateHz must be positive, got ${fs}`);
  if (red.length !== ir.length) throw new RangeError(`red and ir differ in length (${red.length} vs ${ir.length})`);
  const n = ir.length;
  const hi = min(hiOpt, 0.45 * fs);
  let finite = true;
  for (let i = 0; i < n && finite; i++) finite = Number.isFinite(ir[i]) && Number.isFinite(red[i]);
  if (n < (options.minWindowSeconds ?? DEFAULTS.minWindowSeconds) * fs || !finite) return invalid('low-quality', emptySqi());
  const dcIr = mean(ir, 0, n);
  const dcRed = mean(red, 0, n);
  const sqi = emptySqi();
  if (!(dcIr > 0 && dcRed > 0)) return invalid('no-contact', sqi);

  const irRaw = normalised(ir, dcIr);
  const redRaw = normalised(red, dcRed);
  let irN = bandPass(irRaw, fs, lo, hi);
  let redN = bandPass(redRaw, fs, lo, hi);
  const slow = lowPass(ir, fs, 0.5);
  const contact = contactEvidence(dcIr, dcRed, slow, options.adcFullScale ?? DEFAULTS.adcFullScale, options.ambient);
  sqi.levelRatio = contact.levelRatio;
  sqi.levelShare = contact.levelShare;
  sqi.ambientShare = contact.ambientShare;
  sqi.dcShift = contact.levelStep * 100;

  // 3–4: the rate channel is whichever shows the more significant period.
  const minLag = floor((60 * fs) / maxHr);
  const maxLag = ceil(min((60 * fs) / minHr, n - round(0.8 * fs)));
  const hint = options.track ? (60 * fs) / options.track.heartRate : undefined;
  const pIr = channelPeriod(irN, fs, minLag, maxLag, hi - lo, hint);
  // Red is only searched when IR alone could not be trusted (saves an autocorrelation per window).
  const irClear = pIr !== undefined && pIr.z >= QUALITY_LIMITS.ACQUIRE.minPeriodicityZ;
  const pRed = irClear ? undefined : channelPeriod(redN, fs, minLag, maxLag, hi - lo, hint);
  const useRed = pRed !== undefined && (pIr === undefined || pRed.z > pIr.z);
  sqi.rateChannel = useRed ? 'red' : 'ir';
  const period = useRed ? pRed : pIr;
  if (slopeSkew(useRed ? redN : irN) <= 0) {
    irN = irN.map((v) => -v);
    redN = redN.map((v) => -v);
  }
  const v = useRed ? redN : irN;
  sqi.envelopeRatio = envelopeRatio(v, fs);

  let ratio: number | undefined;
  let heartRate: number | undefined;
  if (period) {
    const rate = measureRate(v, fs, period, lo, hi);
    heartRate = rate.heartRate;
    Object.assign(sqi, {
      periodicity: rate.periodicity,
      periodicityZ: rate.periodicityZ,
      templateCorrelation: rate.templateCorrelation,
      ibiVariation: rate.ibiVariation,
      ibiOutlierShare: rate.ibiOutlierShare,
      rateDisagreement: rate.rateDisagreement,
      perfusionIndex: rate.perfusionIndex,
      beats: rate.beats.length,
      periodsInWindow: (n / fs) * rate.f0,
    });
    const spec = windowSpectrum(irN, redN, irRaw, redRaw, rate.f0, fs, lo, hi);
    sqi.pulseSnrIr = spec.ir.pulse / spec.ir.residual;
    sqi.pulseSnrRed = spec.red.pulse / spec.red.residual;
    const ch = useRed ? spec.red : spec.ir;
    sqi.residualOverFloor = ch.residual / ch.floor;
    sqi.redResidualOverFloor = spec.red.residual / spec.red.floor;
    const r = estimateRatio(spec);
    sqi.coherence = r.coherence;
    sqi.ratioUncertainty = r.uncertainty;
    ratio = Number.isFinite(r.ratio) ? r.ratio : undefined;
  }

  // 6: heart-rate gates, looser while the rate agrees with the recent track.
  const L = QUALITY_LIMITS;
  const holds =
    options.track !== undefined && heartRate !== undefined && abs(heartRate - options.track.heartRate) <= L.trackTolerance * options.track.heartRate;
  const inRange = heartRate !== undefined && heartRate >= minHr && heartRate <= maxHr;
  const rateOk = inRange && rateConsistent(sqi, holds ? L.HOLD : L.ACQUIRE);
  const coherentPulse =
    rateOk && !(sqi.pulseSnrRed < L.minRedPulseSnr) && !(sqi.pulseSnrIr < L.minRedPulseSnr) && sqi.ratioUncertainty <= L.maxRatioUncertainty;
  const quality = qualityScore(sqi);
  if (lacksContact(contact, coherentPulse)) return invalid('no-contact', sqi, quality, ratio);
  if (isMoving(sqi)) return invalid('motion', sqi, quality, ratio);
  if (!rateOk) return invalid(failureReason(sqi), sqi, quality, ratio);

  let spo2Reason: Spo2Reason | undefined = judgeSpo2(sqi, ratio ?? Number.NaN, cal.ratioRange[0]);
  let spo2: number | undefined;
  let uncalibratedSpo2: number | undefined;
  if (spo2Reason === undefined && ratio !== undefined) {
    const c = calibrate(ratio, cal);
    if (c.inDomain) spo2 = c.spo2;
    else {
      spo2Reason = 'out-of-calibration';
      if (options.outOfCalibration === 'flag') uncalibratedSpo2 = c.spo2;
    }
  }
  const spo2Valid = spo2 !== undefined;
  return {
    valid: spo2Valid,
    heartRateValid: true,
    spo2Valid,
    heartRate,
    spo2,
    uncalibratedSpo2,
    spo2Reason,
    reason: spo2Reason,
    quality,
    ratio,
    sqi,
  };
}
