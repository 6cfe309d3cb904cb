/** The patients a user follows, as tabs; choosing one tells the page. Hidden for a single patient. */
import { defineComponent } from '../../common/component';
import type { PatientTab } from './model';

defineComponent({
  properties: {
    patients: { type: Array, value: [] as PatientTab[] },
    selected: { type: String, value: '' },
  },
  methods: {
    onTap(e: WechatMiniprogram.TouchEvent<{}, {}, { id: string }>) {
      const id = e.currentTarget.dataset.id;
      if (id && id !== this.data.selected) this.triggerEvent('select', { id });
    },
  },
});
