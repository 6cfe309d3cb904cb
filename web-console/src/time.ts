/** Times as the console shows them, in the browser's time zone (the mini program's rules, with dayjs). */
import dayjs from 'dayjs';
import type { LocalTime } from '../../core/status';

export const localTime: LocalTime = {
  readingTime(ts, now) {
    const t = dayjs(ts);
    const n = dayjs(now);
    if (t.isSame(n, 'day')) return t.format('HH:mm:ss');
    if (t.isSame(n, 'year')) return t.format('MM-DD HH:mm');
    return t.format('YYYY-MM-DD');
  },
  startOfDay: (ts) => dayjs(ts).startOf('day').valueOf(),
};

export const dateTimeText = (ts: number): string => dayjs(ts).format('YYYY-MM-DD HH:mm:ss');

/** `YYYY-MM-DDTHH:mm` for a `datetime-local` input, and back (local time). */
export const toInput = (ts: number): string => dayjs(ts).format('YYYY-MM-DDTHH:mm');
export function fromInput(text: string): number | undefined {
  const d = dayjs(text);
  return text && d.isValid() ? d.valueOf() : undefined;
}

/** The browser's IANA time zone (for the CSV's local time column). */
export const browserTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
