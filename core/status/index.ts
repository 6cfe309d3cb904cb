/**
 * "Is mum OK right now?" — the one-line answer shown per patient (mini program 实时监测 and 我的,
 * the web console's patient list), and the words a tile uses for a value outside its normal range.
 * Pure rules: colour means status (normal, needs attention, offline, no data), never which vital it
 * is, and every colour comes with words. Local-time questions (what "today" is, how a time reads)
 * are the client's, passed in as `LocalTime`.
 */
import type { DeviceStatus } from '../api';
import { VITAL_ORDER, VITAL_STYLES } from '../charts';
import { NORMAL_RANGES, type RangeLevel, rangeLevel, type Reading, type VitalKey } from '../vitals';

/** The client's local-time rules (the mini program's and the console's use dayjs in the device's zone). */
export interface LocalTime {
  /** How a reading's time reads at `now` (`14:05:09` today, `11-26 14:05` this year). */
  readingTime(ts: number, now: number): string;
  /** Start of the local day holding `ts`, ms. */
  startOfDay(ts: number): number;
}

export interface Latest {
  ts: number;
  value: number;
}

/** What the status line knows of a patient: presence of their devices and the newest values. */
export interface Snapshot {
  /** Devices bound to the patient. */
  devices: number;
  /** Any of them connected now. */
  online: boolean;
  /** When the last device went offline (its last presence change), if known. */
  offlineSince?: number;
  latest: Partial<Record<VitalKey, Latest>>;
  /** Measurement switched off on the device (when known). */
  measuring?: boolean;
  /** A connected device whose newest reading is older than this has stopped sending, ms. */
  staleAfterMs: number;
}

export type StatusLevel = 'ok' | 'attention' | 'offline' | 'nodata' | 'nodevice';

export interface PatientStatus {
  level: StatusLevel;
  /** `一切正常`, `需要关注：血氧偏低`, `设备离线 45 分钟`, `今天还没有数据`. */
  title: string;
  /** The time of the latest reading, or what to do. */
  detail: string;
}

const WORDS: Record<VitalKey, Record<Exclude<RangeLevel, 'normal'>, string>> = {
  temperature: { low: '偏低', high: '偏高' },
  heartRate: { low: '偏慢', high: '偏快' },
  spo2: { low: '偏低', high: '偏高' },
};

/** The word for a value against its normal range: `` when normal, else `偏高` / `偏低` / `偏快` / `偏慢`. */
export function levelWord(key: VitalKey, value: number): string {
  const level = rangeLevel(key, value);
  return level === 'normal' ? '' : WORDS[key][level];
}

/** `正常 36.1–38.0`, as a tile shows it under the value. */
export function normalRangeText(key: VitalKey): string {
  const r = NORMAL_RANGES[key];
  // Shortest form (38, not 38.0): the range must fit a third of the screen on one line.
  return `正常 ${r.low}–${r.high}`;
}

/** `45 分钟`, `3 小时`, `2 天`: how long something has lasted. */
export function durationText(ms: number): string {
  const min = Math.floor(Math.max(0, ms) / 60_000);
  if (min < 1) return '不到 1 分钟';
  if (min < 60) return `${min} 分钟`;
  if (min < 24 * 60) return `${Math.floor(min / 60)} 小时`;
  return `${Math.floor(min / (24 * 60))} 天`;
}

/** The newest value of each vital over a patient's devices (their last stored readings). */
export function latestOf(readings: ReadonlyArray<Reading | undefined>): Partial<Record<VitalKey, Latest>> {
  const latest: Partial<Record<VitalKey, Latest>> = {};
  for (const r of readings) {
    if (!r) continue;
    for (const k of VITAL_ORDER) {
      const v = r[k];
      if (v !== undefined && (!latest[k] || r.ts >= latest[k]!.ts)) latest[k] = { ts: r.ts, value: v };
    }
  }
  return latest;
}

/** A snapshot from the devices' stored status (`patients.get` / `devices.mine`). */
export function snapshotOf(devices: readonly DeviceStatus[], staleAfterMs: number): Snapshot {
  const online = devices.some((d) => d.online);
  const since = devices.map((d) => d.presenceAt ?? 0).filter((t) => t > 0);
  return {
    devices: devices.length,
    online,
    offlineSince: online || !since.length ? undefined : Math.max(...since),
    latest: latestOf(devices.map((d) => d.lastReading)),
    staleAfterMs,
  };
}

function newestTs(latest: Snapshot['latest']): number | undefined {
  const ts = VITAL_ORDER.map((k) => latest[k]?.ts ?? 0).filter((t) => t > 0);
  return ts.length ? Math.max(...ts) : undefined;
}

/** The status line of one patient at `now`. */
export function patientStatus(s: Snapshot, now: number, { readingTime, startOfDay }: LocalTime): PatientStatus {
  if (!s.devices) return { level: 'nodevice', title: '还没有绑定设备', detail: '在家人详情中输入设备标签上的绑定码' };
  const newest = newestTs(s.latest);
  const last = newest === undefined ? '还没有收到过数据' : `最后数据 ${readingTime(newest, now)}`;
  if (!s.online) {
    const since = s.offlineSince ?? newest;
    return { level: 'offline', title: since === undefined ? '设备离线' : `设备离线 ${durationText(now - since)}`, detail: last };
  }
  if (s.measuring === false) return { level: 'nodata', title: '测量已关闭', detail: `${last}；可在下方「测量控制」中打开` };
  if (newest === undefined || newest < startOfDay(now)) return { level: 'nodata', title: '今天还没有数据', detail: last };
  if (now - newest > s.staleAfterMs) return { level: 'nodata', title: `已有 ${durationText(now - newest)}没有新数据`, detail: last };
  // Only values from today speak for now; an old value of one vital is not today's state.
  const words = VITAL_ORDER.flatMap((k) => {
    const l = s.latest[k];
    if (!l || l.ts < startOfDay(now)) return [];
    const w = levelWord(k, l.value);
    return w ? [`${VITAL_STYLES[k].label}${w}`] : [];
  });
  const time = `最新数据 ${readingTime(newest, now)}`;
  if (words.length) return { level: 'attention', title: `需要关注：${words.join('、')}`, detail: time };
  return { level: 'ok', title: '一切正常', detail: time };
}
