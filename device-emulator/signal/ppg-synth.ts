/**
 * Raw red/IR samples of our emulated MAX30102 on a fingertip, as the ESP8266 reads them from
 * the FIFO: 100 conversions/s averaged 4 at a time on chip (SMP_AVE = 4) → 25 samples/s by
 * default, 18-bit counts (MAX30102 datasheet, Maxim 2018: ADC range 16 384 nA, 18-bit, LED pulse
 * width 411 µs).
 *
 * Each conversion at time t (s) and wavelength λ is
 *   I_λ = contact · DC_λ · (1 + drift) · (1 + wander_λ · sin θ_r) · (1 − m_λ · p(t)) · (1 + artefact_λ)
 *       + (1 − contact) · off-level + noise
 * where p is the sum of pulse contours (pulse-shape.ts) of the beats (beat-train.ts), m_ir is
 * the perfusion index and m_red = R(SpO2) · m_ir on the sensor's calibration curve
 * (spo2-curve.ts) with a slow ±2 % optical drift, so detected light DROPS at systole as in real
 * transmitted/reflected PPG.
 * Noise is white Gaussian with shot-noise scaling (σ = k·√level + floor). Motion adds
 * band-limited (≈0.2–3 Hz) intensity modulation and slower pressure shifts to both channels with
 * nearly equal relative size — the venous/tissue artefact that drags naive R towards 1.
 * Every draw is indexed by sample number, so any window can be produced on its own.
 */
import { BeatTrain } from './beat-train';
import { createProfile, type Profile } from './profile';
import { makePulse } from './pulse-shape';
import { gaussianAt, smoothNoise, Stream } from './rng';
import { getScenario, type Scenario } from './scenarios';
import { ratioForSpo2 } from './spo2-curve';

// Bound once: inside sandboxes such as Jest's vm context every global lookup of `Math` is slow.
const { ceil, max, min, round, sin, sqrt } = Math;

/** MAX30102 ADC full scale (18 bit). */
export const ADC_FULL_SCALE = 262143;

export interface PpgSynthesizerOptions {
  /** Scenario name (see SCENARIOS) or an already built scenario. */
  scenario: string | Scenario;
  /** Seed for the subject, the device and all noise; default 1. */
  seed?: number;
  /** Output rate, samples/s; default 25. */
  sampleRateHz?: number;
  /** On-chip averaging factor (conversions per output sample); default 4. */
  averaging?: number;
  /** Multiplies the pulse amplitude of both channels (perfusion stress tests); default 1. */
  perfusionScale?: number;
  /**
   * Multiplies the red channel's pulse only: 0 = a red channel without pulse (an LED or
   * photodiode path that fails, or a site where red light does not reach pulsatile tissue); default 1.
   */
  redPulseScale?: number;
}

export interface PpgWindow {
  /** Index of the first sample; sample n is at n / rate seconds after the scenario start. */
  firstIndex: number;
  red: Float64Array;
  ir: Float64Array;
}

export interface PpgSynthesizer {
  readonly sampleRateHz: number;
  readonly scenario: Scenario;
  readonly profile: Profile;
  /** `count` samples from index `firstIndex` on. */
  samples(firstIndex: number, count: number): PpgWindow;
  /** The samples whose times fall in [fromS, toS). */
  window(fromS: number, toS: number): PpgWindow;
}

/** Longest time a pulse contour contributes after its foot, s. */
const PULSE_SPAN_S = 3;

export function createPpgSynthesizer(options: PpgSynthesizerOptions): PpgSynthesizer {
  const seed = options.seed ?? 1;
  const fs = options.sampleRateHz ?? 25;
  const avg = max(1, round(options.averaging ?? 4));
  if (!(fs > 0)) throw new RangeError('sampleRateHz must be positive');
  const scenario = typeof options.scenario === 'string' ? getScenario(options.scenario) : options.scenario;
  const profile = createProfile(seed);
  const train = new BeatTrain(scenario, profile, seed);
  const conversionRate = fs * avg;
  const piScale = options.perfusionScale ?? 1;
  const redScale = options.redPulseScale ?? 1;

  function samples(firstIndex: number, count: number): PpgWindow {
    const red = new Float64Array(count);
    const ir = new Float64Array(count);
    const tStart = (firstIndex * avg - (avg - 1)) / conversionRate;
    const tEnd = ((firstIndex + count) * avg) / conversionRate;
    const beats = train.beatsBetween(tStart - PULSE_SPAN_S, tEnd).map((b) => ({
      ...b,
      pulse: makePulse(b.rr, { reflection: profile.reflection * min(1, 0.6 / b.rr) }),
    }));
    let first = 0;
    for (let n = 0; n < count; n++) {
      let sumIr = 0;
      let sumRed = 0;
      for (let j = avg - 1; j >= 0; j--) {
        const c = (firstIndex + n) * avg - j; // global conversion index
        const t = c / conversionRate;
        let next = beats[first];
        while (next && next.t < t - PULSE_SPAN_S) next = beats[++first];
        let p = 0;
        for (let b = first, beat = next; beat && beat.t <= t + 0.2; beat = beats[++b]) p += beat.amplitude * beat.pulse(t - beat.t);
        const d = scenario.drive(t);
        const mIr = piScale * (d.perfusionIndex / 100) * (1 + 0.1 * smoothNoise(seed, Stream.perfusion, t, 30));
        // Tissue optics and probe pressure move R by a couple of per cent without any change in
        // saturation — part of why pulse oximeters are specified at ±2 % SpO2 (ISO 80601-2-61).
        const mRed = redScale * ratioForSpo2(d.spo2) * (1 + 0.02 * smoothNoise(seed, Stream.ratioDrift, t, 40)) * mIr;
        const breath = sin(train.respirationPhase(t));
        const drift = 0.01 * smoothNoise(seed, Stream.dcDrift, t, 40);
        const artefact =
          d.motion *
          (0.02 * smoothNoise(seed, Stream.motion, t, 0.18) +
            0.012 * smoothNoise(seed, Stream.motion + 100, t, 0.6) +
            0.03 * smoothNoise(seed, Stream.motion + 200, t, 4));
        const tissueIr = profile.irDc * (1 + drift) * (1 + profile.wander * breath) * (1 - mIr * p) * (1 + artefact);
        const tissueRed = profile.redDc * (1 + drift) * (1 + 0.9 * profile.wander * breath) * (1 - mRed * p) * (1 + profile.motionRedGain * artefact);
        const off = profile.offLevel * (1 + 0.1 * smoothNoise(seed, Stream.ambient, t, 3));
        const levelIr = d.contact * tissueIr + (1 - d.contact) * off;
        const levelRed = d.contact * tissueRed + (1 - d.contact) * off * 0.8;
        sumIr += levelIr + (profile.noiseShot * sqrt(levelIr) + profile.noiseFloor) * gaussianAt(seed, Stream.irNoise, c);
        sumRed += levelRed + (profile.noiseShot * sqrt(levelRed) + profile.noiseFloor) * gaussianAt(seed, Stream.redNoise, c);
      }
      ir[n] = min(ADC_FULL_SCALE, max(0, round(sumIr / avg)));
      red[n] = min(ADC_FULL_SCALE, max(0, round(sumRed / avg)));
    }
    return { firstIndex, red, ir };
  }

  return {
    sampleRateHz: fs,
    scenario,
    profile,
    samples,
    window(fromS: number, toS: number): PpgWindow {
      const first = ceil(fromS * fs - 1e-9);
      const last = ceil(toS * fs - 1e-9);
      return samples(first, max(0, last - first));
    },
  };
}
