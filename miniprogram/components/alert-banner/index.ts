/**
 * Where alerts will show (their rules and delivery are a separate issue): a banner above the
 * tiles, hidden while there is nothing to say.
 */
import { defineComponent } from '../../common/component';

defineComponent({
  properties: {
    text: { type: String, value: '' },
    /** `info` | `warning` | `danger` */
    level: { type: String, value: 'warning' },
  },
  methods: {
    onTap() {
      this.triggerEvent('open', {});
    },
  },
});
