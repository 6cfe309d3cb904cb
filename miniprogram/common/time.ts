/** Times as the UI shows them, in the phone's time zone. */
import { dayjs } from '../lib/dayjs';

/** `14:05:09` today, `11-26 14:05` this year, `2025-11-26` before. */
export function readingTime(ts: number, now: number): string {
  const t = dayjs(ts);
  const n = dayjs(now);
  if (t.isSame(n, 'day')) return t.format('HH:mm:ss');
  if (t.isSame(n, 'year')) return t.format('MM-DD HH:mm');
  return t.format('YYYY-MM-DD');
}

/** `刚刚`, `3 分钟前`, `2 小时前`, `5 天前`. */
export function ago(ts: number, now: number): string {
  const s = Math.max(0, Math.round((now - ts) / 1000));
  if (s < 60) return '刚刚';
  if (s < 3600) return `${Math.floor(s / 60)} 分钟前`;
  if (s < 86_400) return `${Math.floor(s / 3600)} 小时前`;
  return `${Math.floor(s / 86_400)} 天前`;
}

export function dateText(ts: number): string {
  return dayjs(ts).format('YYYY-MM-DD');
}

export function dateTimeText(ts: number): string {
  return dayjs(ts).format('YYYY-MM-DD HH:mm');
}

/** Start of the day of `ts` (local time), ms. */
export function startOfDay(ts: number): number {
  return dayjs(ts).startOf('day').valueOf();
}

/** Parses `YYYY-MM-DD` as local midnight; undefined when it is not a date. */
export function parseDate(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  // dayjs reads `YYYY-MM-DD` as local midnight (no format plugin needed).
  const d = dayjs(text);
  return d.isValid() && d.format('YYYY-MM-DD') === text ? d.valueOf() : undefined;
}

/** Whole years between a `YYYY-MM-DD` birth date and now. */
export function ageOf(birthDate: string | undefined, now: number): number | undefined {
  if (!birthDate) return undefined;
  const b = dayjs(birthDate);
  return b.isValid() ? dayjs(now).diff(b, 'year') : undefined;
}

const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

/** A day as people say it: `今天`, `昨天`, `11月25日 周三`, `2025年11月25日` in another year. */
export function dayLabel(ts: number, now: number): string {
  const d = dayjs(ts).startOf('day');
  const today = dayjs(now).startOf('day');
  const diff = Math.round((today.valueOf() - d.valueOf()) / 86_400_000);
  if (diff === 0) return '今天';
  if (diff === 1) return '昨天';
  if (d.year() === today.year()) return `${d.month() + 1}月${d.date()}日 ${WEEKDAYS[d.day()]}`;
  return `${d.year()}年${d.month() + 1}月${d.date()}日`;
}

/** `11月25日`, or with the year when it is not this year's. */
export function shortDate(ts: number, now: number): string {
  const d = dayjs(ts);
  return d.year() === dayjs(now).year() ? `${d.month() + 1}月${d.date()}日` : `${d.year()}年${d.month() + 1}月${d.date()}日`;
}

/** `今天 08:00`, `昨天 20:15`, `11月25日 20:15`: a moment as people say it. */
export function whenText(ts: number, now: number): string {
  const day = dayLabel(ts, now);
  const time = dayjs(ts).format('HH:mm');
  return `${day.replace(/ 周.$/, '')} ${time}`;
}
