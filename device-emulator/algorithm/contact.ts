/**
 * Is there tissue in front of the sensor? Judged from several kinds of evidence instead of one
 * IR threshold tuned for one board (the previous algorithm's 10 000 counts, which an unattached
 * OxiWear ear sensor exceeds 13-fold from light reflected inside its own housing):
 *
 *  - level: the larger channel far below the ADC full scale (< 2 %) means little light comes
 *    back — with a finger on, LED currents are set to use a good part of the range (Maxim
 *    AN6409, "Guidelines for SpO2 measurement using the MAX30101/MAX30102");
 *  - red/IR level ratio: light that crossed tissue at both wavelengths comes back within a
 *    small factor of each other (0.7–0.95 synthetic, 1.2–1.35 on the proto1 finger recordings),
 *    whereas reflections off a cover or housing depend on the LED geometry and can be 10× apart;
 *  - ambient: when the ambient channel is a large share of the LED signal, the photodiode sees
 *    the room, not tissue;
 *  - a level step inside the window (the finger being put on or taken off).
 *
 * None of these is proof alone (an unusual board may run its LEDs low), so the level, ratio and
 * ambient evidence only count when the window also shows no coherent pulse: a clean pulse at
 * both wavelengths cannot come from anything but perfused tissue. A step always counts.
 */
import * as stats from './stats';

// Bound once, like Math: the per-sample loops would otherwise go through the module's export
// getters on every read (tsx/esbuild), which cost more than the arithmetic.
const { sampleAt } = stats;

/** Evidence thresholds, each a physical margin rather than a fit to one data set. */
export const CONTACT_LIMITS = Object.freeze({
  /** Larger channel DC below this share of full scale: little light returns. */
  minLevelShare: 0.02,
  /** Plausible red/IR DC ratio through tissue: [1/4, 4]. */
  levelRatioRange: [0.25, 4] as const,
  /** Ambient above this share of the smaller LED channel: the room dominates. */
  maxAmbientShare: 0.5,
  /** Slow IR level moving by more than this share of DC within the window: contact changing. */
  maxLevelStep: 0.5,
});

export interface ContactEvidence {
  /** Larger channel DC / full scale (NaN when the full scale is unknown). */
  levelShare: number;
  /** Red DC / IR DC. */
  levelRatio: number;
  /** Ambient DC / smaller LED channel DC (NaN without ambient). */
  ambientShare: number;
  /** (max − min) of the slow IR level / its mean. */
  levelStep: number;
}

export function contactEvidence(
  irDc: number,
  redDc: number,
  slowIr: ArrayLike<number>,
  fullScale: number,
  ambient: ArrayLike<number> | undefined,
): ContactEvidence {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < slowIr.length; i++) {
    const v = sampleAt(slowIr, i);
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  let ambientDc = Number.NaN;
  if (ambient && ambient.length > 0) {
    let s = 0;
    for (let i = 0; i < ambient.length; i++) s += sampleAt(ambient, i);
    ambientDc = s / ambient.length;
  }
  return {
    levelShare: fullScale > 0 ? Math.max(irDc, redDc) / fullScale : Number.NaN,
    levelRatio: redDc / irDc,
    ambientShare: ambientDc / Math.min(irDc, redDc),
    levelStep: irDc > 0 ? (hi - lo) / irDc : Number.POSITIVE_INFINITY,
  };
}

/**
 * True when the window should be reported as `no-contact`. `coherentPulse`: both channels carry
 * the same clean pulse (which only perfused tissue produces).
 */
export function lacksContact(e: ContactEvidence, coherentPulse: boolean): boolean {
  const L = CONTACT_LIMITS;
  if (e.levelStep > L.maxLevelStep) return true;
  const weak = e.levelShare < L.minLevelShare;
  const odd = !(e.levelRatio >= L.levelRatioRange[0] && e.levelRatio <= L.levelRatioRange[1]);
  const room = e.ambientShare > L.maxAmbientShare;
  return (weak || odd || room) && !coherentPulse;
}
