/**
 * 提醒 (`?id=` patient): the patient's active alerts (acknowledge with an optional note, snooze
 * one kind for a chosen time), the snoozes in force, and past alerts page by page
 * (`alerts.history`, `next` → `before`). Settings (thresholds, WeChat opt-in) are one tap away.
 */
import { type AlertKind, type AlertRecord, ErrorCode } from '../../lib/core';
import { alertView, type AlertView, KIND_NAME, type Names, SNOOZE_CHOICES, snoozeView, type SnoozeView, sortAlerts } from '../../common/alerts';
import { patientPageMethods } from '../../common/patient-page';
import { definePage, instanceFields } from '../../common/component';
import { errorText } from '../../common/errors';

/** Past alerts per page. */
const PAGE = 20;
const NOTE_MAX = 200;

interface Fields {
  names: Names;
  active: AlertRecord[];
  past: AlertRecord[];
  seq: number;
}

definePage({
  data: {
    big: false,
    state: 'loading',
    message: '',
    patientId: '',
    name: '',
    active: [] as AlertView[],
    past: [] as AlertView[],
    /** `before` of the next page of past alerts; empty at the end. */
    next: '',
    moreBusy: false,
    /** The alert whose note form is open. */
    acking: '',
    note: '',
    noteMax: NOTE_MAX,
    ackBusy: false,
    ackError: '',
    /** The kind whose snooze choices are open. */
    snoozeKind: '' as AlertKind | '',
    snoozeKindName: '',
    snoozeChoices: SNOOZE_CHOICES,
    snoozes: [] as SnoozeView[],
    snoozeError: '',
  },
  methods: {
    fields(): Fields {
      return instanceFields<Fields>(this, () => ({ names: {}, active: [], past: [], seq: 0 }));
    },
    ...patientPageMethods,
    async onPullDownRefresh() {
      await this.load();
      this.services().ui.stopPullDownRefresh?.();
    },
    me(): string {
      return this.services().session.user()?.id ?? '';
    },
    async load() {
      const { api, ui } = this.services();
      const id = this.data.patientId;
      const f = this.fields();
      const seq = ++f.seq;
      const [detail, active, past, snoozes] = await Promise.all([
        api.patient(id),
        api.activeAlerts(id),
        api.alertHistory(id, undefined, PAGE),
        api.snoozes(id),
      ]);
      if (seq !== f.seq) return;
      const failed = !detail.ok ? detail : !active.ok ? active : !past.ok ? past : undefined;
      if (failed) return this.setData({ state: 'error', message: errorText(failed) });
      if (!detail.ok || !active.ok || !past.ok) return;
      f.names = Object.fromEntries(detail.data.members.map((m) => [m.userId, m.userName]));
      f.active = active.data;
      f.past = past.data.alerts;
      ui.setTitle(`${detail.data.name}的提醒`);
      this.setData({ state: 'ready', name: detail.data.name, next: past.data.next ?? '', snoozes: snoozes.ok ? this.snoozeViews(snoozes.data) : [] });
      this.render();
    },
    snoozeViews(list: Parameters<typeof snoozeView>[0][]): SnoozeView[] {
      const now = this.services().now();
      return list.filter((s) => s.until > now).map((s) => snoozeView(s, this.fields().names, this.me(), now));
    },
    render() {
      const f = this.fields();
      const now = this.services().now();
      const activeIds = new Set(f.active.map((a) => a.id));
      this.setData({
        active: sortAlerts(f.active).map((a) => alertView(a, f.names, this.me(), now)),
        // The history lists every alert; the active ones are shown above.
        past: f.past.filter((a) => !activeIds.has(a.id)).map((a) => alertView(a, f.names, this.me(), now)),
      });
    },
    async onMore() {
      if (!this.data.next || this.data.moreBusy) return;
      this.setData({ moreBusy: true });
      const r = await this.services().api.alertHistory(this.data.patientId, this.data.next, PAGE);
      if (r.ok) {
        const seen = new Set(this.fields().past.map((a) => a.id));
        this.fields().past.push(...r.data.alerts.filter((a) => !seen.has(a.id)));
      } else this.services().ui.toast(errorText(r));
      this.setData({ moreBusy: false, next: r.ok ? (r.data.next ?? '') : this.data.next });
      this.render();
    },
    onStartAck(e: WechatMiniprogram.TouchEvent<{}, {}, { id: string }>) {
      this.setData({ acking: e.currentTarget.dataset.id, note: '', ackError: '', snoozeKind: '' });
    },
    onCancelAck() {
      this.setData({ acking: '', note: '', ackError: '' });
    },
    onNoteInput(e: WechatMiniprogram.Input) {
      this.setData({ note: e.detail.value });
    },
    async onAck() {
      if (!this.data.acking || this.data.ackBusy) return;
      this.setData({ ackBusy: true, ackError: '' });
      const r = await this.services().api.acknowledgeAlert(this.data.acking, this.data.note.trim() || undefined);
      this.setData({ ackBusy: false });
      if (!r.ok && r.code !== ErrorCode.Conflict) return this.setData({ ackError: errorText(r, 'ack') });
      this.setData({ acking: '', note: '' });
      if (r.ok) {
        const f = this.fields();
        f.active = f.active.map((a) => (a.id === r.data.id ? r.data : a));
        this.render();
      } else {
        this.services().ui.toast(errorText(r, 'ack'));
        await this.load();
      }
    },
    onStartSnooze(e: WechatMiniprogram.TouchEvent<{}, {}, { kind: AlertKind }>) {
      const kind = e.currentTarget.dataset.kind;
      this.setData({ snoozeKind: kind, snoozeKindName: KIND_NAME[kind], acking: '', snoozeError: '' });
    },
    onCancelSnooze() {
      this.setData({ snoozeKind: '' });
    },
    async snooze(kind: AlertKind, minutes: number) {
      const r = await this.services().api.snoozeAlerts(this.data.patientId, kind, minutes);
      if (!r.ok) return this.setData({ snoozeError: errorText(r) });
      const list = await this.services().api.snoozes(this.data.patientId);
      this.setData({ snoozeKind: '', snoozeError: '', snoozes: list.ok ? this.snoozeViews(list.data) : this.data.snoozes });
    },
    onSnooze(e: WechatMiniprogram.TouchEvent<{}, {}, { minutes: number }>) {
      if (this.data.snoozeKind) void this.snooze(this.data.snoozeKind, Number(e.currentTarget.dataset.minutes));
    },
    onEndSnooze(e: WechatMiniprogram.TouchEvent<{}, {}, { kind: AlertKind }>) {
      void this.snooze(e.currentTarget.dataset.kind, 0);
    },
    onSettings() {
      this.services().ui.navigateTo(`/family/alert-settings/index?id=${this.data.patientId}`);
    },
    onRetry() {
      void this.load();
    },
  },
});
