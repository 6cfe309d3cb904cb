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
