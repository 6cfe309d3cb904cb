/** History range presets and the span each stands for. */
import { startOfDay } from '../../common/time';

export type Preset = 'today' | '24h' | '7d' | '30d' | 'custom';

export const DAY_MS = 86_400_000;

export const PRESETS: ReadonlyArray<{ key: Preset; label: string }> = [
  { key: 'today', label: '今天' },
  { key: '24h', label: '24小时' },
  { key: '7d', label: '7天' },
  { key: '30d', label: '30天' },
  { key: 'custom', label: '自定义' },
];

/** The [from, to) a preset stands for at `now`. */
export function presetRange(preset: Exclude<Preset, 'custom'>, now: number): { from: number; to: number } {
  switch (preset) {
    case 'today':
      return { from: startOfDay(now), to: now };
    case '24h':
      return { from: now - DAY_MS, to: now };
    // Whole calendar days, today included: a daily summary then has 7 (30) full rows.
    case '7d':
      return { from: startOfDay(startOfDay(now) - 6 * DAY_MS + DAY_MS / 2), to: now };
    case '30d':
      return { from: startOfDay(startOfDay(now) - 29 * DAY_MS + DAY_MS / 2), to: now };
  }
}
