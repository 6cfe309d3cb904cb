/**
 * Alert rules: what counts as abnormal for a patient, how long it must last, and how severe it is.
 * Pure (no I/O), shared by the backend and (later) the mini program. docs/alerts.md explains the
 * defaults, which follow the NEWS2 single-parameter bands (Royal College of Physicians, National
 * Early Warning Score 2, 2017, chart 1) for the three vitals the terminal measures.
 */
import type { VitalKey } from '../vitals';

export type Severity = 'info' | 'warning' | 'urgent';

/** NEWS2 sub-score of one parameter mapped to a severity: 1 info, 2 warning, 3 urgent (a "red" score). */
export const SEVERITY_OF_SCORE: Readonly<Record<1 | 2 | 3, Severity>> = { 1: 'info', 2: 'warning', 3: 'urgent' };
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { info: 1, warning: 2, urgent: 3 };

export type VitalAlertKind = VitalKey | 'combined';
export type DeviceAlertKind = 'no-data' | 'offline' | 'check-sensor';
export type AlertKind = VitalAlertKind | DeviceAlertKind;
export const ALERT_KINDS: readonly AlertKind[] = ['spo2', 'heartRate', 'temperature', 'combined', 'no-data', 'offline', 'check-sensor'];
export const VITAL_ALERT_KEYS: readonly VitalKey[] = ['spo2', 'heartRate', 'temperature'];

/** A band of values (inclusive; null = open-ended) and its NEWS2 sub-score. Values outside every band score 0. */
export interface Band {
  min: number | null;
  max: number | null;
  score: 1 | 2 | 3;
}

export interface AlertRules {
  /**
   * NEWS2 SpO2 scale: 1 for most patients; 2 for patients with hypercapnic respiratory failure
   * (e.g. COPD) whose target is 88–92 %, chosen by a clinician. With scale 2 the terminal cannot
   * tell whether the patient is on oxygen, so readings are scored as on air.
   */
  spo2Scale: 1 | 2;
  bands: Record<VitalKey, Band[]>;
  /** The sum of the three sub-scores — a partial NEWS2 (3 of its 7 parameters), labelled so. */
  combined: { enabled: boolean; warningAt: number; urgentAt: number };
  /** A condition raises once it held for `readings` consecutive readings or `seconds`, whichever comes first. */
  persistence: { readings: number; seconds: number };
  /** An active condition clears after `readings` consecutive normal readings spanning at least `seconds`. */
  clear: { readings: number; seconds: number };
  device: {
    /** "no data": measurement enabled but no reading for this many measurement intervals. */
    noDataIntervals: number;
    /** "offline": disconnected for longer than this, s. */
    offlineGraceS: number;
    /** "check the sensor": only invalid heart rate/SpO2 (finger off, motion) for this long, s. */
    invalidStretchS: number;
  };
  /** Urgent alerts nobody acknowledged are sent again to every bound member after this, s. */
  escalateAfterS: number;
  /** Kinds that never raise for this patient. */
  disabled: AlertKind[];
}

/** Decimals a vital is rounded to before it is compared with the bands (NEWS2 bands are whole numbers, temperature tenths). */
export const BAND_DECIMALS: Readonly<Record<VitalKey, number>> = { spo2: 0, heartRate: 0, temperature: 1 };

const b = (min: number | null, max: number | null, score: 1 | 2 | 3): Band => ({ min, max, score });

/** NEWS2 SpO2 scale 1: ≤91 → 3, 92–93 → 2, 94–95 → 1. */
export const SPO2_SCALE_1: readonly Band[] = [b(null, 91, 3), b(92, 93, 2), b(94, 95, 1)];
/** NEWS2 SpO2 scale 2 on air: ≤83 → 3, 84–85 → 2, 86–87 → 1 (88–92 and ≥93 on air score 0). */
export const SPO2_SCALE_2: readonly Band[] = [b(null, 83, 3), b(84, 85, 2), b(86, 87, 1)];
/** NEWS2 pulse: ≤40 → 3, 41–50 → 1, 91–110 → 1, 111–130 → 2, ≥131 → 3. */
export const PULSE_BANDS: readonly Band[] = [b(null, 40, 3), b(41, 50, 1), b(91, 110, 1), b(111, 130, 2), b(131, null, 3)];
/** NEWS2 temperature: ≤35.0 → 3, 35.1–36.0 → 1, 38.1–39.0 → 1, ≥39.1 → 2. */
export const TEMPERATURE_BANDS: readonly Band[] = [b(null, 35.0, 3), b(35.1, 36.0, 1), b(38.1, 39.0, 1), b(39.1, null, 2)];

