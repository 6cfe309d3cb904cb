/**
 * Readings as CSV (RFC 4180: comma-separated, CRLF line ends, a header row): one row per reading,
 * its time in UTC and in the reader's time zone, one column per vital, empty when the reading did
 * not measure it. Pure: the time zone is an IANA name passed in, formatted with `Intl`.
 */
import type { Reading } from '../vitals';

export const CSV_COLUMNS = ['time_utc', 'time_local', 'temperature_cel', 'heart_rate_per_min', 'spo2_percent'] as const;
export const CSV_HEADER = CSV_COLUMNS.join(',');
const CRLF = '\r\n';

/** Whether `timeZone` is an IANA time zone name this runtime knows (`Europe/Berlin`, `UTC`). */
export function isTimeZone(timeZone: unknown): timeZone is string {
  if (typeof timeZone !== 'string' || timeZone.length === 0 || timeZone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * A formatter of `ts` as local ISO 8601 with the zone's offset at that instant
 * (`2026-11-30T20:45:14.000+08:00`), so a spreadsheet and a person both read it unambiguously.
 */
export function localTimeFormatter(timeZone: string): (ts: number) => string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  return (ts) => {
    const p: Record<string, string> = {};
    for (const { type, value } of parts.formatToParts(ts)) p[type] = value;
    const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
    // The offset is the wall-clock time read as UTC minus the instant (whole seconds of both).
    const offsetMin = Math.round((wall - Math.floor(ts / 1000) * 1000) / 60_000);
    const sign = offsetMin < 0 ? '-' : '+';
    const abs = Math.abs(offsetMin);
    const ms = String(((ts % 1000) + 1000) % 1000).padStart(3, '0');
    const off = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
    return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}.${ms}${off}`;
  };
}

const cell = (v: number | undefined): string => (v === undefined ? '' : String(v));

/** The CSV text of `readings` (oldest first as given), with the header row. */
export function readingsToCsv(readings: readonly Reading[], timeZone: string): string {
  const local = localTimeFormatter(timeZone);
  const rows = [CSV_HEADER];
  for (const r of readings) {
    rows.push([new Date(r.ts).toISOString(), local(r.ts), cell(r.temperature), cell(r.heartRate), cell(r.spo2)].join(','));
  }
  return rows.join(CRLF) + CRLF;
}

/** Pages of `readingsToCsv` joined into one file: the header once, then every page's rows. */
export function joinCsvPages(pages: readonly string[]): string {
  if (!pages.length) return CSV_HEADER + CRLF;
  const bodies = pages.map((p, i) => (i === 0 ? p : p.slice(p.indexOf(CRLF) + CRLF.length)));
  return bodies.join('');
}
