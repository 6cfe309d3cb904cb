/**
 * 我的: who is signed in, the patients they follow (tap for profile, devices and family), adding a
 * patient and joining a family with an invite code. A new user lands on a guide to do either.
 */
import { normalizeCode } from '../../lib/core';
import { definePage } from '../../common/component';
import { errorText } from '../../common/errors';
import { dateText } from '../../common/time';
import type { Services } from '../../services/index';
import { servicesOf } from '../../services/provider';
import { PatientItem, patientItem } from './view-model';
import type { PatientProfile } from '../../lib/core';


definePage({
  data: {
    state: 'loading',
    message: '',
    userName: '',
    userId: '',
    local: false,
    devCode: '',
    devInput: '',
    patients: [] as PatientItem[],
    creating: false,
    createBusy: false,
    createError: '',
    redeemCode: '',
    redeemBusy: false,
    redeemError: '',
    today: '',
  },
  methods: {
    services(): Services {
      return servicesOf(this);
    },
    onShow() {
      void this.load();
    },
    async load() {
      const { api, session, now, mode } = this.services();
      if (!this.data.userId) this.setData({ state: 'loading' });
      const r = await api.patients();
      if (!r.ok) return this.setData({ state: 'error', message: errorText(r) });
      const user = session.user();
      this.setData({
        state: 'ready',
        userName: user?.name ?? '',
        userId: user?.id ?? '',
        local: mode === 'local',
        devCode: session.devCode() ?? '',
        patients: r.data.map((p) => patientItem(p, now())),
        today: dateText(now()),
      });
    },
    onOpenPatient(e: WechatMiniprogram.TouchEvent<{}, {}, { id: string }>) {
      this.services().ui.navigateTo(`/pages/patient/index?id=${encodeURIComponent(e.currentTarget.dataset.id)}`);
    },
    onStartCreate() {
      this.setData({ creating: true, createError: '' });
    },
    onCancelCreate() {
      this.setData({ creating: false, createError: '' });
    },
    async onCreate(e: WechatMiniprogram.CustomEvent<{ profile: PatientProfile }>) {
      this.setData({ createBusy: true, createError: '' });
      const r = await this.services().api.createPatient(e.detail.profile);
      if (!r.ok) return this.setData({ createBusy: false, createError: errorText(r, 'profile') });
      this.setData({ createBusy: false, creating: false });
      this.services().ui.toast('已添加，请绑定设备');
      this.services().ui.navigateTo(`/pages/patient/index?id=${encodeURIComponent(r.data.id)}`);
    },
    onRedeemInput(e: WechatMiniprogram.Input) {
      this.setData({ redeemCode: e.detail.value, redeemError: '' });
    },
    async onRedeem() {
      const code = normalizeCode(this.data.redeemCode);
      if (!code) return this.setData({ redeemError: '请输入家人分享的邀请码' });
      this.setData({ redeemBusy: true, redeemError: '' });
      const r = await this.services().api.redeemInvite(code);
      if (!r.ok) return this.setData({ redeemBusy: false, redeemError: errorText(r, 'redeem') });
      this.setData({ redeemBusy: false, redeemCode: '' });
      this.services().ui.toast(r.data.joined ? '已加入，可以查看家人的数据了' : '你已经在关注这位家人');
      await this.load();
    },
    onDevInput(e: WechatMiniprogram.Input) {
      this.setData({ devInput: e.detail.value });
    },
    async onSwitchDev() {
      const code = this.data.devInput.trim();
      if (!/^[A-Za-z0-9_-]{3,32}$/.test(code)) return this.services().ui.toast('账号代码为 3–32 位字母、数字、- 或 _');
      this.services().session.useDevCode(code);
      this.setData({ devInput: '', userId: '' });
      await this.services().realtime.stop();
      await this.load();
    },
    onRetry() {
      void this.load();
    },
  },
});
