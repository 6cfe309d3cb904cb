/**
 * Real recordings through the three algorithms, as whole recordings (one window per file) and as
 * sliding windows with a 1 s hop, and the cross-validated calibrations that turn their ratios
 * into SpO2:
 *  - `leaveOneOut`: each file's SpO2 from a robust line fitted to the OTHER files' whole-recording
 *    ratios (a calibration study with that file left out);
 *  - `transfer`: a curve fitted on another data set (finger → ear), applied as is;
 *  - `onePointRefit`: for each file, every OTHER file in turn serves as the single reference
 *    reading of a one-point offset re-fit of the transferred curve (calibration.ts).
 * Ours applies a curve only inside its fitted domain (refusing outside); the previous algorithm
 * and Maxim's, which have no domain, get the curve as they used it (capped at 100 %).
 * Also: the OxiWear recordings as streams (proto1 finger, proto2 ear).
 */
import { calibrate, calibrationFromPoints, refitOffset, type SensorCalibration } from '../../device-emulator/algorithm/calibration';
import fs from 'node:fs';
import path from 'node:path';
import { resample } from '../../device-emulator/algorithm/resample';
import type { WindowScore } from './metrics';
import { loadOxiwearFolder, OXIWEAR_SETTLING_SAMPLES } from './oxiwear';
import { loadProto2Folder } from './proto2';
import { createRunner, windowEnds, type AlgorithmName, type Reading } from './runners';

export interface Stream {
  name: string;
  reference: { spo2: number; heartRate: number };
  red: Float64Array;
  ir: Float64Array;
  ambient?: Float64Array;
  fs: number;
}

export interface StreamReadings {
  whole: Reading;
  windows: Reading[];
}

export interface RunResult {
  readings: StreamReadings[];
  ns: number;
  windows: number;
}

/** Whole recording (fresh tracker) and sliding windows (fresh tracker, in order) per stream. */
export function runStreams(streams: readonly Stream[], name: AlgorithmName, windowS: number, hopS = 1): RunResult {
  let ns = 0;
  let windows = 0;
  const readings = streams.map((s) => {
    const wholeRunner = createRunner(name, s.fs);
    const whole = wholeRunner.run(s.red, s.ir, s.fs, s.ambient);
    const runner = createRunner(name, s.fs);
    const win = Math.round(windowS * s.fs);
    const slid = windowEnds(s.ir.length, win, Math.round(hopS * s.fs)).map((end) =>
      runner.run(s.red.subarray(end - win, end), s.ir.subarray(end - win, end), s.fs, s.ambient?.subarray(end - win, end)),
    );
    ns += runner.ns + wholeRunner.ns;
    windows += runner.windows + wholeRunner.windows;
    return { whole, windows: slid };
  });
  return { readings, ns, windows };
}

/** A calibration as the algorithm would use it: ours refuses outside the domain, others cap. */
export type Apply = (ratio: number) => number | undefined;

export function applier(name: AlgorithmName, cal: SensorCalibration): Apply {
  return (ratio) => {
    const c = calibrate(ratio, cal);
    if (name === 'ours') return c.inDomain ? c.spo2 : undefined;
    return Math.min(100, c.spo2);
  };
}

/** Calibration fitted on the whole-recording ratios of `streams` (indices in `use`). */
export function fitOn(name: AlgorithmName, streams: readonly Stream[], run: RunResult, use: (i: number) => boolean, id: string): SensorCalibration | undefined {
  const pts = streams
    .map((s, i) => ({ i, ratio: run.readings[i].whole.ratio, spo2: s.reference.spo2 }))
    .filter((p): p is { i: number; ratio: number; spo2: number } => use(p.i) && p.ratio !== undefined && Number.isFinite(p.ratio));
  if (pts.length < 3) return undefined;
  return calibrationFromPoints(pts, { id, sensor: name, site: 'training set', fittedOn: `${pts.length} recordings` });
}

