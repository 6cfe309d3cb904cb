/** Pure rules of the monitoring page: what a tile shows, and what a command's answer means. */
import { type CommandReply, type DeviceStatus, formatVital, type Reading, type Result, VITAL_ORDER, VITAL_STYLES, type VitalKey } from '../../lib/core';
import type { ControlOutcome } from '../../components/device-control/model';
import type { TileState } from '../../components/vital-tile/index';
import { ago, readingTime, whenText } from '../../common/time';
import { levelWord, normalRangeText } from '../../common/status';
import type { Latest } from '../../common/status';

export type { Latest };

export interface Tile {
  vital: VitalKey;
  label: string;
  unit: string;
  value: string;
  time: string;
  state: TileState;
  /** `正常 51–90`. */
  range: string;
  /** `偏快` when the value is outside its normal range, else ``. */
  flag: string;
}

/** A reading is stale after three missed measurements, and never sooner than 2 minutes. */
export function staleAfterMs(intervalS: number): number {
  return Math.max(3 * intervalS * 1000, 120_000);
}

export function tileOf(vital: VitalKey, latest: Latest | undefined, online: boolean, intervalS: number, now: number): Tile {
  const s = VITAL_STYLES[vital];
  const base = { vital, label: s.label, unit: s.unit, range: normalRangeText(vital) };
  if (!latest) return { ...base, value: '--', time: '', state: online ? 'empty' : 'offline', flag: '' };
  const state: TileState = !online ? 'offline' : now - latest.ts > staleAfterMs(intervalS) ? 'stale' : 'fresh';
  // An old value says how old it is; the clock time would not fit the tile beside it.
  const time = state === 'fresh' ? readingTime(latest.ts, now) : ago(latest.ts, now);
  return { ...base, value: formatVital(vital, latest.value), time, state, flag: levelWord(vital, latest.value) };
}

/** Keeps the newest value per vital. Returns the vitals that changed. */
export function mergeLatest(latest: Partial<Record<VitalKey, Latest>>, reading: Reading): VitalKey[] {
  const changed: VitalKey[] = [];
  for (const k of VITAL_ORDER) {
    const v = reading[k];
    if (v === undefined) continue;
    const cur = latest[k];
    if (!cur || reading.ts >= cur.ts) {
      latest[k] = { ts: reading.ts, value: v };
      changed.push(k);
    }
  }
  return changed;
}

/** The newest reading of each vital over a patient's devices. */
export function latestOfDevices(devices: readonly DeviceStatus[]): Partial<Record<VitalKey, Latest>> {
  const latest: Partial<Record<VitalKey, Latest>> = {};
  for (const d of devices) if (d.lastReading) mergeLatest(latest, d.lastReading);
  return latest;
}

export type CommandKind = 'enabled' | 'interval' | 'measure';

/** What the user is told once a command came back. */
export function outcomeOf(kind: CommandKind, r: Result<CommandReply>): ControlOutcome {
  if (!r.ok) return { kind: 'failed', text: `发送失败：${r.message}` };
  const measure = kind === 'measure';
  switch (r.data.result) {
    case 'acked':
      return { kind: 'done', text: measure ? '设备已开始测量，结果稍后显示' : '设备已确认新的设置' };
    case 'rejected':
      return { kind: 'failed', text: `设备拒绝了该指令（${r.data.detail}）` };
    case 'timeout':
      if (measure) return { kind: 'failed', text: r.data.offline ? '设备离线，无法立即测量' : '设备未响应（超时），请稍后重试' };
      if (r.data.offline) return { kind: 'queued', text: '设备离线：设置已保存，设备上线后自动生效' };
      return { kind: 'queued', text: '设备未及时响应：设置已保存，设备重新连接后生效' };
    default:
      return { kind: 'failed', text: `未能执行（${r.data.detail}）` };
  }
}

export const PENDING_TEXT: Record<CommandKind, string> = {
  enabled: '正在发送到设备，等待确认…',
  interval: '正在发送到设备，等待确认…',
  measure: '正在请求设备测量…',
};

export const REALTIME_TEXT: Record<string, string> = {
  idle: '',
  connecting: '正在连接实时数据…',
  live: '实时数据已连接',
  reconnecting: '连接中断，正在重连…',
  error: '实时连接失败',
};

/**
 * The connection line under the status: it speaks of the phone's connection and the device's
 * presence together, so a connected app never looks green beside a device that is offline.
 */
export function connectionLine(live: string, liveText: string, anyOnline: boolean): { tone: string; text: string } {
  if (live === 'live' && anyOnline) return { tone: 'live', text: '实时数据已连接，新数据会自动显示' };
  if (live === 'live') return { tone: 'idle', text: '手机已连接，正在等待设备上线' };
  if (live === 'error') return { tone: 'error', text: liveText || REALTIME_TEXT.error };
  if (live === 'connecting' || live === 'reconnecting') return { tone: 'connecting', text: REALTIME_TEXT[live] };
  return { tone: 'idle', text: '未连接实时数据' };
}

/** `张丽于昨天 20:15修改了设置`: who last changed the device's settings, from its desired settings. */
export function changedByText(desired: { at: number; by: string } | undefined, names: Record<string, string>, me: string, now: number): string {
  if (!desired) return '';
  // No `by`: asked for before the device came to this patient; who asked is not shown.
  if (!desired.by) return `设置于${whenText(desired.at, now)}修改`;
  const who = desired.by === me ? '你' : (names[desired.by] ?? '家人');
  return `${who}于${whenText(desired.at, now)}修改了设置`;
}
