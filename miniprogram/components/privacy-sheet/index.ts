/**
 * The privacy request WeChat needs answered before an API that touches personal data runs the
 * first time (services/privacy.ts): what is used and why, the privacy guide, 同意 / 不同意.
 * Put on every page that uses such an API; it shows only while a request waits.
 */
import { defineComponent, instanceFields } from '../../common/component';
import { servicesOf } from '../../services/provider';

defineComponent({
  data: { visible: false },
  lifetimes: {
    attached() {
      const off = servicesOf(this).privacy.subscribe((waiting) => this.setData({ visible: waiting }));
      instanceFields(this, () => ({ off }), '__privacy');
    },
    detached() {
      instanceFields<{ off?: () => void }>(this, () => ({}), '__privacy').off?.();
    },
  },
  methods: {
    onAgree() {
      servicesOf(this).privacy.agree('privacy-agree');
    },
    onDecline() {
      servicesOf(this).privacy.decline();
    },
    onGuide() {
      servicesOf(this).ui.openPrivacyContract?.();
    },
  },
});
