/**
 * MAX30205 skin-temperature probe (Maxim, 2016 datasheet: ±0.1 °C from 37 to 39 °C, 16-bit,
 * LSB 0.00390625 °C). The probe is applied at scenario start (t = 0) coming from room air, and
 * behaves as a first-order thermal lag with time constant τ (probe mass against skin):
 *   dT/dt = (T_skin(t) − T) / τ,   T(0) = T_ambient.
 * Skin temperature = core − gradient (gradient from the scenario: vasoconstriction widens it,
 * vasodilation narrows it). The reading adds the part's calibration offset and 0.01 °C noise and
 * is quantised to the LSB. The lag is integrated over the last 10 τ only (what happened earlier
 * has decayed to < 5·10⁻⁵), so any instant is computed on its own.
 */
import type { Profile } from './profile';
import { gaussianAt, Stream } from './rng';
import type { Scenario } from './scenarios';

export const MAX30205_LSB = 0.00390625;

export interface TemperatureProbe {
  /** Probe reading (°C) at `tS` seconds after the start; room temperature before it. */
  readingAt(tS: number): number;
  /** `count` readings at fromS, fromS + stepS, … (one integration pass; same values as readingAt). */
  readings(fromS: number, stepS: number, count: number): number[];
}

/** Integration step as a share of τ, and the history integrated before the first reading. */
const STEP_SHARE = 0.05;
const HISTORY_TAUS = 10;

export function createTemperatureProbe(scenario: Scenario, profile: Profile, seed: number): TemperatureProbe {
  const tau = profile.temperatureTau;
  const skin = (t: number) => {
    const d = scenario.drive(t);
    return d.coreTemperature - d.skinGradient;
  };
  /**
   * Lagged probe temperature at times asked in ascending order, starting from `t0`. Integration
   * runs on a fixed grid of τ/20 anchored at t = 0, so a time gets the same value whichever batch
   * it is computed in.
   */
  const laggedFrom = (t0: number) => {
    const h = tau * STEP_SHARE;
    const decay = Math.exp(-STEP_SHARE);
    let k = Math.max(0, Math.floor((t0 - HISTORY_TAUS * tau) / h));
    // State at grid point k: room air if the probe was just applied, otherwise settled on the skin.
    let value = k === 0 ? profile.ambientTemperature : skin(k * h);
    return (t: number): number => {
      if (t <= 0) return profile.ambientTemperature;
      while ((k + 1) * h <= t) {
        // Exact first-order step for an input held at the interval's midpoint value.
        const target = skin((k + 0.5) * h);
        value = target + (value - target) * decay;
        k++;
      }
      const rest = t - k * h;
      const target = skin(k * h + rest / 2);
      return target + (value - target) * Math.exp(-rest / tau);
    };
  };
  const finish = (tS: number, value: number) => {
    const noise = 0.01 * gaussianAt(seed, Stream.temperatureNoise, Math.round(tS * 10));
    return Math.round((value + profile.temperatureOffset + noise) / MAX30205_LSB) * MAX30205_LSB;
  };
  return {
    readingAt(tS: number): number {
      return finish(tS, laggedFrom(tS)(tS));
    },
    readings(fromS: number, stepS: number, count: number): number[] {
      const lagged = laggedFrom(fromS);
      return Array.from({ length: count }, (_, i) => {
        const t = fromS + i * stepS;
        return finish(t, lagged(t));
      });
    },
  };
}
