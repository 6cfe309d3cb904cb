/**
 * 提醒设置 (`?id=` patient): the user's WeChat notification opt-in (one-time subscription
 * messages: every accept in `wx.requestSubscribeMessage` allows one message, reported with
 * `alerts.subscribed`; the page says when none are left), and the patient's alert thresholds —
 * changed by the owner only (`alerts.setRules`, audited by the backend), read-only for family.
 */
import type { AlertKind, AlertRules } from '../../lib/core';
import { patientPageMethods } from '../../common/patient-page';
import { definePage, instanceFields } from '../../common/component';
import { quotaView, type QuotaView } from '../../common/alerts';
import { errorText } from '../../common/errors';
import { whenText } from '../../common/time';
import { ESCALATE_CHOICES, type KindSwitch, kindSwitches, SCALE_CHOICES, toggledDisabled, type VitalRules, vitalRules } from './view-model';

/** What a refused subscription prompt means: turned off in WeChat's settings, or not allowed this time. */
const SUBSCRIBE_REFUSED = {
  ban: '这个提醒在微信里被关掉了：请点右上角「···」→ 设置 → 通知管理，打开后再试',
  other: '你没有选择「允许」，出现异常时不会收到微信通知',
};

interface Fields {
  rules?: AlertRules;
  templateId: string | null;
  remaining: Record<string, number>;
}

definePage({
  data: {
    big: false,
    state: 'loading',
    message: '',
    patientId: '',
    isOwner: false,
    quota: null as QuotaView | null,
    subscribeBusy: false,
    subscribeText: '',
    vitals: [] as VitalRules[],
    kinds: [] as KindSwitch[],
    spo2Scale: 1,
    scaleChoices: SCALE_CHOICES,
    escalateAfterS: 600,
    escalateChoices: ESCALATE_CHOICES,
    changed: '',
    saveBusy: false,
    saveError: '',
  },
  methods: {
    fields(): Fields {
      return instanceFields<Fields>(this, () => ({ templateId: null, remaining: {} }));
    },
    ...patientPageMethods,
    async load() {
      const { api, now } = this.services();
      const id = this.data.patientId;
      const [detail, rules, quota] = await Promise.all([api.patient(id), api.alertRules(id), api.alertQuota()]);
      const failed = !detail.ok ? detail : !rules.ok ? rules : undefined;
      if (failed) return this.setData({ state: 'error', message: errorText(failed) });
      if (!detail.ok || !rules.ok) return;
      const f = this.fields();
      if (quota.ok) {
        f.templateId = quota.data.templateId;
        f.remaining = quota.data.remaining;
      }
      const names = Object.fromEntries(detail.data.members.map((m) => [m.userId, m.userName]));
      const me = this.services().session.user()?.id ?? '';
      const by = rules.data.updatedBy;
      const changed =
        by && rules.data.updatedAt
          ? `${by === me ? '我' : (names[by] ?? '家人')}于${whenText(rules.data.updatedAt, now())}修改了提醒设置`
          : '使用默认设置（依据英国 NEWS2 评分）';
      this.setData({ state: 'ready', isOwner: detail.data.role === 'owner', changed, quota: quota.ok ? quotaView(f.templateId, f.remaining) : null });
      this.showRules(rules.data.rules);
    },
    showRules(rules: AlertRules) {
      this.fields().rules = rules;
      this.setData({ vitals: vitalRules(rules), kinds: kindSwitches(rules), spo2Scale: rules.spo2Scale, escalateAfterS: rules.escalateAfterS });
    },
    /** Must run in the tap's handler: WeChat only shows the request in answer to a tap. */
    async onSubscribe() {
      const { ui, api } = this.services();
      const f = this.fields();
      if (!f.templateId || this.data.subscribeBusy || !ui.requestSubscribeMessage) return;
      this.setData({ subscribeBusy: true, subscribeText: '' });
      const answer = await ui.requestSubscribeMessage([f.templateId]);
      if (!answer.ok) return this.setData({ subscribeBusy: false, subscribeText: '微信没有弹出订阅窗口，请稍后再试' });
      const a = answer.answers[f.templateId];
      if (a !== 'accept') {
        return this.setData({ subscribeBusy: false, subscribeText: a === 'ban' ? SUBSCRIBE_REFUSED.ban : SUBSCRIBE_REFUSED.other });
      }
      const r = await api.alertsSubscribed(f.templateId, 1);
      if (r.ok) f.remaining = { ...f.remaining, [f.templateId]: r.data.remaining };
      this.setData({
        subscribeBusy: false,
        subscribeText: r.ok ? '已开启：出现异常时会通过微信通知你' : errorText(r),
        quota: quotaView(f.templateId, f.remaining),
      });
    },
    async save(change: Partial<AlertRules>) {
      if (!this.data.isOwner || this.data.saveBusy) return;
      this.setData({ saveBusy: true, saveError: '' });
      const r = await this.services().api.setAlertRules(this.data.patientId, change);
      this.setData({ saveBusy: false });
      if (!r.ok) {
        this.setData({ saveError: errorText(r, 'rules') });
        if (this.fields().rules) this.showRules(this.fields().rules!); // puts the controls back
        return;
      }
      this.showRules(r.data);
      this.setData({ changed: `我于${whenText(this.services().now(), this.services().now())}修改了提醒设置` });
    },
    onScale(e: WechatMiniprogram.TouchEvent<{}, {}, { scale: number }>) {
      const scale = Number(e.currentTarget.dataset.scale) === 2 ? 2 : 1;
      if (scale !== this.data.spo2Scale) void this.save({ spo2Scale: scale });
    },
    onEscalate(e: WechatMiniprogram.TouchEvent<{}, {}, { s: number }>) {
      const s = Number(e.currentTarget.dataset.s);
      if (s !== this.data.escalateAfterS) void this.save({ escalateAfterS: s });
    },
    onKind(e: WechatMiniprogram.SwitchChange & { currentTarget: { dataset: { kind: AlertKind } } }) {
      const rules = this.fields().rules;
      if (rules) void this.save({ disabled: toggledDisabled(rules, e.currentTarget.dataset.kind, e.detail.value) });
    },
    onRetry() {
      void this.load();
    },
  },
});
