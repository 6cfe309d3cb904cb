/**
 * Signal-quality indices and the gates that turn them into "valid" or a reason.
 *
 * The indices follow the usual PPG SQI families (C. Orphanidou et al., "Signal-quality indices
 * for the electrocardiogram and photoplethysmogram: derivation and applications to wireless
 * monitoring", IEEE J. Biomed. Health Inform. 19(3), 2015; M. Elgendi, "Optimal signal quality
 * index for photoplethysmogram signals", Bioengineering 3(4), 2016): physiological plausibility
 * (perfusion index, rate range), beat-to-beat consistency (interval variation, template
 * correlation), periodicity, agreement between independent estimators, and red/IR coherence
 * (both wavelengths see the same arterial pulse; motion and ambient light break that).
 */
import type { Beat } from './beats';
import { clamp, correlation, mean } from './stats';
import type { InvalidReason, SignalQualityIndices } from './types';

// Bound once: inside sandboxes such as Jest's vm context every global lookup of `Math` is slow.
const { floor, max, min, round, sqrt } = Math;

/** Thresholds of the gates (documented in docs/algorithm.md). */
export const QUALITY_LIMITS = Object.freeze({
  /** A rate is only trusted from at least 3 beats (2 intervals) ... */
  minBeats: 3,
  /** ... spanning at least 2.5 periods of the window (no sub-harmonic from 1–2 cycles). */
  minPeriodsInWindow: 2.5,
  minPeriodicity: 0.6,
  minTemplateCorrelation: 0.8,
  minRedIrCorrelation: 0.75,
  maxIbiVariation: 0.12,
  maxIbiOutlierShare: 0.4,
  maxRateDisagreement: 0.08,
  maxRatioDisagreement: 0.2,
  /**
   * Relative standard error of R. The regression residual also holds genuine red/IR shape
   * differences, so clean real windows already reach 3–6 %; noise-dominated ones exceed 10 %.
   */
  maxRatioUncertainty: 0.1,
  maxEnvelopeRatio: 3,
  maxDcShiftPct: 6,
  /** Softer motion signature used to name the reason once the window has failed anyway. */
  motionHintEnvelopeRatio: 2,
  motionHintDcShiftPct: 3,
  maxLowDcShare: 0.1,
  /** Below this perfusion index (%) a failed window is blamed on perfusion rather than noise. */
  weakPulsePi: 0.25,
});

/**
 * Mean correlation of each beat with the average beat. Beats are cut from 0.3 periods before to
 * 0.7 periods after their onset, resampled to 16 points so that rate changes do not matter.
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
      seg[k] = v[i] + (v[i + 1] - v[i]) * (t - i);
    }
    segments.push(seg);
  }
  if (segments.length < 2) return segments.length === 1 ? 1 : 0;
  const template = new Float64Array(points);
  for (const s of segments) for (let k = 0; k < points; k++) template[k] += s[k] / segments.length;
  return mean(segments.map((s) => correlation(s, template)));
}

/** Largest over median RMS of consecutive 1 s segments of `x`. */
export function envelopeRatio(x: Float64Array, sampleRateHz: number): number {
  const len = max(2, round(sampleRateHz));
  const rms: number[] = [];
  for (let s = 0; s + len <= x.length; s += len) {
    let e = 0;
    for (let i = s; i < s + len; i++) e += x[i] * x[i];
    rms.push(sqrt(e / len));
  }
  if (rms.length < 2) return 1;
  const sorted = [...rms].sort((a, b) => a - b);
  const med = sorted[floor((sorted.length - 1) / 2)];
  return med > 0 ? sorted[sorted.length - 1] / med : Number.POSITIVE_INFINITY;
}

/** Sub-scores in [0, 1] averaged into one quality figure. */
export function qualityScore(q: SignalQualityIndices): number {
  const parts = [
    clamp((q.periodicity - 0.3) / 0.6, 0, 1),
    clamp((q.templateCorrelation - 0.6) / 0.35, 0, 1),
    clamp((q.redIrCorrelation - 0.5) / 0.45, 0, 1),
    clamp(1 - q.ibiVariation / 0.25, 0, 1),
    clamp(1 - q.ibiOutlierShare / 0.6, 0, 1),
    clamp(1 - q.ratioDisagreement / 0.3, 0, 1),
    clamp(1 - q.ratioUncertainty / 0.15, 0, 1),
    clamp(1 - (q.envelopeRatio - 1.5) / 3, 0, 1),
  ];
  return parts.reduce((a, b) => a + b, 0) / parts.length;
}

/** What, if anything, makes the window untrustworthy. `undefined` means valid. */
export function judge(q: SignalQualityIndices, minPerfusionIndex: number, hasPulse: boolean): InvalidReason | undefined {
  const L = QUALITY_LIMITS;
  const movement = q.envelopeRatio > L.maxEnvelopeRatio || q.dcShift > L.maxDcShiftPct;
  const consistent =
    hasPulse &&
    q.beats >= L.minBeats &&
    q.periodsInWindow >= L.minPeriodsInWindow &&
    q.periodicity >= L.minPeriodicity &&
    q.templateCorrelation >= L.minTemplateCorrelation &&
    q.redIrCorrelation >= L.minRedIrCorrelation &&
    q.ibiVariation <= L.maxIbiVariation &&
    q.ibiOutlierShare <= L.maxIbiOutlierShare &&
    q.rateDisagreement <= L.maxRateDisagreement &&
    q.ratioDisagreement <= L.maxRatioDisagreement &&
    q.ratioUncertainty <= L.maxRatioUncertainty;
  if (q.lowDcShare > L.maxLowDcShare && !(consistent && q.lowDcShare === 1)) return 'no-finger';
  if (movement) return 'motion';
  if (hasPulse && q.perfusionIndex < minPerfusionIndex) return 'low-perfusion';
  if (consistent) return undefined;
  if (q.envelopeRatio > L.motionHintEnvelopeRatio || q.dcShift > L.motionHintDcShiftPct) return 'motion';
  return q.perfusionIndex < L.weakPulsePi ? 'low-perfusion' : 'low-quality';
}
