/**
 * 实时监测: the chosen patient's latest temperature, heart rate and SpO2 with their age and the
 * device's presence, a live chart of the last minutes, and remote control of the device. Data
 * arrives over MQTT while the page is shown; the page stops listening when hidden.
 */
import {
  type AlertRecord,
  type ChartOption,
  ErrorCode,
  liveChartOption,
  pointsOf,
  type Point,
  type Settings,
  VITAL_ORDER,
  type VitalKey,
} from '../../lib/core';
import { definePage, instanceFields } from '../../common/component';
import { errorText } from '../../common/errors';
import { type PatientTab, patientTabs } from '../../components/patient-tabs/model';
import type { Services } from '../../services/index';
import { servicesOf } from '../../services/provider';
import type { RealtimeEvent } from '../../services/realtime/index';
import {
  changedByText,
  type CommandKind,
  connectionLine,
  type Latest,
  latestOfDevices,
  mergeLatest,
  outcomeOf,
  PENDING_TEXT,
  REALTIME_TEXT,
  staleAfterMs,
  type Tile,
  tileOf,
} from './view-model';
import { type PatientStatus, patientStatus } from '../../common/status';
import type { ControlOutcome } from '../../components/device-control/model';
import { alertView, type AlertView, applyAlert, sortAlerts, withAlerts } from '../../common/alerts';

/** The live chart's window: the last 10 minutes. */
const LIVE_WINDOW_MS = 10 * 60_000;
/** Tiles re-check staleness, and the live chart scrolls, this often while shown, ms. */
const TICK_MS = 15_000;
const FACTORY: Settings = { enabled: true, intervalS: 60 };

interface DeviceView {
  id: string;
  label: string;
  online: boolean;
  presenceAt?: number;
}

interface ChartHandle {
  setOption(option: ChartOption, notMerge?: boolean): void;
}

interface Fields {
  latest: Partial<Record<VitalKey, Latest>>;
  points: Record<VitalKey, Point[]>;
  online: Record<string, boolean>;
  off?: () => void;
  tick?: number;
  loadSeq: number;
  /** Between onShow and onHide: a load finishing after the page was hidden must not start listening. */
  shown: boolean;
  /** Last presence change per device (ms), for "设备离线 45 分钟". */
  presenceAt: Record<string, number | undefined>;
  /** Member names by user id, for "张丽于 … 修改了设置". */
  names: Record<string, string>;
  patientName: string;
  /** Measurement switched on, per device, as last known. */
  measuring: Record<string, boolean | undefined>;
  /** The shown patient's unresolved alerts, as last loaded or received. */
  alerts: AlertRecord[];
}

