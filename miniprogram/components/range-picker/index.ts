/**
 * History range: presets (today, 24 h, 7 days, 30 days) or a custom pair of dates. Emits
 * `change` with `{preset, from, to}` in ms; the page loads the history.
 */
import { defineComponent } from '../../common/component';
import { parseDate, startOfDay } from '../../common/time';

export type Preset = 'today' | '24h' | '7d' | '30d' | 'custom';

const DAY = 86_400_000;

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
      return { from: now - DAY, to: now };
    case '7d':
      return { from: now - 7 * DAY, to: now };
    case '30d':
      return { from: now - 30 * DAY, to: now };
  }
}

defineComponent({
  properties: {
    selected: { type: String, value: 'today' },
    /** `YYYY-MM-DD` bounds shown in the custom pickers. */
    customFrom: { type: String, value: '' },
    customTo: { type: String, value: '' },
    /** Last selectable day, `YYYY-MM-DD` (today). */
    maxDate: { type: String, value: '' },
  },
  data: { presets: PRESETS, error: '' },
  methods: {
    onPreset(e: WechatMiniprogram.TouchEvent<{}, {}, { key: Preset }>) {
      const key = e.currentTarget.dataset.key;
      this.setData({ error: '' });
      this.triggerEvent('preset', { preset: key });
    },
    onFrom(e: WechatMiniprogram.PickerChange) {
      this.emitCustom(String(e.detail.value), this.data.customTo || String(e.detail.value));
    },
    onTo(e: WechatMiniprogram.PickerChange) {
      this.emitCustom(this.data.customFrom || String(e.detail.value), String(e.detail.value));
    },
    emitCustom(fromText: string, toText: string) {
      const from = parseDate(fromText);
      const toDay = parseDate(toText);
      if (from === undefined || toDay === undefined) return this.setData({ error: '请选择有效日期' });
      if (toDay < from) return this.setData({ error: '结束日期不能早于开始日期' });
      this.setData({ error: '' });
      // The end date is inclusive for people: up to the end of that day.
      this.triggerEvent('custom', { from, to: toDay + DAY, fromText, toText });
    },
  },
});
