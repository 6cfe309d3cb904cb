/**
 * The vital signs the system measures, their Alink property identifiers, units and the ranges a
 * reading must fall in to be stored. Ranges are "physiologically possible", not "normal": alerting
 * on abnormal values is a separate concern; these only reject readings that cannot be real.
 */

export type VitalKey = 'temperature' | 'heartRate' | 'spo2';

export interface VitalSpec {
  key: VitalKey;
  /** Property identifier in the Alink thing model (what devices send in `params`). */
  property: string;
  unit: string;
  /** Inclusive lower bound of a possible reading. */
  min: number;
  /** Inclusive upper bound of a possible reading. */
  max: number;
  /** Decimals kept when storing. */
  decimals: number;
}

/**
 * Bounds: skin/body temperature below 25 °C or above 45 °C is a detached or faulty sensor
 * (survivable core temperatures span roughly 26–44 °C); heart rates outside 20–300 bpm are not
 * produced by a living patient at rest monitoring; SpO2 is a percentage, and pulse oximeters are
 * not calibrated below ~50 %, so lower values are sensor artefacts.
 */
export const VITALS: readonly VitalSpec[] = [
  { key: 'temperature', property: 'BodyTemperature', unit: '°C', min: 25, max: 45, decimals: 2 },
  { key: 'heartRate', property: 'HeartRate', unit: 'bpm', min: 20, max: 300, decimals: 1 },
  { key: 'spo2', property: 'SpO2', unit: '%', min: 50, max: 100, decimals: 1 },
];

const byProperty = new Map(VITALS.map((v) => [v.property, v] as const));

export function vitalByProperty(property: string): VitalSpec | undefined {
  return byProperty.get(property);
}

/** A stored reading: one timestamp, any subset of the vitals. */
export interface Reading {
  /** Measurement time, ms since the Unix epoch (UTC). */
  ts: number;
  temperature?: number;
  heartRate?: number;
  spo2?: number;
}

export type VitalCheck = { ok: true; value: number } | { ok: false; reason: 'type' | 'range'; message: string };

/** Validates one property value: a finite number inside the spec's possible range. */
export function checkVital(spec: VitalSpec, value: unknown): VitalCheck {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return { ok: false, reason: 'type', message: `${spec.property} must be a number` };
  }
  if (value < spec.min || value > spec.max) {
    return {
      ok: false,
      reason: 'range',
      message: `${spec.property} ${value} ${spec.unit} is outside the possible range ${spec.min}–${spec.max}`,
    };
  }
  const f = 10 ** spec.decimals;
  return { ok: true, value: Math.round(value * f) / f };
}

/**
 * The range a family is shown as normal for each vital: the values NEWS2 scores 0 (Royal College
 * of Physicians, National Early Warning Score 2, chart 1; SpO2 scale 1), the same bands the alert
 * rules start from (`core/alerts`), so a tile never calls "normal" what an alert calls abnormal.
 * Inclusive; values are compared after rounding to `NORMAL_DECIMALS`.
 */
export interface NormalRange {
  low: number;
  high: number;
}

export const NORMAL_RANGES: Readonly<Record<VitalKey, NormalRange>> = {
  temperature: { low: 36.1, high: 38.0 },
  heartRate: { low: 51, high: 90 },
  spo2: { low: 96, high: 100 },
};

/** Decimals a value is rounded to before it is compared with its normal range (as the alert bands do). */
export const NORMAL_DECIMALS: Readonly<Record<VitalKey, number>> = { temperature: 1, heartRate: 0, spo2: 0 };

export type RangeLevel = 'low' | 'normal' | 'high';

/** Where a value sits against its vital's normal range. */
export function rangeLevel(key: VitalKey, value: number): RangeLevel {
  const f = 10 ** NORMAL_DECIMALS[key];
  const v = Math.round(value * f) / f;
  const r = NORMAL_RANGES[key];
  return v < r.low ? 'low' : v > r.high ? 'high' : 'normal';
}
