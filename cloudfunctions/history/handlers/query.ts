/**
 * History of one device over [from, to): raw readings when the range holds at most `maxPoints`
 * of them, otherwise at most `maxPoints` epoch-aligned buckets with min/avg/max per vital.
 *
 * Event: `{deviceId, from, to, maxPoints?, mode?}`; `mode` = `auto` (default), `raw` (pages of
 * raw readings; `next` is the `from` of the following page) or `buckets`.
 */
import { checkRange, chooseBucketWidth, err, ErrorCode, ok } from '../../../core';
import type { Bucket, Reading } from '../../../core';
import type { Handler } from '../../../backend/runtime/handler';

export type HistoryResult =
  | { deviceId: string; from: number; to: number; kind: 'raw'; readings: Reading[]; next?: number }
  | { deviceId: string; from: number; to: number; kind: 'buckets'; widthMs: number; buckets: Bucket[] };

const MODES = ['auto', 'raw', 'buckets'] as const;
type Mode = (typeof MODES)[number];

export const query: Handler = async ({ event, deps }) => {
  const { deviceId } = event;
  if (typeof deviceId !== 'string' || deviceId.length === 0) return err(ErrorCode.BadRequest, '"deviceId" is required');
  const mode = (event.mode ?? 'auto') as Mode;
  if (!MODES.includes(mode)) return err(ErrorCode.BadRequest, `"mode" must be one of ${MODES.join(', ')}`);
  const range = checkRange(event);
  if (!range.ok) return err(ErrorCode.BadRequest, range.message);
  const { from, to, maxPoints } = range.value;
  if (!(await deps.store.getDevice(deviceId))) return err(ErrorCode.NotFound, `no device ${deviceId}`);

  const base = { deviceId, from, to };
  const raw = mode === 'raw' || (mode === 'auto' && (await deps.store.countReadings(deviceId, from, to, maxPoints + 1)) <= maxPoints);
  if (raw) {
    const rows = await deps.store.queryRaw({ deviceId, from, to, limit: maxPoints + 1 });
    const result: HistoryResult = { ...base, kind: 'raw', readings: rows.slice(0, maxPoints) };
    if (rows.length > maxPoints) result.next = rows[maxPoints].ts;
    return ok(result);
  }
  const widthMs = chooseBucketWidth(range.value);
  const buckets = await deps.store.queryBuckets({ deviceId, from, to, widthMs });
  const result: HistoryResult = { ...base, kind: 'buckets', widthMs, buckets };
  return ok(result);
};
