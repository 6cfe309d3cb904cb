/**
 * One vital sign as a large tile: value, unit, the reading's time, and a marker when the value is
 * old (stale) or the device is offline — a family member must never mistake an old number for now.
 */
import { defineComponent } from '../../common/component';

export type TileState = 'fresh' | 'stale' | 'offline' | 'empty';

const NOTES: Record<TileState, string> = { fresh: '', stale: '数据较旧', offline: '设备离线', empty: '暂无数据' };

defineComponent({
  properties: {
    vital: { type: String, value: '' },
    label: { type: String, value: '' },
    value: { type: String, value: '--' },
    unit: { type: String, value: '' },
    /** When the reading was taken, already formatted. */
    time: { type: String, value: '' },
    state: { type: String, value: 'empty' },
    color: { type: String, value: '#1677ff' },
    selected: { type: Boolean, value: false },
  },
  data: { note: NOTES.empty },
  observers: {
    state(state: string) {
      this.setData({ note: NOTES[state as TileState] ?? '' });
    },
  },
  methods: {
    onTap() {
      this.triggerEvent('select', { vital: this.data.vital });
    },
  },
});