export const spo2BandsOf = (scale: 1 | 2): Band[] => (scale === 2 ? SPO2_SCALE_2 : SPO2_SCALE_1).map((x) => ({ ...x }));

export function defaultRules(spo2Scale: 1 | 2 = 1): AlertRules {
  return {
    spo2Scale,
    bands: { spo2: spo2BandsOf(spo2Scale), heartRate: PULSE_BANDS.map((x) => ({ ...x })), temperature: TEMPERATURE_BANDS.map((x) => ({ ...x })) },
    // NEWS2 aggregate 5–6 is "medium", ≥7 "high" clinical risk; over 3 of 7 parameters it is partial.
    combined: { enabled: true, warningAt: 5, urgentAt: 7 },
    persistence: { readings: 3, seconds: 120 },
    clear: { readings: 3, seconds: 60 },
    device: { noDataIntervals: 3, offlineGraceS: 600, invalidStretchS: 600 },
    escalateAfterS: 600,
    disabled: [],
  };
}

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

/** The NEWS2 sub-score of one value under these bands (0 = in range). */
export function scoreOf(bands: readonly Band[], key: VitalKey, value: number): 0 | 1 | 2 | 3 {
  const v = round(value, BAND_DECIMALS[key]);
  for (const x of bands) if ((x.min === null || v >= x.min) && (x.max === null || v <= x.max)) return x.score;
  return 0;
}

/** The level (0–3) of the partial combined score. */
export function combinedLevel(sum: number, c: AlertRules['combined']): 0 | 2 | 3 {
  return sum >= c.urgentAt ? 3 : sum >= c.warningAt ? 2 : 0;
}

/** Possible ranges of bands per vital (outside them a value is not stored at all). */
const LIMITS: Record<VitalKey, [number, number]> = { spo2: [50, 100], heartRate: [20, 300], temperature: [25, 45] };

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
const isInt = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

function checkBands(key: VitalKey, raw: unknown): string | Band[] {
  if (!Array.isArray(raw) || raw.length > 8) return `bands.${key} must be a list of at most 8 bands`;
  const [lo, hi] = LIMITS[key];
  const out: Band[] = [];
  for (const [i, x] of raw.entries()) {
    if (!isObj(x)) return `bands.${key}[${i}] must be {min, max, score}`;
    const min = x.min ?? null;
    const max = x.max ?? null;
    const num = (v: unknown) => v === null || (typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi);
    if (!num(min) || !num(max)) return `bands.${key}[${i}]: min and max must be numbers within ${lo}–${hi} or null`;
    if (min === null && max === null) return `bands.${key}[${i}]: a band needs a min or a max`;
    if (min !== null && max !== null && (min as number) > (max as number)) return `bands.${key}[${i}]: min is above max`;
    if (x.score !== 1 && x.score !== 2 && x.score !== 3) return `bands.${key}[${i}].score must be 1, 2 or 3`;
    out.push({ min: min as number | null, max: max as number | null, score: x.score });
  }
  const sorted = [...out].sort((a, c) => (a.min ?? -Infinity) - (c.min ?? -Infinity));
  let previous: Band | undefined;
  for (const band of sorted) {
    if (previous && (band.min ?? -Infinity) <= (previous.max ?? Infinity)) return `bands.${key}: bands overlap`;
    previous = band;
  }
  return sorted;
}

export type RulesCheck = { ok: true; rules: AlertRules } | { ok: false; message: string };

/**
 * Applies an owner's change to the current rules and validates the result. A change of
 * `spo2Scale` without SpO2 bands takes the scale's NEWS2 bands.
 */
