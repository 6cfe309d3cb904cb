/**
 * A light vitals source for load tests and quick demos: each vital follows a mean-reverting random
 * walk (Ornstein–Uhlenbeck) around a resting baseline, so consecutive readings are plausible and
 * correlated. It skips the PPG signal chain, which costs far more per reading.
 */
import { gaussianAt, Stream } from '../signal/rng';
import type { Measurement, VitalsSource } from './types';

export interface SteadySourceOptions {
  /** Seed of the deterministic generator. Default 1. */
  seed?: number;
  /** Resting baselines. Defaults: 36.6 °C, 72 bpm, 97.5 %. */
  baseline?: { temperature?: number; heartRate?: number; spo2?: number };
}

export function createSteadySource(opts: SteadySourceOptions = {}): VitalsSource {
  const seed = opts.seed ?? 1;
  let draw = 0;
  const gauss = () => gaussianAt(seed, Stream.steadyVitals, draw++);
  const base = { temperature: 36.6, heartRate: 72, spo2: 97.5, ...opts.baseline };
  const state = { ...base };
  // Pull back 10 % of the way to baseline per reading, plus noise of roughly a sensor's jitter.
  const step = (x: number, mu: number, sd: number) => x + 0.1 * (mu - x) + sd * gauss();
  return {
    measure(at: number): Measurement {
      state.temperature = step(state.temperature, base.temperature, 0.05);
      state.heartRate = step(state.heartRate, base.heartRate, 1.5);
      state.spo2 = Math.min(100, step(state.spo2, base.spo2, 0.3));
      return {
        at,
        bodyTemperature: Math.round(state.temperature * 10) / 10,
        heartRate: Math.round(state.heartRate),
        spo2: Math.round(state.spo2 * 10) / 10,
      };
    },
  };
}
