/**
 * MAX30205 skin-temperature probe (Maxim, 2016 datasheet: ±0.1 °C from 37 to 39 °C, 16-bit,
 * LSB 0.00390625 °C). The probe is applied at scenario start (t = 0) coming from room air, and
 * behaves as a first-order thermal lag with time constant τ (probe mass against skin):
 *   dT/dt = (T_skin(t) − T) / τ,   T(0) = T_ambient.
 * Skin temperature = core − gradient (gradient from the scenario: vasoconstriction widens it,
 * vasodilation narrows it). The reading adds the part's calibration offset and 0.01 °C noise and
 * is quantised to the LSB. The lag is solved as a convolution over the last 10 τ, so any instant
 * is computed on its own (10 τ leaves < 5·10⁻⁵ of the initial difference).
 */
import type { Profile } from './profile';
import { gaussianAt, Stream } from './rng';
import type { Scenario } from './scenarios';

export const MAX30205_LSB = 0.00390625;

export interface TemperatureProbe {
  /** Probe reading (°C) at `tS` seconds after the start; room temperature before it. */
  readingAt(tS: number): number;
}

export function createTemperatureProbe(scenario: Scenario, profile: Profile, seed: number): TemperatureProbe {
  const tau = profile.temperatureTau;
  const skin = (t: number) => {
    const d = scenario.drive(t);
    return d.coreTemperature - d.skinGradient;
  };
  const lagged = (tS: number): number => {
    if (tS <= 0) return profile.ambientTemperature;
    const span = Math.min(tS, 10 * tau);
    const start = tS - span;
    // State at `start`: room air if the probe was just applied, otherwise settled on the skin.
    let value = start <= 0 ? profile.ambientTemperature : skin(start);
    const steps = Math.max(1, Math.ceil(span / (tau / 20)));
    const h = span / steps;
    const decay = Math.exp(-h / tau);
    for (let i = 1; i <= steps; i++) {
      // Exact step for an input held at the interval's midpoint value.
      value = skin(start + (i - 0.5) * h) + (value - skin(start + (i - 0.5) * h)) * decay;
    }
    return value;
  };
  return {
    readingAt(tS: number): number {
      const noise = 0.01 * gaussianAt(seed, Stream.temperatureNoise, Math.round(tS * 10));
      const raw = lagged(tS) + profile.temperatureOffset + noise;
      return Math.round(raw / MAX30205_LSB) * MAX30205_LSB;
    },
  };
}
