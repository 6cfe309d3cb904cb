/**
 * Fixture data and stand-in services for looking at the pages without a backend: `npm run preview`
 * renders every page from these, and rendering tests use them for states a real stack cannot hold
 * still (loading, a command in flight). Times are fixed so pictures do not change between runs.
 */
import type { Bucket, Reading, Result } from '../core';
import { defaultRules } from '../core/alerts';
import type { AlertRecord, SnoozeRecord } from '../core/alerts';
import type { DeviceStatus, HistoryResult, MemberRecord, PatientDetail, PatientSummary, UserRecord } from '../core/api';
import type { Api } from '../miniprogram/services/api';
import type { Avatars } from '../miniprogram/services/avatar';
import type { Services, Timer, Ui } from '../miniprogram/services/index';
import type { RealtimeClient, RealtimeEvent } from '../miniprogram/services/realtime/index';
import { createPrivacyGate, type PrivacyGate } from '../miniprogram/services/privacy';

/** 2026-11-27 10:00 in China (UTC+8). */
export const NOW = Date.UTC(2026, 10, 27, 2, 0, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export const USER: UserRecord = { id: 'u_me', openid: 'dev:preview', name: '张伟', createdAt: NOW - 30 * DAY };

/** An avatar the local host would store (the fixtures show it as `AVATAR_PICTURE`). */
export const AVATAR_REF = '/files/avatars/5f0c2d9a7e3b41c8a6d2e9f1b4c7a8d3.jpg';

/** A drawn portrait standing in for a user's photo: an inline SVG, so pictures need no files. */
export const AVATAR_PICTURE = `data:image/svg+xml;utf8,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><rect width="100" height="100" fill="#ffd8a8"/>' +
    '<circle cx="50" cy="40" r="19" fill="#f0a868"/><path d="M14 100c4-24 18-34 36-34s32 10 36 34z" fill="#4c6ef5"/>' +
    '<path d="M31 36c0-14 9-21 19-21s19 7 19 21c-5-6-11-9-19-9s-14 3-19 9z" fill="#5c3d2e"/></svg>',
)}`;

/** The signed-in user after choosing an avatar. */
export const USER_WITH_AVATAR: UserRecord = { ...USER, avatarUrl: AVATAR_REF };

export const DEVICE: DeviceStatus = {
  id: 'rpm/bedside-01',
  productKey: 'rpm',
  deviceName: 'bedside-01',
  label: '卧室床旁终端',
  online: true,
  presenceAt: NOW - 3 * HOUR,
  lastReading: { ts: NOW - 20_000, temperature: 36.6, heartRate: 74, spo2: 97 },
  readings: 10_000,
  rejections: {},
};

export const PATIENTS: PatientSummary[] = [
  {
    id: 'p_mom',
    name: '王秀英',
    birthDate: '1948-03-12',
    sex: 'female',
    notes: '高血压，每天早上服用氨氯地平。对青霉素过敏。',
    createdAt: NOW - 20 * DAY,
    role: 'owner',
  },
  { id: 'p_dad', name: '李建国', birthDate: '1946-09-01', sex: 'male', notes: '', createdAt: NOW - 10 * DAY, role: 'family' },
];

export const MEMBERS: MemberRecord[] = [
  { patientId: 'p_mom', userId: 'u_me', userName: '张伟', role: 'owner', since: NOW - 20 * DAY },
  { patientId: 'p_mom', userId: 'u_sis', userName: '张丽', avatarUrl: AVATAR_REF, role: 'family', since: NOW - 5 * DAY },
];

export function patientDetail(p: PatientSummary = PATIENTS[0], devices: DeviceStatus[] = [DEVICE]): PatientDetail {
  return {
    ...p,
    members:
      p.role === 'owner'
        ? MEMBERS
        : [
            { ...MEMBERS[0], patientId: p.id, userId: 'u_lina', userName: '李娜' },
            { ...MEMBERS[1], patientId: p.id, userId: USER.id, userName: USER.name },
          ],
    devices,
  };
}

/** Plausible vitals at time `t`, deterministic: a daily rhythm (lower at night) plus small wobbles. */
export function vitalsAt(t: number): Omit<Reading, 'ts'> {
  const day = ((t + 8 * HOUR) % DAY) / DAY;
  const circadian = Math.sin(2 * Math.PI * (day - 0.3));
  const wobble = Math.sin(t / 97_000) * 0.6 + Math.sin(t / 23_000) * 0.4;
  return {
    heartRate: Math.round((72 + 7 * circadian + 4 * wobble) * 10) / 10,
    spo2: Math.round((97 + 0.6 * circadian + 0.8 * wobble) * 10) / 10,
    temperature: Math.round((36.6 + 0.3 * circadian + 0.05 * wobble) * 100) / 100,
  };
}

/** Raw readings every `stepMs` in [from, to). */
export function rawReadings(from: number, to: number, stepMs: number): Reading[] {
  const out: Reading[] = [];
  for (let t = Math.ceil(from / stepMs) * stepMs; t < to; t += stepMs) out.push({ ts: t, ...vitalsAt(t) });
  return out;
}

export function rawHistory(from: number, to: number, stepMs = 5000): HistoryResult {
  return { patientId: 'p_mom', from, to, kind: 'raw', readings: rawReadings(from, to, stepMs) };
}

/** Local midnight of the day `days` before NOW's (the preview runs in China's time zone; tests in the machine's). */
function dayStart(days: number): number {
  const d = new Date(NOW);
  d.setHours(0, 0, 0, 0);
  d.setDate(d.getDate() - days);
  return d.getTime();
}

/**
 * Hourly buckets with a night-time gap (device off from 01:00 to 05:00 on one day), a whole day
 * without data (four days before NOW's) and a fever in the evening two days before.
 */
export function bucketHistory(from: number, to: number, widthMs = HOUR): HistoryResult {
  const buckets: Bucket[] = [];
  for (let t = Math.ceil(from / widthMs) * widthMs; t < to; t += widthMs) {
    if (t > to - 2 * DAY && t < to - 2 * DAY + 4 * HOUR) continue;
    if (t >= dayStart(4) && t < dayStart(3)) continue;
    const fever = t >= dayStart(2) + 18 * HOUR && t < dayStart(2) + 22 * HOUR;
    const base = vitalsAt(t);
    const v = fever ? { ...base, temperature: 38.5, heartRate: 98 } : base;
    const stat = (avg: number, spread: number, d: number) => ({
      min: +(avg - spread).toFixed(d),
      avg: +avg.toFixed(d),
      max: +(avg + spread).toFixed(d),
      n: 60,
    });
    buckets.push({ t, n: 60, heartRate: stat(v.heartRate!, 9, 1), spo2: stat(v.spo2!, 1.5, 1), temperature: stat(v.temperature!, 0.2, 2) });
  }
  return { patientId: 'p_mom', from, to, kind: 'buckets', widthMs, buckets };
}

/** An alert of 王秀英 as the `alerts` function answers it. */
export function alertFixture(over: Partial<AlertRecord> = {}): AlertRecord {
  const startedAt = over.startedAt ?? NOW - 12 * MIN;
  return {
    id: `p_mom:vital:spo2:${startedAt}`,
    patientId: 'p_mom',
    kind: 'spo2',
    condition: 'vital:spo2',
    severity: 'urgent',
    startedAt,
    raisedAt: startedAt + 2 * MIN,
    message: 'SpO2 88 % (NEWS2 3)',
    value: 88,
    notifiedAt: startedAt + 2 * MIN,
    escalations: 0,
    deliveries: [],
    ...over,
  };
}

/** Active: SpO2 88 % nobody has confirmed yet. */
export const ALERT_ACTIVE = alertFixture();
/** The same, sent again twice to everyone because nobody confirmed. */
export const ALERT_ESCALATED = alertFixture({ escalations: 2, notifiedAt: NOW - 2 * MIN });
/** Confirmed by 张丽 with a note, still not back in range. */
export const ALERT_ACKED = alertFixture({ ack: { by: 'u_sis', at: NOW - 5 * MIN, note: '已打电话，妈妈说在休息' } });
/** Past alerts, newest first: a fever yesterday evening, a night offline, a slow pulse. */
export const ALERTS_PAST: AlertRecord[] = [
  alertFixture({
    id: 'p_mom:vital:temperature:1',
    kind: 'temperature',
    condition: 'vital:temperature',
    severity: 'warning',
    value: 38.6,
    message: 'Temperature 38.6 °C',
    startedAt: NOW - 15 * HOUR,
    resolvedAt: NOW - 13 * HOUR,
    resolveNote: 'back in range',
    ack: { by: 'u_me', at: NOW - 14.5 * HOUR },
  }),
  alertFixture({
    id: 'p_mom:device:offline:1',
    kind: 'offline',
    condition: 'device:offline:rpm/bedside-01',
    severity: 'warning',
    value: undefined,
    message: 'offline',
    deviceId: 'rpm/bedside-01',
    startedAt: NOW - 30 * HOUR,
    resolvedAt: NOW - 26 * HOUR,
  }),
  alertFixture({
    id: 'p_mom:vital:heartRate:1',
    kind: 'heartRate',
    condition: 'vital:heartRate',
    severity: 'info',
    value: 48,
    message: 'Heart rate 48',
    startedAt: NOW - 3 * DAY,
    resolvedAt: NOW - 3 * DAY + HOUR,
  }),
];

export const SNOOZE_OFFLINE: SnoozeRecord = { patientId: 'p_mom', kind: 'offline', until: NOW + 2 * HOUR, by: 'u_sis', at: NOW - 10 * MIN };

/** The configured subscription template of the fixtures. */
export const TEMPLATE_ID = 'tmplAlert01';

const okOf = <T>(data: T): Promise<Result<T>> => Promise.resolve({ ok: true, data });

/** A promise that never settles: the page stays in its loading or pending state. */
export const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

export function fixtureApi(now = NOW): Api {
  return {
    login: () => okOf({ user: USER, token: 't', expiresAt: now + 7 * DAY }),
    me: () => okOf({ user: USER, patients: PATIENTS.map((p) => ({ id: p.id, name: p.name, role: p.role })) }),
    logout: () => okOf({ signedOut: true as const }),
    updateProfile: (patch) => okOf({ ...USER, ...patch }),
    patients: () => okOf(PATIENTS),
    patient: (id) => okOf(patientDetail(PATIENTS.find((p) => p.id === id) ?? PATIENTS[0])),
    createPatient: (profile) => okOf({ ...profile, id: 'p_new', createdAt: now, role: 'owner' as const }),
    updatePatient: (id, profile) => okOf({ ...PATIENTS[0], ...profile, id }),
    members: () => okOf(MEMBERS),
    createInvite: (patientId) => okOf({ code: 'K7Q2M9XD', patientId, expiresAt: now + DAY }),
    redeemInvite: () => okOf({ patientId: 'p_dad', role: 'family' as const, joined: true }),
    removeMember: (_p, userId) => okOf({ removed: userId }),
    leave: (patientId) => okOf({ left: patientId }),
    myDevices: () => okOf([{ ...DEVICE, patientId: 'p_mom' }]),
    bindDevice: (patientId) => okOf({ deviceId: DEVICE.id, patientId, since: now }),
    unbindDevice: (deviceId) => okOf({ deviceId, unbound: true as const }),
    history: (q) =>
      okOf(q.to - q.from <= 20 * MIN ? rawHistory(q.from, q.to) : q.to - q.from <= DAY + MIN ? rawHistory(q.from, q.to, 5 * MIN) : bucketHistory(q.from, q.to)),
    realtimeCredentials: () => okOf({ clientId: 'c', username: 'user:u_me', password: 'p', expiresAt: now + HOUR, topics: [] }),
    setMeasurement: (_d, settings) =>
      okOf({ result: 'acked' as const, detail: 'device confirmed', offline: false, desired: { enabled: true, intervalS: 60, ...settings }, pending: false }),
    measureNow: () => okOf({ result: 'acked' as const, detail: 'device confirmed', offline: false }),
    controlState: (deviceId) => okOf({ deviceId, online: true, reported: { enabled: true, intervalS: 60, at: now - HOUR }, audit: [] }),
    activeAlerts: () => okOf([]),
    alertHistory: () => okOf({ alerts: ALERTS_PAST }),
    acknowledgeAlert: (alertId, note) => okOf({ ...ALERT_ACTIVE, id: alertId, ack: { by: USER.id, at: now, ...(note ? { note } : {}) } }),
    snoozeAlerts: (patientId, kind, minutes) => okOf({ patientId, kind, until: now + minutes * MIN, by: USER.id, at: now }),
    snoozes: () => okOf([]),
    alertRules: () => okOf({ rules: defaultRules(), defaults: defaultRules(), changes: [] }),
    setAlertRules: (_p, change) => okOf({ ...defaultRules(), ...change }),
    alertsSubscribed: (templateId, count = 1) => okOf({ templateId, remaining: 2 + count }),
    alertQuota: () => okOf({ templateId: TEMPLATE_ID, remaining: { [TEMPLATE_ID]: 3 } }),
  };
}

/** A realtime client the test or preview drives by hand (`emit`). */
export function fixtureRealtime(): RealtimeClient & { emit(e: RealtimeEvent): void; watched: string[][]; watchedPatients: string[][] } {
  const listeners = new Set<(e: RealtimeEvent) => void>();
  const watched: string[][] = [];
  const watchedPatients: string[][] = [];
  return {
    status: 'live',
    watched,
    watchedPatients,
    watch: async (ids, patientIds = []) => {
      watched.push(ids);
      watchedPatients.push(patientIds);
      listeners.forEach((l) => l({ type: 'status', status: 'live' }));
      return { ok: true, data: { watching: ids } };
    },
    stop: async () => undefined,
    on: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    emit: (e) => listeners.forEach((l) => l(e)),
  } as RealtimeClient & { emit(e: RealtimeEvent): void; watched: string[][]; watchedPatients: string[][] };
}

export function silentUi(): Ui {
  return {
    toast: () => undefined,
    confirm: async () => true,
    scanCode: async () => undefined,
    navigateTo: () => undefined,
    switchTab: () => undefined,
    copy: () => undefined,
    setTitle: () => undefined,
    call: () => undefined,
    requestSubscribeMessage: async (ids) => ({ ok: true, answers: Object.fromEntries(ids.map((id) => [id, 'accept'])) }),
  };
}

/** Services from fixtures. */
export interface FixtureOptions {
  /** Single calls replaced (errors, never-settling promises). */
  api?: Partial<Api>;
  /** The fixed time of the data, ms. Default NOW. */
  now?: number;
  /** The clock the page reads; default fixed at `now`. */
  clock?: () => number;
  /** Default: timers that never fire, so pictures and tests stay deterministic. */
  timer?: Timer;
  ui?: Ui;
  devCode?: string;
  /** The signed-in user; default `USER` (no avatar). */
  user?: UserRecord;
  /** Avatar upload replaced (errors, never-settling). */
  avatars?: Partial<Avatars>;
  /** 大字模式 on. */
  bigText?: boolean;
  /** The privacy gate (a waiting request shows the privacy sheet). */
  privacy?: PrivacyGate;
}

/** Avatars from fixtures: uploads succeed with `AVATAR_REF`, every stored avatar shows `AVATAR_PICTURE`. */
export function fixtureAvatars(): Avatars {
  return { upload: () => okOf(AVATAR_REF), source: (ref) => (ref ? AVATAR_PICTURE : '') };
}

export function fixtureServices(opts: FixtureOptions = {}): Services & { realtime: ReturnType<typeof fixtureRealtime> } {
  const now = opts.now ?? NOW;
  const realtime = fixtureRealtime();
  let user = opts.user ?? USER;
  return {
    api: { ...fixtureApi(now), ...opts.api },
    session: {
      ensure: async () => ({ ok: true, data: user }),
      token: () => 't',
      user: () => user,
      remember: (u: UserRecord) => void (user = u),
      clear: () => undefined,
      useDevCode: () => undefined,
      devCode: () => opts.devCode ?? 'wxpreview01',
    },
    realtime,
    avatars: { ...fixtureAvatars(), ...opts.avatars },
    display: { bigText: () => opts.bigText ?? false, setBigText: () => undefined },
    privacy: opts.privacy ?? createPrivacyGate(),
    ui: opts.ui ?? silentUi(),
    now: opts.clock ?? (() => now),
    timer: opts.timer ?? { setTimeout: () => 0, clearTimeout: () => undefined },
    mode: 'local',
  } as Services & { realtime: ReturnType<typeof fixtureRealtime> };
}
