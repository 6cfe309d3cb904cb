/**
 * Shape of one arterial pulse (blood-volume increase, 0 at the foot, peak ≈ 1) as a sum of
 * three components, after the Gaussian-decomposition models of the PPG contour (e.g.
 * M. Huotari et al., "Photoplethysmography and its detailed pulse waveform analysis for arterial
 * stiffness", J. Mech. Mater. Struct. 6, 2011; J. Allen, "Photoplethysmography and its
 * application in clinical physiological measurement", Physiol. Meas. 28, 2007):
 *  - the forward systolic wave: an asymmetric Gaussian with a steep rising side (upstroke
 *    ~0.1–0.15 s) and a slower falling side;
 *  - the reflected (diastolic) wave ~0.2–0.25 s later, whose overlap with the falling systolic
 *    wave leaves the dicrotic notch between them;
 *  - an exponential diastolic run-off that carries the decay to the next beat.
 * Timings shrink with the square root of the beat interval (systole shortens less than diastole
 * at high rates, cf. Bazett-like scaling of the ejection time).
 */

// Bound once: inside sandboxes such as Jest's vm context every global lookup of `Math` is slow.
const { exp, max, min, sqrt } = Math;

export interface PulseShapeParams {
  /** Amplitude of the reflected wave relative to the systolic one (0.25–0.55; lower = stiffer). */
  reflection: number;
}

function timeScale(rrS: number): number {
  return min(1.25, max(0.55, sqrt(rrS / 0.85)));
}

function asymmetricGaussian(t: number, mu: number, left: number, right: number): number {
  const s = t < mu ? left : right;
  const z = (t - mu) / s;
  return exp(-0.5 * z * z);
}

function raw(tauS: number, rrS: number, p: PulseShapeParams): number {
  if (tauS < -0.2) return 0;
  const c = timeScale(rrS);
  const systolic = asymmetricGaussian(tauS, 0.14 * c, 0.05 * c, 0.085 * c);
  const reflected = p.reflection * asymmetricGaussian(tauS, 0.38 * c, 0.055 * c, 0.09 * c);
  const rise = 1 / (1 + exp(-(tauS - 0.1 * c) / (0.025 * c)));
  const runoff = 0.35 * rise * exp(-max(0, tauS - 0.14 * c) / (0.45 * rrS));
  return systolic + reflected + runoff;
}

/** Peak of `raw` over one beat, used to normalise the pulse to unit height. */
function peakOf(rrS: number, p: PulseShapeParams): number {
  let peak = 0;
  for (let tau = 0.05; tau < 0.5; tau += 0.01) peak = max(peak, raw(tau, rrS, p));
  return peak;
}

/**
 * Creates the pulse function of one beat with interval `rrS` (s): value at `tauS` seconds after
 * the beat's foot. Zero before the foot; tends to 0 a few intervals later.
 */
export function makePulse(rrS: number, params: PulseShapeParams): (tauS: number) => number {
  const scale = 1 / peakOf(rrS, params);
  return (tauS: number) => scale * raw(tauS, rrS, params);
}
