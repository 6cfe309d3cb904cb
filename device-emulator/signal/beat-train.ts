/**
 * Random-access heartbeat timing with realistic variability.
 *
 * The cardiac phase (in beats) is
 *   φ(t) = ∫ HR_scenario dt / 60                        (keyframed mean rate)
 *        − RSA/(60·2π·f_r) · cos θ_r(t)                 (respiratory sinus arrhythmia, peak RSA bpm)
 *        − MAYER/(60·2π·0.1 Hz) · cos(2π·0.1·t + ψ)     (~10 s baroreflex "Mayer" waves)
 *        + 0.15 · n(t)                                   (slow random drift, 20 s value noise)
 * and beat k falls where φ(t) = k. Each term is a closed form, so any beat is found directly
 * (Newton steps on φ) without simulating from the start, and the train is the same whatever
 * order it is queried in. Beat times then get ~1 % independent jitter, and a small share of beats
 * are premature (ectopic) by 30 % of an interval with a smaller stroke, leaving the classic
 * compensatory pause. HRV magnitudes follow the Task Force of the ESC/NASPE, "Heart rate
 * variability: standards of measurement", Circulation 93, 1996.
 */
import type { Profile } from './profile';
import { gaussianAt, smoothNoise, smoothNoiseSlope, Stream, uniformAt } from './rng';
import type { Scenario } from './scenarios';

// Bound once: inside sandboxes such as Jest's vm context every global lookup of `Math` is slow.
const { PI, abs, ceil, cos, floor, max, sin } = Math;

export interface Beat {
  /** Time of the pulse foot, s since the scenario start. */
  t: number;
  /** Local beat interval, s (shapes the pulse contour). */
  rr: number;
  /** Stroke amplitude factor (≈ 1). */
  amplitude: number;
}

const MAYER_BPM = 1.5;
const MAYER_HZ = 0.1;
const DRIFT_BEATS = 0.15;
const DRIFT_SCALE_S = 20;
const JITTER = 0.01;

export class BeatTrain {
  private readonly fr: number;
  private readonly respPhase0: number;
  private readonly mayerPhase: number;
  private readonly beatOffset: number;

  constructor(
    private readonly scenario: Scenario,
    private readonly profile: Profile,
    private readonly seed: number,
  ) {
    this.fr = profile.respirationRate / 60;
    this.respPhase0 = 2 * PI * uniformAt(seed, Stream.respiration, -1e9);
    this.mayerPhase = 2 * PI * uniformAt(seed, Stream.respiration, -1e9 - 1);
    this.beatOffset = uniformAt(seed, Stream.beatJitter, -1e9);
  }

  /** Respiratory phase θ_r (rad): steady rate with slow random phase wander. */
  respirationPhase(tS: number): number {
    return 2 * PI * (this.fr * tS + 0.15 * smoothNoise(this.seed, Stream.respiration, tS, 15)) + this.respPhase0;
  }

  private phase(tS: number): number {
    const rsa = (-this.profile.rsa / (60 * 2 * PI * this.fr)) * cos(this.respirationPhase(tS));
    const mayer = (-MAYER_BPM / (60 * 2 * PI * MAYER_HZ)) * cos(2 * PI * MAYER_HZ * tS + this.mayerPhase);
    const drift = DRIFT_BEATS * smoothNoise(this.seed, Stream.hrDrift, tS, DRIFT_SCALE_S);
    return this.scenario.heartRateIntegral(tS) / 60 + rsa + mayer + drift + this.beatOffset;
  }

  /** Instantaneous rate, beats/s (derivative of the phase; RSA term approximated). */
  private rate(tS: number): number {
    const hr = this.scenario.drive(tS).heartRate;
    const rsa = this.profile.rsa * sin(this.respirationPhase(tS));
    const mayer = MAYER_BPM * sin(2 * PI * MAYER_HZ * tS + this.mayerPhase);
    return (hr + rsa + mayer) / 60 + DRIFT_BEATS * smoothNoiseSlope(this.seed, Stream.hrDrift, tS, DRIFT_SCALE_S);
  }

  /** Time where the phase reaches `k` (Newton from a nearby guess). */
  private solve(k: number, guess: number): number {
    let t = guess;
    for (let i = 0; i < 8; i++) {
      const err = this.phase(t) - k;
      if (abs(err) < 1e-7) break;
      t -= err / max(0.2, this.rate(t));
    }
    return t;
  }

  /** Beats whose foot lies in [fromS, toS), in time order. */
  beatsBetween(fromS: number, toS: number): Beat[] {
    const first = ceil(this.phase(fromS - 1.5));
    const last = floor(this.phase(toS + 1.5));
    const beats: Beat[] = [];
    let guess = fromS - 1.5;
    for (let k = first; k <= last; k++) {
      const t0 = this.solve(k, guess);
      guess = t0 + 1 / max(0.3, this.rate(t0));
      const d = this.scenario.drive(t0);
      const rr = 60 / d.heartRate;
      const ectopic = uniformAt(this.seed, Stream.ectopic, k) < d.ectopicRate;
      const t = t0 + JITTER * rr * gaussianAt(this.seed, Stream.beatJitter, k) - (ectopic ? 0.3 * rr : 0);
      const breath = 1 + this.profile.amplitudeModulation * sin(this.respirationPhase(t));
      const amplitude = breath * (1 + 0.04 * gaussianAt(this.seed, Stream.beatAmplitude, k)) * (ectopic ? 0.55 : 1);
      if (t >= fromS && t < toS) beats.push({ t, rr, amplitude });
    }
    return beats;
  }
}
