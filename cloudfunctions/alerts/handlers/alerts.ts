/**
 * A patient's alerts, for the people following the patient (owner or family):
 *
 *   {action: "active", patientId}                           → AlertRecord[] (oldest first)
 *   {action: "history", patientId, before?, limit?: 20}     → {alerts (newest first), next?}
 *   {action: "acknowledge", alertId, note?}                 → the acknowledged alert
 *   {action: "snooze", patientId, kind, minutes}            → SnoozeRecord (minutes 0 ends a snooze)
 *   {action: "snoozes", patientId}                          → SnoozeRecord[] still running
 *
 * Anyone not following the patient gets NOT_FOUND, for the patient and for its alerts alike.
 */
import { AppError, ErrorCode, ok } from '../../../core';
import { ALERT_KINDS, AlertKind } from '../../../core/alerts';
import { alertEngineOf } from '../../../backend/alerts';
import { ANY_ROLE, requireRole } from '../../../backend/runtime/access';
import type { Handler } from '../../../backend/runtime/handler';
import { requireUser } from '../../../backend/runtime/users';

const MAX_PAGE = 100;
const MAX_SNOOZE_MIN = 24 * 60;
const MAX_NOTE = 200;

export const active: Handler = async ({ event, caller, deps }) => {
  const user = await requireUser(caller, deps);
  await requireRole(deps, event.patientId, user.id, ANY_ROLE);
  return ok(await deps.store.activeAlerts(event.patientId as string));
};

export const history: Handler = async ({ event, caller, deps }) => {
  const user = await requireUser(caller, deps);
  await requireRole(deps, event.patientId, user.id, ANY_ROLE);
  const limit = event.limit ?? 20;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new AppError(ErrorCode.BadRequest, `"limit" must be 1–${MAX_PAGE}`);
  if (event.before !== undefined && (typeof event.before !== 'string' || event.before.length > 300)) throw new AppError(ErrorCode.BadRequest, '"before" must be the "next" of a previous page');
  return ok(await deps.store.alertHistory(event.patientId as string, event.before as string | undefined, limit));
};

export const acknowledge: Handler = async ({ event, caller, deps }) => {
  const user = await requireUser(caller, deps);
  if (typeof event.alertId !== 'string' || !event.alertId) throw new AppError(ErrorCode.BadRequest, '"alertId" is required');
  const note = event.note;
  if (note !== undefined && (typeof note !== 'string' || note.length > MAX_NOTE)) throw new AppError(ErrorCode.BadRequest, `"note" must be text of at most ${MAX_NOTE} characters`);
  const alert = await deps.store.getAlert(event.alertId);
  const role = alert ? await deps.store.roleOf(alert.patientId, user.id) : undefined;
  if (!alert || !role) throw new AppError(ErrorCode.NotFound, `no alert ${event.alertId}`);
  if (alert.ack) throw new AppError(ErrorCode.Conflict, `already acknowledged at ${new Date(alert.ack.at).toISOString()}`);
  const done = await alertEngineOf(deps).acknowledge(alert, user.id, (note as string | undefined) || undefined);
  if (!done) throw new AppError(ErrorCode.Conflict, 'already acknowledged');
  return ok(done);
};

export const snooze: Handler = async ({ event, caller, deps }) => {
  const user = await requireUser(caller, deps);
  await requireRole(deps, event.patientId, user.id, ANY_ROLE);
  if (!ALERT_KINDS.includes(event.kind as AlertKind)) throw new AppError(ErrorCode.BadRequest, `"kind" must be one of ${ALERT_KINDS.join(', ')}`);
  const m = event.minutes;
  if (typeof m !== 'number' || !Number.isInteger(m) || m < 0 || m > MAX_SNOOZE_MIN) throw new AppError(ErrorCode.BadRequest, `"minutes" must be 0–${MAX_SNOOZE_MIN}`);
  const now = deps.now();
  const record = { patientId: event.patientId as string, kind: event.kind as AlertKind, until: now + m * 60_000, by: user.id, at: now };
  await deps.store.setSnooze(record);
  return ok(record);
};

export const snoozes: Handler = async ({ event, caller, deps }) => {
  const user = await requireUser(caller, deps);
  await requireRole(deps, event.patientId, user.id, ANY_ROLE);
  const now = deps.now();
  return ok((await deps.store.snoozes(event.patientId as string)).filter((s) => s.until > now));
};
