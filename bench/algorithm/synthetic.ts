/**
 * Runs the three algorithms over a synthetic scenario the way the terminal would: a window ending
 * every second (hop 1 s), each reading scored against the truth at the window end. Options
 * synthesise conditions no real recording here has: other sample rates, weaker perfusion and a
 * red channel without pulse.
 */
import { createPpgSynthesizer } from '../../device-emulator/signal/ppg-synth';
import type { WindowScore } from './metrics';
import { ALGORITHMS, createRunner, type AlgorithmName } from './runners';

export interface SyntheticRunOptions {
  /** Seconds of scenario to score (from t = 0). */
  durationS: number;
  seed: number;
  /** Default 25. */
  sampleRateHz?: number;
  /** Window, s. Default 8. */
  windowS?: number;
  /** Pulse amplitude multiplier (both channels). Default 1. */
  perfusionScale?: number;
  /** Red pulse multiplier (0 = red channel without pulse). Default 1. */
  redPulseScale?: number;
}

export type SyntheticRun = Record<AlgorithmName, { scores: WindowScore[]; ns: number; windows: number }>;

export function runSyntheticScenario(scenario: string, opts: SyntheticRunOptions): SyntheticRun {
  const fs = opts.sampleRateHz ?? 25;
  const windowS = opts.windowS ?? 8;
  const win = Math.round(windowS * fs);
  const synth = createPpgSynthesizer({
    scenario,
    seed: opts.seed,
    sampleRateHz: fs,
    perfusionScale: opts.perfusionScale,
    redPulseScale: opts.redPulseScale,
  });
  const first = -win;
  const all = synth.samples(first, Math.round(opts.durationS * fs) + win + 1);
  const runners = ALGORITHMS.map((name) => ({ name, runner: createRunner(name, fs), scores: [] as WindowScore[] }));
  for (let tS = 1; tS <= opts.durationS; tS++) {
    const end = Math.round(tS * fs) - first + 1; // exclusive index of the sample at tS
    const truth = synth.scenario.truthAt(tS * 1000);
    let clean = true;
    for (let s = tS - windowS; s <= tS; s += 0.5) {
      const tr = synth.scenario.truthAt(s * 1000);
      if (!tr.fingerOn || tr.motion) clean = false;
    }
    const red = all.red.subarray(end - win, end);
    const ir = all.ir.subarray(end - win, end);
    for (const r of runners) {
      const reading = r.runner.run(red, ir, fs);
      r.scores.push({
        truthHeartRate: truth.heartRate,
        truthSpo2: truth.spo2,
        clean,
        heartRate: reading.heartRate,
        spo2: reading.spo2,
        reason: reading.reason,
      });
    }
  }
  const out = {} as SyntheticRun;
  for (const r of runners) out[r.name] = { scores: r.scores, ns: r.runner.ns, windows: r.runner.windows };
  return out;
}
