/**
 * Each device's newest minute is kept out of the rollups (SQLite migration 16,
 * `device_counters.pending_minute`). Readings of a device's pending minute or later are inserted
 * raw only; when a reading of a later minute arrives, the minutes from the pending one up to it
 * are summed once from their rows into `readings_1m`, and each hour that completes from its minute
 * rows into `readings_1h`. A reading before the pending minute (late) is added to the rollups at
 * once, as before (readings.ts). Bucket queries read raw rows from the pending minute on.
 *
 * Why: readings are clustered by device, so a batch of messages from different devices writes one
 * b-tree page per device for the readings — and, when every message also updated its minute and
 * hour rows, two pages more, each written whole to the WAL at commit and again at the checkpoint.
 * A steady device now writes no rollup page per message: a minute row once a minute and an hour
 * row once an hour (docs/performance.md, "Eighth round").
 *
 * What holds after every batch: for each device, every reading before its pending minute is in its
 * minute row exactly, and every hour wholly before it in its hour row. Rollup rows from the
 * pending minute on, and the row of the hour holding it, are never read (queries turn to raw rows
 * there, so that hour is never whole in what they read from rollups), and rolling up recomputes
 * them, so one summed before (a database from before migration 16) is simply summed again. The
 * pending minute only grows; null means every reading is rolled up (a device with no readings yet,
 * or one stored before migration 16).
 */
import type { Db } from './database';
import { MINUTE, type prepareRecompute } from './rollup-delta';

/** A device's counters and pending minute while a batch is written. */
export interface DeviceState {
  /** Readings this batch added (not merged into existing rows). */
  added: number;
  /** The newest reading time this batch wrote, or 0. */
  last: number;
  /** The newest reading time stored before this batch, if any. */
  lastTs: number | null;
  pending: number | null;
  /** `pending` when the batch began: the counters row is written if it moved. */
  pendingBefore: number | null;
}

export function createPendingMinutes(db: Db, recompute: ReturnType<typeof prepareRecompute>) {
  const q = { state: db.prepare('SELECT last_ts, pending_minute FROM device_counters WHERE device_id = ?') };
  type StateRow = { last_ts: number | null; pending_minute: number | null };

  return {
    /** The device's state in this batch, read from its counters row at its first reading. */
    stateOf(states: Map<number, DeviceState>, d: number): DeviceState {
      let s = states.get(d);
      if (!s) {
        const row = q.state.get(d) as StateRow | undefined;
        const pending = row?.pending_minute ?? null;
        states.set(d, (s = { added: 0, last: 0, lastTs: row?.last_ts ?? null, pending, pendingBefore: pending }));
      }
      return s;
    },

    /**
     * Before a reading at `minuteAt` is written: rolls up the pending minutes it completes (a later
     * minute), and tells whether the reading goes into the rollups now (an earlier minute: late).
     * The first pending minute is the device's newest stored one, so a late first reading after
     * the upgrade is added to the rollups as before instead of making the next reading re-sum every
     * minute since.
     */
    advance(s: DeviceState, d: number, minuteAt: number): boolean {
      if (s.pending === null) s.pending = Math.max(minuteAt, s.lastTs === null ? minuteAt : Math.floor(s.lastTs / MINUTE));
      if (minuteAt > s.pending) {
        recompute.minutes(d, s.pending, minuteAt);
        // Only hours now complete: the hour holding the pending minute is never read whole, so its
        // row is summed when it completes (a late reading's delta to it meanwhile is harmless).
        const h0 = Math.floor(s.pending / 60);
        const h1 = Math.floor(minuteAt / 60);
        if (h1 > h0) recompute.hours(d, h0, h1);
        s.pending = minuteAt;
      }
      return minuteAt < s.pending;
    },

    /** Where a query of [`from`, `to`) turns from rollups to raw rows: the pending minute's start, within the range. */
    cutOf(d: number, from: number, to: number): number {
      const pending = (q.state.get(d) as StateRow | undefined)?.pending_minute ?? null;
      return pending === null ? to : Math.max(from, Math.min(to, pending * MINUTE));
    },
  };
}
