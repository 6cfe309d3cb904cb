/**
 * Alerts as a family reads them: what (in Chinese, from the kind and value, not the backend's
 * English `message`), how serious (colour plus a word, never colour alone), since when, and who
 * did what about it. Pure rules, shared by the banner on 实时监测, the alerts page and 我的.
 * The lifecycle behind the words is in docs/alerts.md.
 */
import { type AlertKind, type AlertRecord, NORMAL_RANGES, type Severity, type SnoozeRecord } from '../lib/core';
import { whenText } from './time';

/** `urgent` red, `warning` orange, `info` blue: the class a view uses, always shown with `severityWord`. */
export const SEVERITY_WORD: Readonly<Record<Severity, string>> = { urgent: '紧急', warning: '注意', info: '提示' };

/** Short names of the kinds (snooze choices, settings switches). */
export const KIND_NAME: Readonly<Record<AlertKind, string>> = {
  spo2: '血氧',
  heartRate: '心率',
  temperature: '体温',
  combined: '综合评分',
  'no-data': '没有新数据',
  offline: '设备离线',
  'check-sensor': '检查传感器',
};

export type AlertState = 'active' | 'acked' | 'resolved';

export interface AlertView {
  id: string;
  kind: AlertKind;
  severity: Severity;
  severityWord: string;
  /** `血氧 88%，偏低`. */
  title: string;
  /** `从今天 09:50 开始`. */
  since: string;
  state: AlertState;
  /** `还没有人确认` / `张丽已确认（今天 10:05）` / `已恢复（今天 10:30）`; empty when `escalated` says it. */
  stateText: string;
  /** The acknowledgement's note, quoted; empty without one. */
  note: string;
  /** `还没有人确认，已再次提醒全家 2 次`; empty when not escalated (or no longer waiting). */
  escalated: string;
  canAck: boolean;
}

/** What the alert is about, in plain words with the value that raised it. */
export function alertTitle(a: Pick<AlertRecord, 'kind' | 'value' | 'partial'>): string {
  const v = a.value;
  switch (a.kind) {
    case 'spo2':
      return v === undefined ? '血氧偏低' : `血氧 ${Math.round(v)}%，偏低`;
    case 'heartRate': {
      if (v === undefined) return '心率异常';
      const word = v < NORMAL_RANGES.heartRate.low ? '偏慢' : '偏快';
      return `心率 ${Math.round(v)} 次/分，${word}`;
    }
    case 'temperature': {
      if (v === undefined) return '体温异常';
      const word = v < NORMAL_RANGES.temperature.low ? '偏低' : '偏高';
      return `体温 ${v.toFixed(1)}°C，${word}`;
    }
    case 'combined':
      // A sum over 3 of NEWS2's 7 parameters: always said to be partial (docs/alerts.md).
      return `综合评分偏高${v === undefined ? '' : `（${v} 分）`}，仅含 3 项体征`;
    case 'no-data':
      return '设备没有发来新数据';
    case 'offline':
      return '设备离线';
    case 'check-sensor':
      return '测不到心率和血氧，请检查传感器是否戴好';
  }
}

/** Display names by user id; the signed-in user is `我`. */
export type Names = Readonly<Record<string, string>>;

export function alertView(a: AlertRecord, names: Names, me: string, now: number): AlertView {
  const who = (id: string) => (id === me ? '我' : (names[id] ?? '家人'));
  const state: AlertState = a.resolvedAt !== undefined ? 'resolved' : a.ack ? 'acked' : 'active';
  const parts: string[] = [];
  if (a.resolvedAt !== undefined) parts.push(`已恢复（${whenText(a.resolvedAt, now)}）`);
  if (a.ack) parts.push(`${who(a.ack.by)}已确认（${whenText(a.ack.at, now)}）`);
  const escalated = state === 'active' && a.escalations > 0 ? `还没有人确认，已再次提醒全家 ${a.escalations} 次` : '';
  // An escalated alert says it once, in bold (`escalated`), not twice.
  if (!parts.length && !escalated) parts.push('还没有人确认');
  return {
    id: a.id,
    kind: a.kind,
    severity: a.severity,
    severityWord: SEVERITY_WORD[a.severity],
    title: alertTitle(a),
    since: `从${whenText(a.startedAt, now)} 开始`,
    state,
    stateText: parts.join('，'),
    note: a.ack?.note ? `“${a.ack.note}”` : '',
    escalated,
    canAck: state === 'active',
  };
}

