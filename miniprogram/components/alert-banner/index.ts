/**
 * Active alerts on 实时监测: one card per alert, most serious first, with the severity as colour
 * and word, what, since when, and who acknowledged it; unacknowledged ones carry a confirm button
 * (`ack` with the alert id) and the card links to the alerts page (`open`). Hidden when empty.
 */
import { defineComponent } from '../../common/component';
import type { AlertView } from '../../common/alerts';

defineComponent({
  properties: {
    /** `AlertView[]` (common/alerts). */
    alerts: { type: Array, value: [] as AlertView[] },
    /** The id of the alert whose acknowledgement is on its way. */
    busy: { type: String, value: '' },
    /** A failed acknowledgement, in Chinese. */
    error: { type: String, value: '' },
  },
  methods: {
    onAck(e: WechatMiniprogram.TouchEvent<{}, {}, { id: string }>) {
      if (this.data.busy) return;
      this.triggerEvent('ack', { id: e.currentTarget.dataset.id });
    },
    onOpen() {
      this.triggerEvent('open', {});
    },
  },
});
