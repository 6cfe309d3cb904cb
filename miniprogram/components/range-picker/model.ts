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
    case '7d':
      return { from: now - 7 * DAY_MS, to: now };
    case '30d':
      return { from: now - 30 * DAY_MS, to: now };
  }
}
