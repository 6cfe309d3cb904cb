/**
 * Runs our algorithm and the Maxim baseline over a synthetic scenario the way the terminal
 * would: a window ending every second (hop 1 s), 8 s for ours and the reference design's 4 s
 * buffer (100 samples at 25 Hz) for the baseline, each scored against the truth at the window end.
 */
import { analyzePpgWindow } from '../../device-emulator/algorithm/analyze';
import { maximReference } from '../../device-emulator/algorithm/maxim-baseline';
import { createPpgSynthesizer } from '../../device-emulator/signal/ppg-synth';
import type { WindowScore } from './metrics';

export interface SyntheticRunOptions {
  /** Seconds of scenario to score (from t = 0). */
  durationS: number;
  seed: number;
  /** Default 25. */
  sampleRateHz?: number;
  /** Our window, s. Default 8. */
  windowS?: number;
  /** Baseline window, s. Default 4 (BUFFER_SIZE of the reference code). */
  baselineWindowS?: number;
}

export interface SyntheticRun {
  ours: WindowScore[];
  baseline: WindowScore[];
  /** Wall time spent inside each algorithm, ns (synthesis excluded). */
  oursNs: number;
  baselineNs: number;
}

export function runSyntheticScenario(scenario: string, opts: SyntheticRunOptions): SyntheticRun {
  const fs = opts.sampleRateHz ?? 25;
  const windowS = opts.windowS ?? 8;
  const win = Math.round(windowS * fs);
  const baseWin = Math.round((opts.baselineWindowS ?? 4) * fs);
  const synth = createPpgSynthesizer({ scenario, seed: opts.seed, sampleRateHz: fs });
  const first = -win;
  const all = synth.samples(first, Math.round(opts.durationS * fs) + win + 1);
  const out: SyntheticRun = { ours: [], baseline: [], oursNs: 0, baselineNs: 0 };
  for (let tS = 1; tS <= opts.durationS; tS++) {
    const end = Math.round(tS * fs) - first + 1; // exclusive index of the sample at tS
    const truth = synth.scenario.truthAt(tS * 1000);
    let clean = true;
    for (let s = tS - windowS; s <= tS; s += 0.5) {
      const tr = synth.scenario.truthAt(s * 1000);
      if (!tr.fingerOn || tr.motion) clean = false;
    }
    const base = { truthHeartRate: truth.heartRate, truthSpo2: truth.spo2, clean };

    const t0 = process.hrtime.bigint();
    const a = analyzePpgWindow(all.red.subarray(end - win, end), all.ir.subarray(end - win, end), fs);
    const t1 = process.hrtime.bigint();
    const b = maximReference(all.red.subarray(end - baseWin, end), all.ir.subarray(end - baseWin, end), fs);
    const t2 = process.hrtime.bigint();
    out.oursNs += Number(t1 - t0);
    out.baselineNs += Number(t2 - t1);
    out.ours.push({ ...base, valid: a.valid, heartRate: a.heartRate, spo2: a.spo2 });
    out.baseline.push({
      ...base,
      valid: b.heartRateValid && b.spo2Valid,
      heartRate: b.heartRateValid ? b.heartRate : undefined,
      spo2: b.spo2Valid ? b.spo2 : undefined,
    });
  }
  return out;
}
