/** Loading, empty and error states of a section, with an action (retry, add …); content shows when ready. */
import { defineComponent } from '../../common/component';

defineComponent({
  properties: {
    /** `loading` | `empty` | `error` | `ready` */
    state: { type: String, value: 'loading' },
    title: { type: String, value: '' },
    message: { type: String, value: '' },
    action: { type: String, value: '' },
  },
  methods: {
    onAction() {
      this.triggerEvent('action', {});
    },
  },
});
