/**
 * One vital sign as a large tile: value, unit, its normal range, the reading's time, and markers
 * a family member cannot miss — a value outside the normal range in red with a word (偏高, 偏快 …,
 * never colour alone), and an old value (stale) or an offline device greyed with its age.
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
    /** The normal range, `正常 51–90`. */
    range: { type: String, value: '' },
    /** The word for a value outside the normal range (`偏快`), or ``. */
    flag: { type: String, value: '' },
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
