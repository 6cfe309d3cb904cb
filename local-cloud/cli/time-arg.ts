/** Time arguments of the CLI: `now`, relative (`-15m`, `-24h`, `-30d`), ms since the epoch, or an ISO date. */
import dayjs from 'dayjs';

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const isUnit = (u: string | undefined): u is keyof typeof UNIT_MS => u !== undefined && Object.hasOwn(UNIT_MS, u);

export function parseTimeArg(value: string, now: number): number {
  if (value === 'now') return now;
  const [, count, unit] = /^-(\d+)([smhd])$/.exec(value) ?? [];
  if (count !== undefined && isUnit(unit)) return now - Number(count) * UNIT_MS[unit];
  if (/^\d{10,}$/.test(value)) return Number(value);
  const d = dayjs(value);
  if (!d.isValid()) throw new Error(`cannot read time "${value}": use now, -15m, -24h, -30d, ms since the epoch or an ISO date`);
  return d.valueOf();
}

export function formatTime(ms: number): string {
  return dayjs(ms).format('YYYY-MM-DD HH:mm:ss');
}

/** Options whose value is a time, and so may look like a flag (`-15m`). */
const TIME_OPTIONS = new Set(['--from', '--to']);

/**
 * `--from -15m` as the README writes it: node:util's parseArgs would take `-15m` for an option and
 * refuse the command ("argument is ambiguous"), so a relative time after a time option is joined
 * to it (`--from=-15m`) before parsing.
 */
export function joinRelativeTimes(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const next = argv[i + 1];
    if (TIME_OPTIONS.has(a) && next !== undefined && /^-\d/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}