export function applyRulesChange(current: AlertRules, change: unknown): RulesCheck {
  if (!isObj(change)) return { ok: false, message: '"rules" must be an object' };
  const known = ['spo2Scale', 'bands', 'combined', 'persistence', 'clear', 'device', 'escalateAfterS', 'disabled'];
  const unknown = Object.keys(change).filter((k) => !known.includes(k));
  if (unknown.length) return { ok: false, message: `unknown rule field(s): ${unknown.join(', ')}` };
  const next: AlertRules = JSON.parse(JSON.stringify(current)) as AlertRules;
  const fail = (message: string): RulesCheck => ({ ok: false, message });

  if (change.spo2Scale !== undefined) {
    if (change.spo2Scale !== 1 && change.spo2Scale !== 2) return fail('spo2Scale must be 1 or 2');
    if (change.spo2Scale !== current.spo2Scale) next.bands.spo2 = spo2BandsOf(change.spo2Scale);
    next.spo2Scale = change.spo2Scale;
  }
  if (change.bands !== undefined) {
    if (!isObj(change.bands)) return fail('bands must be an object by vital');
    for (const [k, v] of Object.entries(change.bands)) {
      if (!VITAL_ALERT_KEYS.includes(k as VitalKey)) return fail(`bands: unknown vital ${k}`);
      const checked = checkBands(k as VitalKey, v);
      if (typeof checked === 'string') return fail(checked);
      next.bands[k as VitalKey] = checked;
    }
  }
  const section = <K extends 'combined' | 'persistence' | 'clear' | 'device'>(name: K, limits: Record<string, [number, number]>): string | undefined => {
    const raw = change[name];
    if (raw === undefined) return undefined;
    if (!isObj(raw)) return `${name} must be an object`;
    for (const [k, v] of Object.entries(raw)) {
      if (name === 'combined' && k === 'enabled') {
        if (typeof v !== 'boolean') return 'combined.enabled must be true or false';
        next.combined.enabled = v;
        continue;
      }
      const lim = limits[k];
      if (!lim) return `${name}: unknown field ${k}`;
      if (!isInt(v, lim[0], lim[1])) return `${name}.${k} must be a whole number within ${lim[0]}–${lim[1]}`;
      (next[name] as Record<string, unknown>)[k] = v;
    }
    return undefined;
  };
  const bad =
    section('combined', { warningAt: [1, 9], urgentAt: [1, 9] }) ??
    section('persistence', { readings: [1, 100], seconds: [0, 3600] }) ??
    section('clear', { readings: [1, 100], seconds: [0, 3600] }) ??
    section('device', { noDataIntervals: [2, 100], offlineGraceS: [60, 86_400], invalidStretchS: [60, 86_400] });
  if (bad) return fail(bad);
  if (next.combined.urgentAt < next.combined.warningAt) return fail('combined.urgentAt must not be below combined.warningAt');
  if (change.escalateAfterS !== undefined) {
    if (!isInt(change.escalateAfterS, 60, 86_400)) return fail('escalateAfterS must be a whole number within 60–86400');
    next.escalateAfterS = change.escalateAfterS;
  }
  if (change.disabled !== undefined) {
    if (!Array.isArray(change.disabled) || change.disabled.some((k) => !ALERT_KINDS.includes(k as AlertKind))) {
      return fail(`disabled must list alert kinds (${ALERT_KINDS.join(', ')})`);
    }
    next.disabled = [...new Set(change.disabled as AlertKind[])];
  }
  return { ok: true, rules: next };
}

/** What changed between two rule sets, as `path: before → after` lines (for the audit trail). */
export function diffRules(before: AlertRules, after: AlertRules): string[] {
  const out: string[] = [];
  const walk = (a: unknown, c: unknown, path: string) => {
    if (JSON.stringify(a) === JSON.stringify(c)) return;
    if (isObj(a) && isObj(c)) {
      for (const k of new Set([...Object.keys(a), ...Object.keys(c)])) walk(a[k], c[k], path ? `${path}.${k}` : k);
      return;
    }
    out.push(`${path}: ${JSON.stringify(a)} → ${JSON.stringify(c)}`);
  };
  walk(before, after, '');
  return out;
}
