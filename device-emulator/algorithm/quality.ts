/**
 * Signal-quality gates: separate ones for the heart rate (one clean channel) and for SpO2 (both
 * channels pulsing together), and a reason that names the cause when a gate fails.
 *
 * The indices follow the usual PPG SQI families (C. Orphanidou et al., IEEE J. Biomed. Health
 * Inform. 19(3), 2015; M. Elgendi, Bioengineering 3(4), 2016), but every threshold is relative:
 * periodicity against chance for the window length, pulse power against the window's own
 * residual, residual against the sensor's own noise floor — none is an absolute perfusion or
 * count level that holds for one board only. Gates come in two levels: `ACQUIRE` for a window
 * on its own, and the looser `HOLD` for a window whose rate agrees with the recent track (Schmitt-
 * trigger hysteresis: lock is hard to get and easy to keep, so a reading does not flicker on and
 * off at the margin).
 */
import type { HeartRateReason, SignalQualityIndices, Spo2Reason } from './types';
import { clamp } from './stats';

export interface RateGates {
  minPeriodicityZ: number;
  /** Mean pulse-bin power over mean residual-bin power, rate channel (≈ 1 for noise). */
  minPulseSnr: number;
  minTemplateCorrelation: number;
  maxIbiVariation: number;
  maxIbiOutlierShare: number;
  maxRateDisagreement: number;
}

export const QUALITY_LIMITS = Object.freeze({
  /** A rate is only trusted from at least 3 beats (2 intervals) ... */
  minBeats: 3,
  /** ... spanning at least 2.5 periods of the window (no sub-harmonic from 1–2 cycles). */
  minPeriodsInWindow: 2.5,
  ACQUIRE: Object.freeze<RateGates>({
    minPeriodicityZ: 3,
    minPulseSnr: 4,
    minTemplateCorrelation: 0.8,
    maxIbiVariation: 0.12,
    maxIbiOutlierShare: 0.4,
    maxRateDisagreement: 0.08,
  }),
  HOLD: Object.freeze<RateGates>({
    minPeriodicityZ: 2.5,
    minPulseSnr: 2.5,
    minTemplateCorrelation: 0.7,
    maxIbiVariation: 0.15,
    maxIbiOutlierShare: 0.5,
    maxRateDisagreement: 0.1,
  }),
  /** A window holds the track when its rate is within this share of the track's. */
  trackTolerance: 0.12,
  /** The red channel carries the pulse when its pulse SNR reaches this (same scale as IR). */
  minRedPulseSnr: 4,
  /**
   * Relative standard error of R: 10 % of R is ≈ 2 % SpO2 on the finger curves, the accuracy
   * pulse oximeters are specified to (ISO 80601-2-61).
   */
  maxRatioUncertainty: 0.1,
  /** Motion: largest/median 1 s RMS of the band-passed signal, and slow level shift in % of DC. */
  maxEnvelopeRatio: 3,
  maxDcShiftPct: 6,
  /** Softer motion signature used to name the reason once a window has failed anyway. */
  motionHintEnvelopeRatio: 2,
  motionHintDcShiftPct: 3,
  /**
   * Residual per bin up to this multiple of the white-noise floor counts as "only sensor noise":
   * a failed window is then blamed on a weak pulse (low perfusion), not on interference.
   */
  maxResidualOverFloorForWeakPulse: 4,
});

const L = QUALITY_LIMITS;

/**
 * Heart-rate gates met at level `g`. The pulse SNR is NaN when a window is so short (< ≈ 3 s)
 * that the harmonics' bins leave fewer than 3 residual bins; it is then not gated, and the
 * window-length-aware periodicity, template and interval tests decide alone.
 */
export function rateConsistent(q: SignalQualityIndices, g: RateGates): boolean {
  return (
    q.beats >= L.minBeats &&
    q.periodsInWindow >= L.minPeriodsInWindow &&
    q.periodicityZ >= g.minPeriodicityZ &&
    !((q.rateChannel === 'ir' ? q.pulseSnrIr : q.pulseSnrRed) < g.minPulseSnr) &&
    q.templateCorrelation >= g.minTemplateCorrelation &&
    q.ibiVariation <= g.maxIbiVariation &&
    q.ibiOutlierShare <= g.maxIbiOutlierShare &&
    q.rateDisagreement <= g.maxRateDisagreement
  );
}

export function isMoving(q: SignalQualityIndices): boolean {
  return q.envelopeRatio > L.maxEnvelopeRatio || q.dcShift > L.maxDcShiftPct;
}

const motionHint = (q: SignalQualityIndices) => q.envelopeRatio > L.motionHintEnvelopeRatio || q.dcShift > L.motionHintDcShiftPct;

/** Weak pulse: only sensor noise competes with it (or, without floor bins, its SNR is low). */
const weakPulse = (residualOverFloor: number, snr: number) =>
  Number.isFinite(residualOverFloor) ? residualOverFloor <= L.maxResidualOverFloorForWeakPulse : snr < L.ACQUIRE.minPulseSnr;

/** Why a window without a trustworthy rate failed, once contact and hard motion are ruled out. */
export function failureReason(q: SignalQualityIndices): HeartRateReason {
  if (motionHint(q)) return 'motion';
  return weakPulse(q.residualOverFloor, q.rateChannel === 'ir' ? q.pulseSnrIr : q.pulseSnrRed) ? 'low-perfusion' : 'low-quality';
}

/**
 * SpO2 gates for a window whose heart rate is valid; undefined = pass. `minCalibratedRatio`: the
 * lower end of the calibration's domain.
 */
export function judgeSpo2(q: SignalQualityIndices, ratio: number, minCalibratedRatio: number): Spo2Reason | undefined {
  if (q.pulseSnrRed < L.minRedPulseSnr || !(ratio > 0)) return 'red-no-pulse';
  if (!(q.ratioUncertainty <= L.maxRatioUncertainty)) {
    if (motionHint(q)) return 'motion';
    if (!weakPulse(q.redResidualOverFloor, q.pulseSnrRed)) return 'low-quality';
    // Low perfusion weakens both wavelengths alike, keeping R physiological. A red pulse smaller,
    // relative to IR, than half the lowest ratio the calibration knows is no saturation at all:
    // the red channel's own failure.
    return ratio < 0.5 * minCalibratedRatio ? 'red-no-pulse' : 'low-perfusion';
  }
  return undefined;
}

/** Sub-scores in [0, 1] averaged into one quality figure. */
export function qualityScore(q: SignalQualityIndices): number {
  const db = (x: number) => 10 * Math.log10(Math.max(x, 1e-9));
  const parts = [
    clamp((q.periodicityZ - 2) / 6, 0, 1),
    clamp((db(q.rateChannel === 'ir' ? q.pulseSnrIr : q.pulseSnrRed) - 3) / 17, 0, 1),
    clamp((q.templateCorrelation - 0.6) / 0.35, 0, 1),
    clamp(1 - q.ibiVariation / 0.25, 0, 1),
    clamp(1 - q.ibiOutlierShare / 0.6, 0, 1),
    clamp(q.coherence, 0, 1),
    clamp(1 - q.ratioUncertainty / 0.15, 0, 1),
    clamp(1 - (q.envelopeRatio - 1.5) / 3, 0, 1),
  ];
  return parts.reduce((a, b) => a + b, 0) / parts.length;
}