/** Most serious first, then the newest. */
export function sortAlerts(alerts: readonly AlertRecord[]): AlertRecord[] {
  const rank: Record<Severity, number> = { urgent: 3, warning: 2, info: 1 };
  return [...alerts].sort((x, y) => rank[y.severity] - rank[x.severity] || y.startedAt - x.startedAt);
}

/**
 * Applies an alert from the realtime topic (raise, upgrade, escalate, acknowledge, resolve) to
 * the list of active alerts: replaced by id, added when new, dropped once resolved.
 */
export function applyAlert(active: readonly AlertRecord[], a: AlertRecord): AlertRecord[] {
  const rest = active.filter((x) => x.id !== a.id);
  return a.resolvedAt !== undefined ? rest : [...rest, a];
}

/** The 我的 line for a patient's alerts: `紧急 · 1 条提醒还没有人确认`, or undefined when there are none. */
export interface AlertSummary {
  level: Severity;
  text: string;
}

export function alertSummary(active: readonly AlertRecord[]): AlertSummary | undefined {
  if (!active.length) return undefined;
  const top = sortAlerts(active)[0];
  const open = active.filter((a) => !a.ack).length;
  // What it is about is on the status line just above (`withAlerts`): here only how many and whether anyone saw them.
  const text = open ? `${open} 条提醒还没有人确认` : `${active.length} 条提醒已有家人确认，尚未恢复`;
  return { level: top.severity, text: `${SEVERITY_WORD[top.severity]} · ${text}` };
}

/**
 * The status line never says `一切正常` while an alert is unresolved: the newest values may be back
 * in range before the alert clears (it needs several normal readings, docs/alerts.md). Below the
 * monitor page's alert banner (`belowBanner`), which already names the alert, it says how the newest
 * values are and points up instead of repeating the alert next to tiles that show other numbers.
 */
export function withAlerts<T extends { level: string; title: string; detail: string }>(
  status: T,
  active: readonly AlertRecord[],
  { belowBanner = false }: { belowBanner?: boolean } = {},
): T {
  if (status.level !== 'ok' || !active.length) return status;
  if (belowBanner) return { ...status, level: 'attention', title: '最新测量在正常范围', detail: joinDetail(status.detail, '提醒尚未解除，见上方') };
  return { ...status, level: 'attention', title: `需要关注：${alertTitle(sortAlerts(active)[0])}` };
}

const joinDetail = (a: string, b: string) => (a ? `${a} · ${b}` : b);

/** Snooze lengths offered, minutes (the function allows up to 24 h). */
export const SNOOZE_CHOICES: ReadonlyArray<{ minutes: number; label: string }> = [
  { minutes: 30, label: '30 分钟' },
  { minutes: 120, label: '2 小时' },
  { minutes: 480, label: '8 小时' },
  { minutes: 1440, label: '24 小时' },
];

export interface SnoozeView {
  kind: AlertKind;
  text: string;
}

/** `血氧提醒已暂停到今天 12:00（张丽设置）`. */
export function snoozeView(s: SnoozeRecord, names: Names, me: string, now: number): SnoozeView {
  const who = s.by === me ? '我' : (names[s.by] ?? '家人');
  return { kind: s.kind, text: `${KIND_NAME[s.kind]}提醒已暂停到${whenText(s.until, now)}（${who}设置）` };
}

/**
 * The WeChat notification opt-in as the settings page says it. `remaining` is the user's count of
 * accepted one-time sends for the configured template (`alerts.quota`); each message uses one.
 */
export interface QuotaView {
  level: 'off' | 'ok' | 'empty';
  text: string;
  /** The opt-in button: shown when a template is configured. */
  canSubscribe: boolean;
}

export function quotaView(templateId: string | null, remaining: Readonly<Record<string, number>>): QuotaView {
  if (!templateId) {
    return {
      level: 'off',
      text: '微信提醒还没有开通（服务器未配置消息模板），请打开小程序查看提醒',
      canSubscribe: false,
    };
  }
  const n = remaining[templateId] ?? 0;
  if (n <= 0) {
    return {
      level: 'empty',
      text: '微信提醒次数已用完：出现异常时不会再通知你。点下方按钮再次开启，每点一次可多收一条',
      canSubscribe: true,
    };
  }
  return { level: 'ok', text: `还可以收到 ${n} 条微信提醒。每条提醒用掉一次，点下方按钮可以增加`, canSubscribe: true };
}
