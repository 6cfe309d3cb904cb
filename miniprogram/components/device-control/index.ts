/**
 * Remote control of a bedside device: measurement on/off, the interval, and "measure now". The
 * page sends the command; this block shows its progress: pending while the device has not
 * answered, then done, or failed (rejected, timed out, offline — applied when it reconnects).
 */
import { defineComponent } from '../../common/component';
import { type ControlOutcome, INTERVALS_S, intervalText } from './model';

defineComponent({
  properties: {
    online: { type: Boolean, value: false },
    enabled: { type: Boolean, value: true },
    intervalS: { type: Number, value: 60 },
    /** The command in flight: `` | `enabled` | `interval` | `measure`. */
    pending: { type: String, value: '' },
    /** What happened to the last command. */
    outcome: { type: Object, value: null as ControlOutcome | null },
    deviceLabel: { type: String, value: '' },
    /** Who last changed the settings and when (`张丽于 11-26 20:15 修改了设置`), or ``. */
    changed: { type: String, value: '' },
  },
  data: {
    intervalLabels: INTERVALS_S.map(intervalText),
    intervalIndex: INTERVALS_S.indexOf(60),
    intervalLabel: intervalText(60),
  },
  observers: {
    intervalS(s: number) {
      this.setData({ intervalIndex: Math.max(0, INTERVALS_S.indexOf(s)), intervalLabel: intervalText(s) });
    },
  },
  methods: {
    onToggle(e: WechatMiniprogram.SwitchChange) {
      if (this.data.pending) return;
      this.triggerEvent('toggle', { enabled: e.detail.value });
    },
    onInterval(e: WechatMiniprogram.PickerChange) {
      if (this.data.pending) return;
      const intervalS = INTERVALS_S[Number(e.detail.value)];
      if (intervalS !== undefined && intervalS !== this.data.intervalS) this.triggerEvent('interval', { intervalS });
    },
    onMeasure() {
      if (this.data.pending || !this.data.enabled || !this.data.online) return;
      this.triggerEvent('measure', {});
    },
  },
});
