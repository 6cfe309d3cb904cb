/**
 * History over [from, to): raw readings when the range holds at most `maxPoints` of them, otherwise
 * at most `maxPoints` epoch-aligned buckets with min/avg/max per vital.
 *
 * Event: `{patientId | deviceId, from, to, maxPoints?, mode?}`. A patient's history is made of the
 * readings of every device while it was bound to the patient (attributed by measurement time, so
 * rebinding a device never moves old readings). `deviceId` is for operators. `mode` = `auto`
 * (default), `raw` (pages of raw readings; `next` is the `from` of the following page) or `buckets`.
 * The event's schema is declared in core/api/contract/history.
 */
import { checkRange, chooseBucketWidth, err, ErrorCode, ok } from '../../../core';
import type { Result } from '../../../core';
import type { HistoryResult } from '../../../core/api';
import { history as contract } from '../../../core/api/contract/history';
import { ANY_ROLE, requireRole } from '../../../backend/runtime/access';
import { type HandlerInput, typed } from '../../../backend/runtime/handler';
import { requireUser } from '../../../backend/runtime/users';
import type { Segment } from '../../../backend/store/types';

type Subject = { deviceId: string } | { patientId: string };

/**
 * The readings the caller asked for, as device segments, after checking they may see them. Takes
 * the raw event (already checked by the contract when called from `query`) so plain handlers such
 * as an export can share it.
 */
export async function segmentsFor({ event, caller, deps }: HandlerInput, from: number, to: number): Promise<Result<{ subject: Subject; segments: Segment[] }>> {
  if (typeof event.patientId === 'string') {
    const user = await requireUser(caller, deps);
    await requireRole(deps, event.patientId, user.id, ANY_ROLE);
    const segments = (await deps.store.bindingsOfPatient(event.patientId))
      .map((b) => ({ deviceId: b.deviceId, from: Math.max(from, b.from), to: Math.min(to, b.to ?? Infinity) }))
      .filter((s) => s.from < s.to);
    return ok({ subject: { patientId: event.patientId }, segments });
  }
  if (typeof event.deviceId === 'string') {
    if (caller.kind !== 'admin') return err(ErrorCode.Forbidden, 'device history is for operators; ask by patientId');
    if (!(await deps.store.getDevice(event.deviceId))) return err(ErrorCode.NotFound, `no device ${event.deviceId}`);
    return ok({ subject: { deviceId: event.deviceId }, segments: [{ deviceId: event.deviceId, from, to }] });
  }
  return err(ErrorCode.BadRequest, '"patientId" (or, for operators, "deviceId") is required');
}

export const query = typed(contract.query, async (call) => {
  const { input, deps } = call;
  const { mode } = input;
  const range = checkRange(input);
  if (!range.ok) return err(ErrorCode.BadRequest, range.message);
  const { from, to, maxPoints } = range.value;
  const target = await segmentsFor(call, from, to);
  if (!target.ok) return target;
  const { subject, segments } = target.data;

  const base = { ...subject, from, to };
  const raw = mode === 'raw' || (mode === 'auto' && (await deps.store.countReadings(segments, maxPoints + 1)) <= maxPoints);
  if (raw) {
    const rows = await deps.store.queryRaw({ segments, limit: maxPoints + 1 });
    const result: HistoryResult = { ...base, kind: 'raw', readings: rows.slice(0, maxPoints) };
    const following = rows[maxPoints];
    if (following) result.next = following.ts;
    return ok(result);
  }
  const widthMs = chooseBucketWidth(range.value);
  const result: HistoryResult = { ...base, kind: 'buckets', widthMs, buckets: await deps.store.queryBuckets({ segments, widthMs }) };
  return ok(result);
});
