/**
 * A terminal's measurement settings and how `thing.service.property.set` changes them. Pure: the
 * device validates a request with it, and so does the `command` function before storing it as the
 * desired state — one set of rules for both.
 */
import { DesiredProperty, MEASURE_INTERVAL_RANGE_S } from './messages';

export interface MeasureSettings {
  enabled: boolean;
  /** Seconds between scheduled measurements. */
  intervalS: number;
}

export type SettingsChange = { ok: true; settings: MeasureSettings } | { ok: false; message: string };

/** Applies a property-set request; every property must be valid or nothing changes. */
export function applyPropertySet(current: MeasureSettings, params: Record<string, unknown>): SettingsChange {
  const next = { ...current };
  const keys = Object.keys(params);
  if (keys.length === 0) return { ok: false, message: 'no properties to set' };
  for (const key of keys) {
    const v = params[key];
    if (key === DesiredProperty.MeasureEnabled) {
      if (v !== 0 && v !== 1 && v !== true && v !== false) return { ok: false, message: 'MeasureEnabled must be 0 or 1' };
      next.enabled = v === 1 || v === true;
    } else if (key === DesiredProperty.MeasureInterval) {
      const { min, max } = MEASURE_INTERVAL_RANGE_S;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
        return { ok: false, message: `MeasureInterval must be whole seconds from ${min} to ${max}` };
      }
      next.intervalS = v;
    } else {
      return { ok: false, message: `unknown property ${key}` };
    }
  }
  return { ok: true, settings: next };
}

/** Settings as property values (replies, property set): the Alink thing model uses 0/1 for booleans. */
export function reported(s: MeasureSettings): Record<string, number> {
  return { [DesiredProperty.MeasureEnabled]: s.enabled ? 1 : 0, [DesiredProperty.MeasureInterval]: s.intervalS };
}

/** Reads settings back from property values (a device's reply data); undefined if incomplete. */
export function settingsFromProperties(data: Record<string, unknown>): MeasureSettings | undefined {
  const enabled = data[DesiredProperty.MeasureEnabled];
  const interval = data[DesiredProperty.MeasureInterval];
  if ((enabled !== 0 && enabled !== 1) || typeof interval !== 'number') return undefined;
  return { enabled: enabled === 1, intervalS: interval };
}
