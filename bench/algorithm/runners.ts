/**
 * The three algorithms as the benchmark runs them, over a sequence of windows from one stream:
 *  - ours: the current algorithm through its tracker (as the terminal runs it), 8 s windows;
 *  - previous: the frozen pre-issue-17 algorithm (bench/algorithm/previous), stateless, 8 s;
 *  - maxim: Maxim's MAXREFDES117# reference, on the last 4 s of each window (its buffer).
 * Each reading keeps the raw ratio and whether the SpO2 gates other than calibration passed,
 * so the benchmark can apply cross-validated calibrations itself. Also: the cost per window.
 */
import { createPpgSynthesizer } from '../../device-emulator/signal/ppg-synth';
import { maximReference } from '../../device-emulator/algorithm/maxim-baseline';
import { createPpgTracker } from '../../device-emulator/algorithm/tracker';
import type { PpgAlgorithmOptions } from '../../device-emulator/algorithm/types';
import { analyzePpgWindow as analyzePrevious } from './previous/analyze';

export type AlgorithmName = 'ours' | 'previous' | 'maxim';
export const ALGORITHMS: readonly AlgorithmName[] = ['ours', 'previous', 'maxim'];

export interface Reading {
  heartRate?: number;
  /** SpO2 from the algorithm's own (default) calibration, when it gave one. */
  spo2?: number;
  /** Ratio of ratios, when the algorithm's SpO2 gates apart from calibration passed. */
  ratio?: number;
  /** The algorithm's reason for withholding SpO2 (ours and previous). */
  reason?: string;
}

export interface Runner {
  /** One window; `red`/`ir` cover the full (ours/previous) window, maxim takes the last 4 s. */
  run(red: Float64Array, ir: Float64Array, fs: number, ambient?: Float64Array): Reading;
  /** Wall time spent inside the algorithm so far, ns, and windows run. */
  readonly ns: number;
  readonly windows: number;
}

export const MAXIM_WINDOW_S = 4;

export function createRunner(name: AlgorithmName, fs: number, options: PpgAlgorithmOptions = {}): Runner {
  let ns = 0;
  let windows = 0;
  const tracker = createPpgTracker(fs, { ...options, outOfCalibration: 'flag' });
  const timed = <T>(f: () => T): T => {
    const t0 = process.hrtime.bigint();
    const out = f();
    ns += Number(process.hrtime.bigint() - t0);
    windows++;
    return out;
  };
  const run = (red: Float64Array, ir: Float64Array, rate: number, ambient?: Float64Array): Reading => {
    if (name === 'ours') {
      const a = timed(() => tracker.analyze(red, ir, { ambient }));
      const ratioOk = a.spo2Valid || a.spo2Reason === 'out-of-calibration';
      return {
        heartRate: a.heartRateValid ? a.heartRate : undefined,
        spo2: a.spo2Valid ? a.spo2 : undefined,
        ratio: ratioOk ? a.ratio : undefined,
        reason: a.spo2Reason,
      };
    }
    if (name === 'previous') {
      const a = timed(() => analyzePrevious(red, ir, rate));
      return a.valid ? { heartRate: a.heartRate, spo2: a.spo2, ratio: a.ratio } : { reason: a.reason };
    }
    const k = Math.min(ir.length, Math.round(MAXIM_WINDOW_S * rate));
    const b = timed(() => maximReference(red.subarray(red.length - k), ir.subarray(ir.length - k), rate));
    return {
      heartRate: b.heartRateValid ? b.heartRate : undefined,
      spo2: b.spo2Valid ? b.spo2 : undefined,
      ratio: b.spo2Valid ? b.ratioX100 / 100 : undefined,
    };
  };
  return {
    run,
    get ns() {
      return ns;
    },
    get windows() {
      return windows;
    },
  };
}

/** Ends (exclusive sample index) of sliding windows of `win` samples every `hop` samples. */
export function windowEnds(length: number, win: number, hop: number): number[] {
  const ends: number[] = [];
  for (let end = win; end <= length; end += hop) ends.push(end);
  return ends;
}

/**
 * Cost per window, measured apart from the accuracy runs: the same 60 synthetic 8 s windows
 * (25 Hz, normal and hypoxia) through each algorithm in 15 rounds. The machine is shared, so
 * the median round is reported with the best one (the least disturbed by other load).
 */
export interface Cost {
  medianUs: number;
  bestUs: number;
}

export function measureCost(name: AlgorithmName, rounds = 15): Cost {
  const fs = 25;
  const windows: Array<{ red: Float64Array; ir: Float64Array }> = [];
  for (const scenario of ['normal', 'hypoxia']) {
    const s = createPpgSynthesizer({ scenario, seed: 11, sampleRateHz: fs });
    for (let t = 20; t < 20 + 30 * 9; t += 9) {
      const w = s.window(t - 8, t);
      windows.push({ red: w.red, ir: w.ir });
    }
  }
  const perRound: number[] = [];
  const runner = createRunner(name, fs);
  for (let r = 0; r <= rounds; r++) {
    const before = runner.ns;
    for (const w of windows) runner.run(w.red, w.ir, fs);
    if (r > 0) perRound.push((runner.ns - before) / windows.length / 1000); // round 0 warms up the JIT
  }
  perRound.sort((a, b) => a - b);
  return { medianUs: perRound[perRound.length >> 1], bestUs: perRound[0] };
}
