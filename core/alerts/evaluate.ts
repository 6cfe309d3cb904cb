/**
 * The condition state machine: readings in, "raise", "upgrade" and "clear" out. Pure; the state is
 * a small JSON object the backend stores per patient and condition between batches.
 *
 * - A reading has a level 0–3 per condition (its NEWS2 sub-score, or the combined score's level).
 *   A vital the device did not report (it marks an untrustworthy value by leaving it out) has no
 *   level and changes nothing: invalid readings never trigger.
 * - Persistence: for each level L, the run of consecutive readings at level ≥ L; a condition is
 *   raised (or its severity upgraded) at the highest level whose run has lasted `persistence.readings`
 *   readings or `persistence.seconds`. A single outlier therefore raises nothing.
 * - Hysteresis: an active condition clears only after `clear.readings` consecutive normal readings
 *   spanning at least `clear.seconds`; any abnormal reading restarts the count.
 * - Readings older than the last one seen (a buffered replay) are ignored by the state machine.
 */
import type { Reading, VitalKey } from '../vitals';
import { type AlertRules, combinedLevel, scoreOf, SEVERITY_OF_SCORE, type Severity, SEVERITY_RANK, VITAL_ALERT_KEYS, type VitalAlertKind } from './rules';

export interface ConditionState {
  /** Time of the last reading applied, ms. */
  lastTs: number;
  /** Per level 1–3 (index 0–2): start time and length of the current run at ≥ that level. */
  runFrom: Array<number | null>;
  runCount: number[];
  /** Set while the condition is raised. */
  active?: {
    alertId: string;
    severity: Severity;
    /** Start of the current normal stretch and its length. */
    normalFrom: number | null;
    normalCount: number;
  };
  /** Last value seen (for messages). */
  lastValue?: number;
}

export type ConditionEvent =
  | { type: 'raise'; kind: VitalAlertKind; severity: Severity; level: number; startedAt: number; at: number; value: number }
  | { type: 'upgrade'; kind: VitalAlertKind; alertId: string; severity: Severity; at: number; value: number }
  | { type: 'clear'; kind: VitalAlertKind; alertId: string; at: number; normalFrom: number };

export const emptyCondition = (): ConditionState => ({ lastTs: 0, runFrom: [null, null, null], runCount: [0, 0, 0] });

/** The level of each vital condition in one reading (undefined = not measured / not valid). */
export function levelsOf(r: Reading, rules: AlertRules): Partial<Record<VitalAlertKind, { level: number; value: number }>> {
  const out: Partial<Record<VitalAlertKind, { level: number; value: number }>> = {};
  let sum = 0;
  let all = true;
  for (const key of VITAL_ALERT_KEYS) {
    const v = r[key];
    if (v === undefined) {
      all = false;
      continue;
    }
    const s = scoreOf(rules.bands[key], key, v);
    sum += s;
    out[key] = { level: s, value: v };
  }
  if (all && rules.combined.enabled) out.combined = { level: combinedLevel(sum, rules.combined), value: sum };
  return out;
}

/**
 * Applies one reading's level to a condition. `newAlertId(startedAt)` names the alert a raise
 * creates (stable, so that two evaluations of the same readings create one alert).
 */
export function step(
  state: ConditionState,
  kind: VitalAlertKind,
  ts: number,
  level: number,
  value: number,
  rules: AlertRules,
  newAlertId: (startedAt: number) => string,
): { state: ConditionState; event?: ConditionEvent } {
  if (ts <= state.lastTs) return { state };
  const s: ConditionState = { ...state, lastTs: ts, lastValue: value, runFrom: [...state.runFrom], runCount: [...state.runCount] };
  s.active = state.active ? { ...state.active } : undefined;
  for (let l = 1; l <= 3; l++) {
    if (level >= l) {
      s.runFrom[l - 1] ??= ts;
      s.runCount[l - 1] = (s.runCount[l - 1] ?? 0) + 1;
    } else {
      s.runFrom[l - 1] = null;
      s.runCount[l - 1] = 0;
    }
  }
  // The highest level whose run persisted.
  let persisted = 0;
  for (let l = 3; l >= 1; l--) {
    const from = s.runFrom[l - 1] ?? null;
    if (from !== null && ((s.runCount[l - 1] ?? 0) >= rules.persistence.readings || ts - from >= rules.persistence.seconds * 1000)) {
      persisted = l;
      break;
    }
  }
  if (level > 0 && s.active) {
    s.active.normalFrom = null;
    s.active.normalCount = 0;
  }
  if (persisted > 0) {
    const severity = SEVERITY_OF_SCORE[persisted as 1 | 2 | 3];
    if (!s.active) {
      const startedAt = s.runFrom[0] as number;
      const alertId = newAlertId(startedAt);
      s.active = { alertId, severity, normalFrom: null, normalCount: 0 };
      return { state: s, event: { type: 'raise', kind, severity, level: persisted, startedAt, at: ts, value } };
    }
    if (SEVERITY_RANK[severity] > SEVERITY_RANK[s.active.severity]) {
      s.active.severity = severity;
      return { state: s, event: { type: 'upgrade', kind, alertId: s.active.alertId, severity, at: ts, value } };
    }
    return { state: s };
  }
  if (level === 0 && s.active) {
    s.active.normalFrom ??= ts;
    s.active.normalCount++;
    if (s.active.normalCount >= rules.clear.readings && ts - s.active.normalFrom >= rules.clear.seconds * 1000) {
      const { alertId, normalFrom } = s.active;
      s.active = undefined;
      return { state: s, event: { type: 'clear', kind, alertId, at: ts, normalFrom } };
    }
  }
  return { state: s };
}

/** True when a reading's heart rate and SpO2 were both withheld by the device (finger off, motion …). */
export const isInvalidPpg = (r: Reading): boolean => r.heartRate === undefined && r.spo2 === undefined;

export const VITAL_LABEL: Readonly<Record<VitalKey | 'combined', string>> = {
  spo2: 'SpO2',
  heartRate: 'Heart rate',
  temperature: 'Temperature',
  combined: 'Partial NEWS2 score (3 of 7 parameters)',
};
