/**
 * Vitals source for the device emulator: a synthetic patient (device-emulator/signal) seen
 * through the emulated MAX30102 + MAX30205 and analysed by the on-device algorithm
 * (device-emulator/algorithm), exactly as the terminal firmware would: each `measure(at)`
 * synthesises the raw samples ending at `at` and runs the HR/SpO2 algorithm on 8 s windows,
 * and estimates body temperature from the last 30 s of probe readings. The terminal runs the
 * algorithm every second with a rate tracker (algorithm/tracker.ts); `measure` replays the
 * windows of the TRACK_WINDOWS seconds before `at` through a fresh tracker, so the reading has
 * the tracker's continuity and still depends on nothing but `at`.
 *
 * Deterministic: the same (scenario, seed, sampleRateHz, startedAt) gives the same measurement
 * for the same `at`, whatever order the calls come in.
 */
import { createPpgTracker } from '../algorithm/tracker';
import { estimateBodyTemperature, type TemperatureSample } from '../algorithm/temperature';
import { createPpgSynthesizer } from '../signal/ppg-synth';
import { assertScenarioName, isScenarioName, SCENARIOS, type ScenarioName } from '../signal/scenarios';
import { createTemperatureProbe } from '../signal/temperature';
import type { Measurement, VitalsSource } from './types';

export { SCENARIOS, isScenarioName, type ScenarioName };
export type { Measurement, VitalsSource } from './types';

/** Analysis window of each measurement, s. */
export const PPG_WINDOW_S = 8;
/** Windows (1 s apart) run through the tracker for each measurement, the last ending at `at`. */
export const TRACK_WINDOWS = 4;
/** Probe history used for the temperature estimate, s (one reading per second). */
export const TEMPERATURE_HISTORY_S = 30;

/**
 * Checks a scenario name coming from a CLI flag or config.
 * @throws RangeError naming the valid scenarios.
 */
export function validateScenarioName(name: string): ScenarioName {
  assertScenarioName(name);
  return name;
}

export interface PpgVitalsSourceOptions {
  /** One of `SCENARIOS`. */
  scenario: string;
  /** Seed of the synthetic subject, device and noise. Default 1. */
  seed?: number;
  /** Sensor output rate, samples/s. Default 25 (MAX30102 at 100 sps, 4× averaging). */
  sampleRateHz?: number;
  /** Wall-clock ms at which the scenario (and the temperature probe) starts. Default: now. */
  startedAt?: number;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

export function createPpgVitalsSource(opts: PpgVitalsSourceOptions): VitalsSource {
  const scenario = validateScenarioName(opts.scenario);
  const seed = opts.seed ?? 1;
  const startedAt = opts.startedAt ?? Date.now();
  if (!Number.isFinite(startedAt)) throw new RangeError('startedAt must be a finite number of ms');
  const synth = createPpgSynthesizer({ scenario, seed, sampleRateHz: opts.sampleRateHz });
  const probe = createTemperatureProbe(synth.scenario, synth.profile, seed);
  const fs = synth.sampleRateHz;

  return {
    measure(at: number): Measurement {
      const tS = (at - startedAt) / 1000;
      const m: Measurement = { at };
      const span = PPG_WINDOW_S + TRACK_WINDOWS - 1;
      const w = synth.window(tS - span, tS);
      const win = Math.round(PPG_WINDOW_S * fs);
      const tracker = createPpgTracker(fs);
      let a = tracker.analyze(w.red.subarray(0, win), w.ir.subarray(0, win));
      for (let k = 1; k < TRACK_WINDOWS; k++) {
        const end = w.ir.length - Math.round((TRACK_WINDOWS - 1 - k) * fs);
        a = tracker.analyze(w.red.subarray(end - win, end), w.ir.subarray(end - win, end));
      }
      if (a.heartRateValid && a.heartRate !== undefined) m.heartRate = Math.round(a.heartRate);
      else m.invalidReason = a.heartRateReason ?? 'low-quality';
      if (a.spo2Valid && a.spo2 !== undefined) m.spo2 = round1(a.spo2);
      else m.spo2InvalidReason = a.spo2Reason ?? m.invalidReason ?? 'low-quality';
      const from = tS - (TEMPERATURE_HISTORY_S - 1);
      const history: TemperatureSample[] = probe.readings(from, 1, TEMPERATURE_HISTORY_S).map((celsius, i) => ({ tS: from + i, celsius }));
      const temp = estimateBodyTemperature(history);
      if (temp.valid) m.bodyTemperature = round1(temp.bodyTemperature);
      return m;
    },
    rawFrame(from: number, to: number) {
      const w = synth.window((from - startedAt) / 1000, (to - startedAt) / 1000);
      return { rate: fs, red: Array.from(w.red), ir: Array.from(w.ir) };
    },
  };
}
