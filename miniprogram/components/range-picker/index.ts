/**
 * History range: presets (today, 24 h, 7 days, 30 days) or a custom pair of dates. Emits
 * `change` with `{preset, from, to}` in ms; the page loads the history.
 */
import { defineComponent } from '../../common/component';
import { parseDate } from '../../common/time';
import { DAY_MS, PRESETS, type Preset } from './model';

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
      this.triggerEvent('custom', { from, to: toDay + DAY_MS, fromText, toText });
    },
  },
});
