/**
 * The backend's log: one line per event with its time, level and the fields that say where it came
 * from (function, action, request id), so a line in a busy log can be traced to the call that made
 * it. The request id is the one the host mints per call (`context.request_id` on CloudBase and on
 * the local function host), so a line matches the platform's own log of the invocation.
 *
 *   2026-11-30T08:00:00.000Z WARN  fn=patients action=update req=5f0c… the message
 */
export type LogLevel = 'info' | 'warn' | 'error';

export interface LogRecord {
  level: LogLevel;
  message: string;
  /** ms since the epoch. */
  ts: number;
  fields: Readonly<Record<string, string>>;
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Logs `message` (as a warning) the first time `key` is seen by this logger, and never again. */
  once(key: string, message: string): void;
  /** The same log with more fields on every line (`fn`, `action`, `req`, `device` …). */
  child(fields: Record<string, string | undefined>): Logger;
  /** Writes a record made elsewhere (a worker thread's logger), keeping its time, level and fields. */
  record(record: LogRecord): void;
}

export interface LoggerOptions {
  /** Where formatted lines go; default `console.error` (stdout is kept for command output). */
  write?: (line: string) => void;
  /** Receives records instead of lines (a worker hands them to its host); `write` is then unused. */
  sink?: (record: LogRecord) => void;
  /** Distinct `once` keys remembered before the oldest are forgotten. Default 10 000. */
  onceCapacity?: number;
  /** The clock; default `Date.now`. */
  now?: () => number;
}

export function formatRecord(r: LogRecord): string {
  const fields = Object.entries(r.fields).map(([k, v]) => `${k}=${v}`);
  return [new Date(r.ts).toISOString(), r.level.toUpperCase().padEnd(5), ...fields, r.message].join(' ');
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const write = opts.write ?? ((line: string) => console.error(line));
  const sink = opts.sink ?? ((r: LogRecord) => write(formatRecord(r)));
  const now = opts.now ?? Date.now;
  const capacity = opts.onceCapacity ?? 10_000;
  // Shared by a logger and its children: a `once` key is once for the whole log.
  const seen = new Set<string>();
  const make = (fields: Readonly<Record<string, string>>): Logger => {
    const emit = (level: LogLevel, message: string) => sink({ level, message, ts: now(), fields });
    return {
      info: (m) => emit('info', m),
      warn: (m) => emit('warn', m),
      error: (m) => emit('error', m),
      once(key, message) {
        if (seen.has(key)) return;
        if (seen.size >= capacity) seen.delete(seen.values().next().value as string);
        seen.add(key);
        emit('warn', message);
      },
      child(more) {
        const defined = Object.entries(more).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '');
        return make({ ...fields, ...Object.fromEntries(defined) });
      },
      record: (r) => sink(r),
    };
  };
  return make({});
}

/** A logger that keeps formatted lines in memory (tests, benchmarks). */
export function createMemoryLogger(opts: Omit<LoggerOptions, 'write' | 'sink'> = {}): Logger & { lines: string[] } {
  const lines: string[] = [];
  return Object.assign(createLogger({ ...opts, write: (l) => lines.push(l) }), { lines });
}
