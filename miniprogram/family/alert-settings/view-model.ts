/** Pure rules of the alert settings page: the thresholds in words, the choices an owner has. */
import { type AlertKind, type AlertRules, type Band, SEVERITY_OF_SCORE, VITAL_ALERT_KEYS, type VitalKey } from '../../lib/core';
import { KIND_NAME, SEVERITY_WORD } from '../../common/alerts';

const VITAL_WORD: Record<VitalKey, { name: string; unit: string }> = {
  spo2: { name: '血氧', unit: '%' },
  heartRate: { name: '心率', unit: ' 次/分' },
  temperature: { name: '体温', unit: '°C' },
};

export interface BandLine {
  severity: string;
  word: string;
  text: string;
}

export interface VitalRules {
  key: VitalKey;
  name: string;
  bands: BandLine[];
}

function rangeText(key: VitalKey, b: Band): string {
  const unit = VITAL_WORD[key].unit;
  const n = (v: number) => (key === 'temperature' ? v.toFixed(1) : String(v));
  if (b.min === null) return `${n(b.max!)}${unit} 及以下`;
  if (b.max === null) return `${n(b.min)}${unit} 及以上`;
  return `${n(b.min)}–${n(b.max)}${unit}`;
}

/** Each vital's bands, most serious first: `血氧 91 % 及以下 → 紧急`. */
export function vitalRules(rules: AlertRules): VitalRules[] {
  return VITAL_ALERT_KEYS.map((key) => ({
    key,
    name: VITAL_WORD[key].name,
    bands: [...rules.bands[key]]
      .sort((x, y) => y.score - x.score || (x.min ?? -Infinity) - (y.min ?? -Infinity))
      .map((b) => ({ severity: SEVERITY_OF_SCORE[b.score], word: SEVERITY_WORD[SEVERITY_OF_SCORE[b.score]], text: rangeText(key, b) })),
  }));
}

export const SCALE_CHOICES = [
  { scale: 1, label: '一般情况（血氧 96% 以上算正常）' },
  { scale: 2, label: '慢阻肺等（医生定的目标 88–92%）' },
] as const;

/** How long an urgent alert may wait for someone to confirm before everyone is told again, s. */
export const ESCALATE_CHOICES = [
  { s: 300, label: '5 分钟' },
  { s: 600, label: '10 分钟' },
  { s: 1800, label: '30 分钟' },
] as const;

export interface KindSwitch {
  kind: AlertKind;
  name: string;
  on: boolean;
}

export const SWITCH_KINDS: readonly AlertKind[] = ['spo2', 'heartRate', 'temperature', 'combined', 'no-data', 'offline', 'check-sensor'];

export function kindSwitches(rules: AlertRules): KindSwitch[] {
  return SWITCH_KINDS.map((kind) => ({ kind, name: KIND_NAME[kind], on: !rules.disabled.includes(kind) }));
}

/** The `disabled` list after turning one kind on or off. */
export function toggledDisabled(rules: AlertRules, kind: AlertKind, on: boolean): AlertKind[] {
  const rest = rules.disabled.filter((k) => k !== kind);
  return on ? rest : [...rest, kind];
}