function scored(s: Stream, r: Reading, apply: Apply | undefined): WindowScore {
  const spo2 = apply && r.ratio !== undefined ? apply(r.ratio) : undefined;
  return {
    truthHeartRate: s.reference.heartRate,
    truthSpo2: s.reference.spo2,
    clean: true,
    heartRate: r.heartRate,
    spo2,
    // A ratio the (cross-validated) curve refused is out of its calibration, whatever the
    // algorithm's own default curve said.
    reason: spo2 === undefined && r.ratio !== undefined ? 'out-of-calibration' : r.reason,
  };
}

export type Mode = 'whole' | 'windows';
const pick = (r: StreamReadings, mode: Mode) => (mode === 'whole' ? [r.whole] : r.windows);

/** Scores with one calibration per stream, `calFor(i)` (undefined: no SpO2). */
export function scoreWith(streams: readonly Stream[], run: RunResult, mode: Mode, calFor: (i: number) => Apply | undefined): WindowScore[] {
  return streams.flatMap((s, i) => {
    const apply = calFor(i);
    return pick(run.readings[i], mode).map((r) => scored(s, r, apply));
  });
}

export function leaveOneOut(name: AlgorithmName, streams: readonly Stream[], run: RunResult, mode: Mode): WindowScore[] {
  return scoreWith(streams, run, mode, (i) => {
    const cal = fitOn(name, streams, run, (j) => j !== i, `loo-${i}`);
    return cal && applier(name, cal);
  });
}

/**
 * One-point re-fit, cross-validated: stream i is scored once per other stream j that has a
 * whole-recording ratio, with `parent` moved through j's (ratio, reference).
 */
export function onePointRefit(name: AlgorithmName, streams: readonly Stream[], run: RunResult, mode: Mode, parent: SensorCalibration): WindowScore[] {
  const out: WindowScore[] = [];
  streams.forEach((s, i) => {
    streams.forEach((t, j) => {
      const ratio = run.readings[j].whole.ratio;
      if (j === i || ratio === undefined) return;
      const apply = applier(name, refitOffset(parent, { ratio, spo2: t.reference.spo2 }));
      for (const r of pick(run.readings[i], mode)) out.push(scored(s, r, apply));
    });
  });
  return out;
}

/** Readings with the algorithm's own SpO2 (Maxim's published curve), no recalibration. */
export function asPublished(streams: readonly Stream[], run: RunResult, mode: Mode): WindowScore[] {
  return streams.flatMap((s, i) => pick(run.readings[i], mode).map((r) => ({ ...scored(s, r, undefined), spo2: r.spo2 })));
}

/* ── The real recordings as benchmark streams ── */

/** Shared data folder: CI clones the repository with shared/ beside it, so never hard-code /work. */
export const PROTO1_DIR = path.resolve(__dirname, '../../../shared/data/ppg/oxiwear/proto1');
export const DEVICE_RATE_HZ = 25;

/**
 * OxiWear proto1 (MAXM86161 kit, finger, 64 Hz): LED-settling samples dropped, resampled to the
 * device's 25 Hz; time from the sample counter. `flagged` = names with the undocumented `_`.
 */
export function proto1Streams(): Array<Stream & { flagged: boolean }> {
  if (!fs.existsSync(PROTO1_DIR)) return [];
  return loadOxiwearFolder(PROTO1_DIR).map((r) => {
    const prep = (x: number[]) => resample(x.slice(OXIWEAR_SETTLING_SAMPLES), r.sampleRateHz, DEVICE_RATE_HZ);
    return {
      name: r.name,
      reference: { spo2: r.reference.spo2, heartRate: r.reference.heartRate },
      flagged: r.reference.flagged,
      red: prep(r.red),
      ir: prep(r.ir),
      ambient: prep(r.ambient),
      fs: DEVICE_RATE_HZ,
    };
  });
}

/** OxiWear proto2 (prototype, ear, 24.995 Hz), at its own rate. Unattached files come separately. */
export function proto2Streams(): { attached: Stream[]; unattached: Stream[] } {
  const all = loadProto2Folder().map((r) => ({
    name: r.name,
    reference: r.reference ?? { spo2: Number.NaN, heartRate: Number.NaN },
    red: r.red,
    ir: r.ir,
    ambient: r.ambient,
    fs: r.sampleRateHz,
    attached: r.reference !== undefined,
  }));
  return { attached: all.filter((s) => s.attached), unattached: all.filter((s) => !s.attached) };
}
