/**
 * 家人详情 (`?id=`): the patient's profile (editable by the owner), the bound devices (bind by
 * entering or scanning the label's code, unbind), and the family (invite with a one-time code,
 * remove members, leave).
 */
import type { PatientProfile } from '../../lib/core';
import { patientPageMethods } from '../../common/patient-page';
import { definePage } from '../../common/component';
import { errorText } from '../../common/errors';
import { dateText, dateTimeText } from '../../common/time';
import { formOf, type ProfileForm } from '../../components/profile-form/model';
import { describe, sexText } from '../../pages/me/view-model';
import { type CallRow, callRows, codeFromScan, type DeviceRow, deviceRow, inviteText, type MemberRow, memberRows, shareInvitePath } from './view-model';

definePage({
  data: {
    /** 大字模式 (services/display). */
    big: false,
    state: 'loading',
    message: '',
    patientId: '',
    name: '',
    meta: '',
    sexText: '',
    birthDate: '',
    notes: '',
    /** Numbers to call with one tap: the patient's own first, then the emergency contacts in order. */
    calls: [] as CallRow[],
    isOwner: false,
    editing: false,
    form: null as ProfileForm | null,
    saveBusy: false,
    saveError: '',
    today: '',
    devices: [] as DeviceRow[],
    bindCode: '',
    bindBusy: false,
    bindError: '',
    members: [] as MemberRow[],
    invite: null as { code: string; text: string; expires: string } | null,
    inviteBusy: false,
    familyError: '',
  },
  methods: {
    ...patientPageMethods,
    /**
     * The share card for an invite: it opens the mini program on 我的 with the code filled in.
     * Without an invite, the card opens the app's home page.
     */
    onShareAppMessage(): { title: string; path: string } {
      const inv = this.data.invite;
      if (!inv) return { title: '家人健康守护', path: '/pages/monitor/index' };
      return { title: `邀请你一起照看${this.data.name || '家人'}`, path: shareInvitePath(inv.code) };
    },
    async load() {
      const { api, session, avatars, now } = this.services();
      if (!this.data.patientId) return this.setData({ state: 'error', message: '缺少家人编号' });
      const r = await api.patient(this.data.patientId);
      if (!r.ok) return this.setData({ state: 'error', message: errorText(r) });
      const p = r.data;
      const isOwner = p.role === 'owner';
      this.setData({
        state: 'ready',
        name: p.name,
        meta: describe(p, now()),
        sexText: sexText(p.sex),
        birthDate: p.birthDate ?? '未填写',
        notes: p.notes,
        calls: callRows(p),
        isOwner,
        form: formOf(p),
        today: dateText(now()),
        devices: p.devices.map((d) => deviceRow(d, now())),
        members: memberRows(p.members, session.user()?.id ?? '', isOwner, avatars.source),
      });
      this.services().ui.setTitle(p.name);
    },
    onEdit() {
      this.setData({ editing: true, saveError: '' });
    },
    onCancelEdit() {
      this.setData({ editing: false, saveError: '' });
    },
    async onSave(e: WechatMiniprogram.CustomEvent<{ profile: PatientProfile }>) {
      this.setData({ saveBusy: true, saveError: '' });
      const r = await this.services().api.updatePatient(this.data.patientId, e.detail.profile);
      if (!r.ok) return this.setData({ saveBusy: false, saveError: errorText(r, /phone|emergencyContacts/.test(r.message) ? 'contacts' : 'profile') });
      this.setData({ saveBusy: false, editing: false });
      this.services().ui.toast('资料已保存');
      await this.load();
    },
    onCall(e: WechatMiniprogram.TouchEvent<{}, {}, { phone: string }>) {
      this.services().ui.call?.(e.currentTarget.dataset.phone);
    },
    onBindInput(e: WechatMiniprogram.Input) {
      this.setData({ bindCode: e.detail.value, bindError: '' });
    },
    async onScan() {
      const text = await this.services().ui.scanCode();
      if (text !== undefined) this.setData({ bindCode: codeFromScan(text), bindError: '' });
    },
    async onBind() {
      if (!this.data.bindCode.trim()) return this.setData({ bindError: '请输入设备标签上的绑定码，或扫码' });
      this.setData({ bindBusy: true, bindError: '' });
      const r = await this.services().api.bindDevice(this.data.patientId, this.data.bindCode);
      if (!r.ok) return this.setData({ bindBusy: false, bindError: errorText(r, 'bind') });
      this.setData({ bindBusy: false, bindCode: '' });
      this.services().ui.toast('设备已绑定');
      await this.load();
    },
    async onUnbind(e: WechatMiniprogram.TouchEvent<{}, {}, { id: string; label: string }>) {
      const { id, label } = e.currentTarget.dataset;
      const { ui, api } = this.services();
      if (!(await ui.confirm('解绑设备', `解绑后「${label}」的新数据不再记入${this.data.name}的记录，已有记录保留。`))) return;
      const r = await api.unbindDevice(id);
      if (!r.ok) return ui.toast(errorText(r));
      ui.toast('已解绑');
      await this.load();
    },
    async onInvite() {
      this.setData({ inviteBusy: true, familyError: '' });
      const r = await this.services().api.createInvite(this.data.patientId);
      if (!r.ok) return this.setData({ inviteBusy: false, familyError: errorText(r, 'invite') });
      this.setData({ inviteBusy: false, invite: { code: r.data.code, text: inviteText(r.data.code), expires: dateTimeText(r.data.expiresAt) } });
    },
    onCopyInvite() {
      if (this.data.invite) this.services().ui.copy(this.data.invite.code);
    },
    async onRemove(e: WechatMiniprogram.TouchEvent<{}, {}, { id: string; name: string }>) {
      const { id, name } = e.currentTarget.dataset;
      const { ui, api } = this.services();
      if (!(await ui.confirm('移除家人', `移除后 ${name} 将无法再查看${this.data.name}的数据。`))) return;
      const r = await api.removeMember(this.data.patientId, id);
      if (!r.ok) return this.setData({ familyError: errorText(r, 'member') });
      ui.toast('已移除');
      await this.load();
    },
    async onLeave() {
      const { ui, api } = this.services();
      if (!(await ui.confirm('不再关注', `确定不再关注${this.data.name}？之后需要新的邀请码才能重新加入。`))) return;
      const r = await api.leave(this.data.patientId);
      if (!r.ok) return this.setData({ familyError: errorText(r) });
      ui.switchTab('/pages/me/index');
    },
    onRetry() {
      void this.load();
    },
  },
});
