/**
 * 我的: who is signed in — with the avatar and nickname they chose through WeChat's avatar and
 * nickname fill-in — the patients they follow (tap for profile, devices and family), adding a
 * patient and joining a family with an invite code. A new user lands on a guide to do either.
 */
import { normalizeCode } from '../../lib/core';
import { definePage } from '../../common/component';
import { alertSummary, withAlerts } from '../../common/alerts';
import { errorText } from '../../common/errors';
import { dateText } from '../../common/time';
import type { Services } from '../../services/index';
import { servicesOf } from '../../services/provider';
import { nicknameFrom, type PatientItem, patientItem } from './view-model';
import type { PatientProfile } from '../../lib/core';

definePage({
  data: {
    /** 大字模式 (services/display). */
    big: false,
    state: 'loading',
    message: '',
    userName: '',
    userId: '',
    avatarSrc: '',
    avatarBusy: false,
    editingName: false,
    nameInput: '',
    nameBusy: false,
    profileError: '',
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
    /** Opened from a share card with an invite. */
    invited: false,
    today: '',
  },
  methods: {
    services(): Services {
      return servicesOf(this);
    },
    onShow() {
      this.setData({ big: this.services().display.bigText() });
      void this.load();
    },
    async onPullDownRefresh() {
      await this.load();
      this.services().ui.stopPullDownRefresh?.();
    },
    /** 大字模式 switched in 我的: stored, and this page follows at once (the others on their next show). */
    onBigText(e: WechatMiniprogram.SwitchChange) {
      this.services().display.setBigText(e.detail.value);
      this.setData({ big: e.detail.value });
    },
    /** Opened from a family member's share card: the invite code is filled in, one tap on 加入 joins. */
    onLoad(query: Record<string, string | undefined>) {
      const code = query.invite ? normalizeCode(decodeURIComponent(query.invite)) : '';
      if (code) this.setData({ redeemCode: code, invited: true });
    },
    async load() {
      const { api, session, avatars, now, mode } = this.services();
      if (!this.data.userId) this.setData({ state: 'loading' });
      const [r, mine] = await Promise.all([api.patients(), api.myDevices()]);
      if (!r.ok) return this.setData({ state: 'error', message: errorText(r) });
      // Without the devices the list still shows the patients, only without their status.
      const devicesOf = (id: string) => (mine.ok ? mine.data.filter((d) => d.patientId === id) : undefined);
      const user = session.user();
      const items = r.data.map((p) => patientItem(p, now(), devicesOf(p.id)));
      this.setData({
        state: 'ready',
        userName: user?.name ?? '',
        userId: user?.id ?? '',
        avatarSrc: avatars.source(user?.avatarUrl),
        local: mode === 'local',
        devCode: session.devCode() ?? '',
        patients: items,
        today: dateText(now()),
      });
      // Each patient's alerts at a glance, after the list is on screen (one call per patient).
      const alerts = await Promise.all(r.data.map((p) => api.activeAlerts(p.id)));
      if (!alerts.some((a) => a.ok)) return;
      this.setData({
        patients: items.map((item, i) => {
          const a = alerts[i];
          return a.ok ? { ...item, alert: alertSummary(a.data) ?? null, ...(item.status ? { status: withAlerts(item.status, a.data) } : {}) } : item;
        }),
      });
    },
    /** WeChat's avatar fill-in gives a temporary file: upload it, then store it on the profile. */
    async onChooseAvatar(e: WechatMiniprogram.CustomEvent<{ avatarUrl?: string }>) {
      const path = e.detail.avatarUrl;
      if (!path || this.data.avatarBusy) return;
      const { api, avatars, session, ui } = this.services();
      this.setData({ avatarBusy: true, profileError: '' });
      const uploaded = await avatars.upload(path);
      if (!uploaded.ok) return this.setData({ avatarBusy: false, profileError: errorText(uploaded, 'avatar') });
      const r = await api.updateProfile({ avatarUrl: uploaded.data });
      if (!r.ok) return this.setData({ avatarBusy: false, profileError: errorText(r, 'avatar') });
      session.remember(r.data);
      this.setData({ avatarBusy: false, avatarSrc: avatars.source(r.data.avatarUrl) });
      ui.toast('头像已更新');
    },
    onEditName() {
      this.setData({ editingName: true, nameInput: this.data.userName, profileError: '' });
    },
    onCancelName() {
      this.setData({ editingName: false, profileError: '' });
    },
    onNameInput(e: WechatMiniprogram.Input) {
      this.setData({ nameInput: e.detail.value, profileError: '' });
    },
    /** Picking the WeChat nickname above the keyboard may only show up here. */
    onNameBlur(e: WechatMiniprogram.InputBlur) {
      this.setData({ nameInput: e.detail.value });
    },
    /** WeChat checks a nickname after blur and empties the field when it fails. */
    onNameReview(e: WechatMiniprogram.CustomEvent<{ pass: boolean; timeout: boolean }>) {
      if (!e.detail.pass && !e.detail.timeout) this.setData({ nameInput: '', profileError: '这个昵称没有通过微信的检查，请换一个' });
    },
    /** The keyboard's 完成 key. */
    onNameConfirm(e: WechatMiniprogram.InputConfirm) {
      return this.saveName(e.detail.value);
    },
    /** The 保存 button: the form's value is what is left after WeChat's check. */
    onNameSubmit(e: WechatMiniprogram.FormSubmit) {
      const value = (e.detail.value as { nickname?: unknown }).nickname;
      return this.saveName(typeof value === 'string' ? value : this.data.nameInput);
    },
    async saveName(raw: string) {
      if (this.data.nameBusy) return;
      const checked = nicknameFrom(raw);
      if (!checked.ok) return this.setData({ profileError: checked.message });
      if (checked.name === this.data.userName) return this.setData({ editingName: false, profileError: '' });
      const { api, session, ui } = this.services();
      this.setData({ nameBusy: true, profileError: '' });
      const r = await api.updateProfile({ name: checked.name });
      if (!r.ok) return this.setData({ nameBusy: false, profileError: errorText(r, 'nickname') });
      session.remember(r.data);
      this.setData({ nameBusy: false, editingName: false, userName: r.data.name });
      ui.toast('昵称已保存');
    },
    onOpenPatient(e: WechatMiniprogram.TouchEvent<{}, {}, { id: string }>) {
      this.services().ui.navigateTo(`/family/patient/index?id=${encodeURIComponent(e.currentTarget.dataset.id)}`);
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
      this.services().ui.navigateTo(`/family/patient/index?id=${encodeURIComponent(r.data.id)}`);
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