definePage({
  data: {
    /** 大字模式 (services/display). */
    big: false,
    state: 'loading',
    message: '',
    patients: [] as PatientTab[],
    patientId: '',
    devices: [] as DeviceView[],
    deviceId: '',
    tiles: [] as Tile[],
    vital: 'heartRate' as VitalKey,
    /** The realtime connection's status and what it says to the user. */
    live: 'idle',
    liveText: '',
    liveEmpty: false,
    /** The connection line (phone and device together): tone `live` | `idle` | `connecting` | `error`. */
    conn: { tone: 'idle', text: '' },
    /** The patient's one-line status. */
    status: null as PatientStatus | null,
    deviceLabel: '',
    control: { online: false, enabled: true, intervalS: 60, pending: '', outcome: null as ControlOutcome | null, changed: '' },
    /** Active alerts of the shown patient (components/alert-banner). */
    alerts: [] as AlertView[],
    alertBusy: '',
    alertError: '',
  },
  methods: {
    fields(): Fields {
      return instanceFields<Fields>(this, () => ({
        latest: {},
        points: { temperature: [], heartRate: [], spo2: [] },
        online: {},
        loadSeq: 0,
        shown: false,
        presenceAt: {},
        names: {},
        patientName: '',
        measuring: {},
        alerts: [],
      }));
    },
    services(): Services {
      return servicesOf(this);
    },
    onShow() {
      this.setData({ big: this.services().display.bigText() });
      this.fields().shown = true;
      void this.load();
      const { timer } = this.services();
      const f = this.fields();
      // Ages, staleness and the chart's window move on even when no reading arrives.
      const loop = () => {
        this.renderTiles();
        this.renderChart();
        f.tick = timer.setTimeout(loop, TICK_MS);
      };
      if (f.tick === undefined) f.tick = timer.setTimeout(loop, TICK_MS);
    },
    onHide() {
      this.pause();
    },
    async onPullDownRefresh() {
      await this.load();
      this.services().ui.stopPullDownRefresh?.();
    },
    onUnload() {
      this.pause();
    },
    pause() {
      const f = this.fields();
      f.shown = false;
      f.loadSeq++;
      f.off?.();
      f.off = undefined;
      if (f.tick !== undefined) this.services().timer.clearTimeout(f.tick);
      f.tick = undefined;
      void this.services().realtime.stop();
    },
    async load() {
      const { api } = this.services();
      const seq = ++this.fields().loadSeq;
      if (!this.data.patients.length) this.setData({ state: 'loading' });
      const r = await api.patients();
      if (seq !== this.fields().loadSeq) return;
      if (!r.ok) return this.setData({ state: 'error', message: errorText(r) });
      if (!r.data.length) return this.setData({ state: 'empty', patients: [] });
      const { patients, patientId } = patientTabs(r.data, this.data.patientId);
      this.setData({ patients, patientId });
      await this.loadPatient(patientId, seq);
    },
    async loadPatient(patientId: string, seq: number) {
      const { api, realtime, now } = this.services();
      const f = this.fields();
      const [detail, recent, alerts] = await Promise.all([
        api.patient(patientId),
        api.history({ patientId, from: now() - LIVE_WINDOW_MS, to: now() + 1, maxPoints: 600 }),
        api.activeAlerts(patientId),
      ]);
      if (seq !== f.loadSeq) return;
      if (!detail.ok) return this.setData({ state: 'error', message: errorText(detail) });
      const devices = detail.data.devices.map((d) => ({ id: d.id, label: d.label || d.deviceName, online: d.online }));
      f.online = Object.fromEntries(devices.map((d) => [d.id, d.online]));
      f.presenceAt = Object.fromEntries(detail.data.devices.map((d) => [d.id, d.presenceAt]));
      f.names = Object.fromEntries(detail.data.members.map((m) => [m.userId, m.userName]));
      f.patientName = detail.data.name;
      f.measuring = {};
      f.latest = latestOfDevices(detail.data.devices);
      // Without the alerts the page still shows the vitals; the banner stays empty.
      f.alerts = alerts.ok ? alerts.data : [];
      this.renderAlerts();
      const readings = recent.ok && recent.data.kind === 'raw' ? recent.data.readings : [];
      f.points = { temperature: pointsOf(readings, 'temperature'), heartRate: pointsOf(readings, 'heartRate'), spo2: pointsOf(readings, 'spo2') };
      const deviceId = devices.some((d) => d.id === this.data.deviceId) ? this.data.deviceId : (devices[0]?.id ?? '');
      this.setData({ state: 'ready', devices, deviceId, message: '' }, () => this.renderChart());
      this.renderTiles();
      await this.loadControl(deviceId);
      if (seq !== f.loadSeq || !f.shown) return;
      f.off?.();
      f.off = realtime.on((e) => this.onRealtime(e));
      const w = await realtime.watch(
        devices.map((d) => d.id),
        [patientId],
      );
      if (!w.ok) this.setData({ live: 'error', liveText: `${REALTIME_TEXT.error}：${errorText(w)}` });
    },
    async loadControl(deviceId: string) {
      if (!deviceId) return;
      const r = await this.services().api.controlState(deviceId);
      if (!r.ok) return;
      const s = r.data.desired ?? r.data.reported ?? FACTORY;
      const f = this.fields();
      const me = this.services().session.user()?.id ?? '';
      this.setData({
        'control.enabled': s.enabled,
        'control.intervalS': s.intervalS,
        'control.changed': changedByText(r.data.desired, f.names, me, this.services().now()),
      });
      f.online[deviceId] = r.data.online;
      f.measuring[deviceId] = s.enabled;
      this.renderTiles();
    },
    anyOnline(): boolean {
      return this.data.devices.some((d) => this.fields().online[d.id]);
    },
    renderTiles() {
      if (this.data.state !== 'ready') return;
      const f = this.fields();
      const online = this.anyOnline();
      const tiles = VITAL_ORDER.map((k) => tileOf(k, f.latest[k], online, this.data.control.intervalS, this.services().now()));
      const devices = this.data.devices.map((d) => ({ ...d, online: f.online[d.id] ?? false }));
      const current = devices.find((d) => d.id === this.data.deviceId);
      this.setData({
        tiles,
        devices,
        deviceLabel: current?.label ?? '',
        'control.online': current?.online ?? false,
        status: this.statusNow(),
        conn: connectionLine(this.data.live, this.data.liveText, online),
      });
    },
    /** The one-line answer to "is she OK": from presence, the newest values and the measurement switch. */
    statusNow(): PatientStatus {
      const f = this.fields();
      const ids = this.data.devices.map((d) => d.id);
      const online = ids.some((id) => f.online[id]);
      const since = ids.map((id) => f.presenceAt[id] ?? 0).filter((t) => t > 0);
      const known = ids.map((id) => f.measuring[id]).filter((m): m is boolean => m !== undefined);
      const status = patientStatus(
        {
          devices: ids.length,
          online,
          offlineSince: online || !since.length ? undefined : Math.max(...since),
          latest: f.latest,
          // Off only when every device whose setting is known is off.
          measuring: known.length === ids.length && known.every((m) => !m) ? false : undefined,
          staleAfterMs: staleAfterMs(this.data.control.intervalS),
        },
        this.services().now(),
      );
      // The alert banner above names the alert; the card says how the newest values are.
      return withAlerts(status, f.alerts, { belowBanner: true });
    },
    renderChart() {
      const points = this.fields().points[this.data.vital];
      const now = this.services().now();
      // Drawn with the time and vital of when it runs: a setData callback can run after later draws.
      const draw = () => {
        const chart = this.selectComponent('#live') as unknown as ChartHandle | null;
        chart?.setOption(liveChartOption(this.data.vital, this.fields().points[this.data.vital], this.services().now(), LIVE_WINDOW_MS), true);
      };
      const empty = !points.some(([t]) => t >= now - LIVE_WINDOW_MS);
      // The placeholder changes only when the chart turns empty or not; otherwise no setData at all.
      if (this.data.liveEmpty !== empty) this.setData({ liveEmpty: empty }, draw);
      else draw();
    },
    renderAlerts() {
      const f = this.fields();
      const me = this.services().session.user()?.id ?? '';
      const now = this.services().now();
      const patch: Record<string, unknown> = { alerts: sortAlerts(f.alerts).map((a) => alertView(a, f.names, me, now)) };
      if (this.data.state === 'ready') patch.status = this.statusNow();
      this.setData(patch);
    },
    async onAckAlert(e: WechatMiniprogram.CustomEvent<{ id: string }>) {
      const { api } = this.services();
      const patientId = this.data.patientId;
      this.setData({ alertBusy: e.detail.id, alertError: '' });
      const r = await api.acknowledgeAlert(e.detail.id);
      if (patientId !== this.data.patientId) return this.setData({ alertBusy: '' });
      const f = this.fields();
      if (r.ok) f.alerts = applyAlert(f.alerts, r.data);
      else if (r.code === ErrorCode.Conflict) {
        // Someone else was first: show their acknowledgement.
        const again = await api.activeAlerts(patientId);
        if (again.ok) f.alerts = again.data;
      }
      this.setData({ alertBusy: '', alertError: r.ok || r.code === ErrorCode.Conflict ? '' : errorText(r, 'ack') });
      this.renderAlerts();
    },
    onOpenAlerts() {
      this.services().ui.navigateTo(`/family/alerts/index?id=${this.data.patientId}`);
    },
    onRealtime(e: RealtimeEvent) {
      const f = this.fields();
      if (e.type === 'alert') {
        if (e.patientId !== this.data.patientId) return;
        f.alerts = applyAlert(f.alerts, e.alert);
        return this.renderAlerts();
      }
      if (e.type === 'status') {
        const liveText = REALTIME_TEXT[e.status] ?? '';
        return this.setData({ live: e.status, liveText, conn: connectionLine(e.status, liveText, this.anyOnline()) });
      }
      if (!(e.deviceId in f.online)) return;
      if (e.type === 'presence') {
        f.online[e.deviceId] = e.online;
        f.presenceAt[e.deviceId] = e.at;
        return this.renderTiles();
      }
      const wasOnline = f.online[e.deviceId];
      const changed = mergeLatest(f.latest, e.reading);
      for (const k of VITAL_ORDER) {
        const v = e.reading[k];
        if (v !== undefined) f.points[k].push([e.reading.ts, v]);
      }
      const cutoff = this.services().now() - LIVE_WINDOW_MS;
      for (const k of VITAL_ORDER) while (f.points[k].length && f.points[k][0][0] < cutoff) f.points[k].shift();
      f.online[e.deviceId] = true;
      // Only the tiles that changed are sent to the view (small setData payloads).
      const now = this.services().now();
      const patch: Record<string, Tile> = {};
      for (const k of changed) patch[`tiles[${VITAL_ORDER.indexOf(k)}]`] = tileOf(k, f.latest[k], true, this.data.control.intervalS, now);
      if (changed.length) this.setData({ ...patch, status: this.statusNow() });
      if (!wasOnline) this.renderTiles();
      if (e.reading[this.data.vital] !== undefined) this.renderChart();
    },
    onSelectPatient(e: WechatMiniprogram.CustomEvent<{ id: string }>) {
      this.fields().alerts = [];
      this.setData({ patientId: e.detail.id, deviceId: '', alerts: [], alertError: '', control: { ...this.data.control, pending: '', outcome: null } });
      void this.loadPatient(e.detail.id, ++this.fields().loadSeq);
    },
    onSelectDevice(e: WechatMiniprogram.TouchEvent<{}, {}, { id: string }>) {
      const id = e.currentTarget.dataset.id;
      this.setData({ deviceId: id, 'control.outcome': null });
      void this.loadControl(id);
    },
    onSelectVital(e: WechatMiniprogram.CustomEvent<{ vital: VitalKey }>) {
      this.setData({ vital: e.detail.vital });
      this.renderChart();
    },
    async command(kind: CommandKind, run: () => ReturnType<Services['api']['measureNow']>, revert?: () => void) {
      this.setData({ 'control.pending': kind, 'control.outcome': { kind: 'pending', text: PENDING_TEXT[kind] } });
      const deviceId = this.data.deviceId;
      const r = await run();
      const outcome = outcomeOf(kind, r);
      if (outcome.kind === 'failed' && kind !== 'measure') revert?.();
      this.setData({ 'control.pending': '', 'control.outcome': outcome });
      // The chip, the tiles and the status follow what the command learned about the connection.
      if (r.ok && deviceId === this.data.deviceId) {
        const f = this.fields();
        const online = !r.data.offline;
        if (f.online[deviceId] !== online) {
          f.online[deviceId] = online;
          if (!online) f.presenceAt[deviceId] ??= this.services().now();
        }
        if (kind === 'enabled' && outcome.kind !== 'failed') f.measuring[deviceId] = this.data.control.enabled;
        if (kind !== 'measure' && outcome.kind !== 'failed') {
          const me = this.services().session.user()?.id ?? '';
          this.setData({ 'control.changed': changedByText({ by: me, at: this.services().now() }, f.names, me, this.services().now()) });
        }
        this.renderTiles();
      }
    },
    async onToggle(e: WechatMiniprogram.CustomEvent<{ enabled: boolean }>) {
      const before = this.data.control.enabled;
      if (!e.detail.enabled) {
        const name = this.fields().patientName || '家人';
        const consequence = `关闭后${name}的设备将停止测量，所有关注${name}的家人都看不到新数据，直到有人重新打开。`;
        const ok = await this.services().ui.confirm('关闭自动测量？', consequence);
        if (!ok) {
          // The switch already moved on screen: move it back.
          this.setData({ 'control.enabled': false });
          this.setData({ 'control.enabled': before });
          return;
        }
      }
      this.setData({ 'control.enabled': e.detail.enabled });
      void this.command(
        'enabled',
        () => this.services().api.setMeasurement(this.data.deviceId, { enabled: e.detail.enabled }),
        () => this.setData({ 'control.enabled': before }),
      );
    },
    onInterval(e: WechatMiniprogram.CustomEvent<{ intervalS: number }>) {
      const before = this.data.control.intervalS;
      this.setData({ 'control.intervalS': e.detail.intervalS });
      void this.command(
        'interval',
        () => this.services().api.setMeasurement(this.data.deviceId, { intervalS: e.detail.intervalS }),
        () => this.setData({ 'control.intervalS': before }),
      );
    },
    onMeasure() {
      void this.command('measure', () => this.services().api.measureNow(this.data.deviceId));
    },
    onStatusAction() {
      if (this.data.state === 'empty') this.services().ui.switchTab('/pages/me/index');
      else void this.load();
    },
  },
});
