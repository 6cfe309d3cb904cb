/**
 * Scores both algorithms on the real OxiWear recordings: each file (after the LED-settling
 * samples) is resampled from 64 Hz to the device's 25 Hz and analysed as ONE window, and the
 * readings are compared with the file's reference oximeter values.
 *
 * SpO2 calibration is sensor-specific, so the MAXM86161 needs its own curve. It is fitted with
 * leave-one-out cross-validation: each recording's SpO2 comes from a line fitted to the OTHER
 * recordings' (R, reference) pairs, so no reading is scored with a curve that saw it. The
 * baseline is scored as published (fixed Maxim curve) and, for fairness, also recalibrated the
 * same way from its own ratios.
 */
import { analyzePpgWindow } from '../../device-emulator/algorithm/analyze';
import { fitCalibration, spo2FromRatio, type CalibrationPoint, type Spo2Calibration } from '../../device-emulator/algorithm/calibration';
import { maximReference } from '../../device-emulator/algorithm/maxim-baseline';
import { resample } from '../../device-emulator/algorithm/resample';
import type { PpgAnalysis } from '../../device-emulator/algorithm/types';
import type { WindowScore } from './metrics';
import { loadOxiwearFolder, OXIWEAR_SETTLING_SAMPLES, type OxiwearReference } from './oxiwear';

export const DEVICE_RATE_HZ = 25;

export interface RecordingResult {
  name: string;
  reference: OxiwearReference;
  seconds: number;
  ours: PpgAnalysis;
  baseline: ReturnType<typeof maximReference>;
  oursNs: number;
  baselineNs: number;
}

export function analyseRecordings(dir: string): RecordingResult[] {
  return loadOxiwearFolder(dir).map((rec) => {
    const ir = resample(rec.ir.slice(OXIWEAR_SETTLING_SAMPLES), rec.sampleRateHz, DEVICE_RATE_HZ);
    const red = resample(rec.red.slice(OXIWEAR_SETTLING_SAMPLES), rec.sampleRateHz, DEVICE_RATE_HZ);
    const t0 = process.hrtime.bigint();
    const ours = analyzePpgWindow(red, ir, DEVICE_RATE_HZ);
    const t1 = process.hrtime.bigint();
    const baseline = maximReference(red, ir, DEVICE_RATE_HZ);
    const t2 = process.hrtime.bigint();
    return {
      name: rec.name,
      reference: rec.reference,
      seconds: ir.length / DEVICE_RATE_HZ,
      ours,
      baseline,
      oursNs: Number(t1 - t0),
      baselineNs: Number(t2 - t1),
    };
  });
}

/**
 * Leave-one-out SpO2: for every item with a ratio, the SpO2 predicted by a robust straight line
 * fitted to all other items. Items without a ratio map to undefined.
 */
export function leaveOneOutSpo2(items: ReadonlyArray<{ ratio?: number; spo2: number }>): Array<number | undefined> {
  const points = items.map((it, i) => ({ i, ratio: it.ratio, spo2: it.spo2 })).filter((p): p is { i: number; ratio: number; spo2: number } => p.ratio !== undefined);
  return items.map((it, i) => {
    if (it.ratio === undefined) return undefined;
    const cal = fitCalibration(points.filter((p) => p.i !== i));
    return spo2FromRatio(it.ratio, cal);
  });
}

/** Calibration fitted on every usable recording (the curve to deploy; not an error estimate). */
export function fullCalibration(results: readonly RecordingResult[]): Spo2Calibration {
  const pts: CalibrationPoint[] = results.filter((r) => r.ours.valid && r.ours.ratio !== undefined).map((r) => ({ ratio: r.ours.ratio as number, spo2: r.reference.spo2 }));
  return fitCalibration(pts);
}

export interface RealScores {
  /** Ours with leave-one-out calibration. */
  ours: WindowScore[];
  /** Ours with the default (synthetic MAX30102) curve, i.e. uncalibrated for this sensor. */
  oursUncalibrated: WindowScore[];
  /** Baseline as published. */
  baseline: WindowScore[];
  /** Baseline ratios recalibrated with the same leave-one-out procedure. */
  baselineRecalibrated: WindowScore[];
}

export function scoreRecordings(results: readonly RecordingResult[]): RealScores {
  const ref = (r: RecordingResult) => ({ truthHeartRate: r.reference.heartRate, truthSpo2: r.reference.spo2, clean: true });
  const oursLoo = leaveOneOutSpo2(results.map((r) => ({ ratio: r.ours.valid ? r.ours.ratio : undefined, spo2: r.reference.spo2 })));
  const baseLoo = leaveOneOutSpo2(results.map((r) => ({ ratio: r.baseline.spo2Valid ? r.baseline.ratioX100 / 100 : undefined, spo2: r.reference.spo2 })));
  const baseHr = (r: RecordingResult) => (r.baseline.heartRateValid ? r.baseline.heartRate : undefined);
  return {
    ours: results.map((r, i) => ({ ...ref(r), valid: r.ours.valid, heartRate: r.ours.heartRate, spo2: r.ours.valid ? oursLoo[i] : undefined })),
    oursUncalibrated: results.map((r) => ({ ...ref(r), valid: r.ours.valid, heartRate: r.ours.heartRate, spo2: r.ours.spo2 })),
    baseline: results.map((r) => ({
      ...ref(r),
      valid: r.baseline.heartRateValid && r.baseline.spo2Valid,
      heartRate: baseHr(r),
      spo2: r.baseline.spo2Valid ? r.baseline.spo2 : undefined,
    })),
    baselineRecalibrated: results.map((r, i) => ({
      ...ref(r),
      valid: r.baseline.heartRateValid && r.baseline.spo2Valid,
      heartRate: baseHr(r),
      spo2: baseLoo[i],
    })),
  };
}
