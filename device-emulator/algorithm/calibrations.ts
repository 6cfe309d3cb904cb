/**
 * SpO2 calibrations as configuration, one per sensor class and body site, each with the range of
 * ratios it was fitted on (outside it a reading is refused or flagged, see calibration.ts).
 * A new sensor or site gets its own entry: fitted on its own data (`calibrationFromPoints`) or,
 * with a single reference reading, re-fitted from a parent of the same class (`refitOffset`);
 * docs/algorithm.md, "Calibrating a new sensor".
 */
import type { SensorCalibration } from './calibration';

/**
 * Maxim's curve for the MAX30102 reference design (MAXREFDES117#, algorithm.cpp):
 * SpO2 = −45.060·R² + 30.354·R + 94.845. Our synthetic finger sensor is built on it for
 * 70–100 % (device-emulator/signal/spo2-curve.ts), i.e. R from the vertex (0.337, 100 %) to
 * 1.152 (70 %); Maxim does not publish the range of its own fit, so that is the domain.
 */
export const MAX30102_FINGER: SensorCalibration = Object.freeze({
  id: 'max30102-finger',
  sensor: 'MAX30102 (660/880 nm), reflective, 18-bit',
  site: 'finger',
  curve: Object.freeze({ a: 94.845, b: 30.354, c: -45.06 }),
  ratioRange: Object.freeze([0.337, 1.152] as const),
  fittedOn: 'Maxim MAXREFDES117# published curve; domain = 70–100 % on that curve',
});

/**
 * Maxim MAXM86161 evaluation kit on a finger: robust (L1) line fitted by `npm run
 * bench:algorithm` ("deploy curve") to the whole-recording ratios of the 54 OxiWear proto1 files
 * whose SpO2 gates pass (one subject, reference 70–98 %),
 * ratios as the current algorithm measures them. For deployment only: the benchmark never scores
 * with it (it refits leave-one-out).
 */
export const MAXM86161_FINGER: SensorCalibration = Object.freeze({
  id: 'maxm86161-finger',
  sensor: 'MAXM86161 evaluation kit, reflective, 19-bit',
  site: 'finger',
  curve: Object.freeze({ a: 113.52, b: -36.2, c: 0 }),
  ratioRange: Object.freeze([0.426, 1.232] as const),
  fittedOn: 'OxiWear proto1, 54 recordings, one subject, 70–98 % (L1 line)',
});

export const CALIBRATIONS: readonly SensorCalibration[] = Object.freeze([MAX30102_FINGER, MAXM86161_FINGER]);
