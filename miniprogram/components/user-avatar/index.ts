/**
 * A person's avatar: their picture, or — when they have none or it does not load — the first
 * character of their name on a coloured disc.
 */
import { defineComponent } from '../../common/component';
import { initialOf } from './model';

defineComponent({
  properties: {
    /** What `<image>` shows ('' = no picture); see `services/avatar.ts`. */
    src: { type: String, value: '' },
    name: { type: String, value: '' },
    /** `large` (我的) | `small` (member rows) */
    size: { type: String, value: 'small' },
  },
  data: { initial: '我', failed: false },
  observers: {
    name(name: string) {
      this.setData({ initial: initialOf(name) });
    },
    src() {
      this.setData({ failed: false });
    },
  },
  lifetimes: {
    attached() {
      this.setData({ initial: initialOf(this.data.name) });
    },
  },
  methods: {
    onError() {
      this.setData({ failed: true });
    },
  },
});
