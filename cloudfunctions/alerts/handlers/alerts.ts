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
import { alerts as contract } from '../../../core/api/contract/alerts';
import { alertEngineOf } from '../../../backend/alerts';
import { ANY_ROLE, requireRole } from '../../../backend/runtime/access';
import { typed } from '../../../backend/runtime/handler';
import { requireUser } from '../../../backend/runtime/users';

export const active = typed(contract.active, async ({ input, caller, deps }) => {
  const user = await requireUser(caller, deps);
  await requireRole(deps, input.patientId, user.id, ANY_ROLE);
  return ok(await deps.store.activeAlerts(input.patientId));
});

export const history = typed(contract.history, async ({ input, caller, deps }) => {
  const user = await requireUser(caller, deps);
  await requireRole(deps, input.patientId, user.id, ANY_ROLE);
  return ok(await deps.store.alertHistory(input.patientId, input.before, input.limit));
});

export const acknowledge = typed(contract.acknowledge, async ({ input, caller, deps }) => {
  const user = await requireUser(caller, deps);
  const { alertId, note } = input;
  const alert = await deps.store.getAlert(alertId);
  const role = alert ? await deps.store.roleOf(alert.patientId, user.id) : undefined;
  if (!alert || !role) throw new AppError(ErrorCode.NotFound, `no alert ${alertId}`);
  if (alert.ack) throw new AppError(ErrorCode.Conflict, `already acknowledged at ${new Date(alert.ack.at).toISOString()}`);
  // An empty note is no note.
  const done = await alertEngineOf(deps).acknowledge(alert, user.id, note || undefined);
  if (!done) throw new AppError(ErrorCode.Conflict, 'already acknowledged');
  return ok(done);
});

export const snooze = typed(contract.snooze, async ({ input, caller, deps }) => {
  const user = await requireUser(caller, deps);
  const { patientId, kind, minutes } = input;
  await requireRole(deps, patientId, user.id, ANY_ROLE);
  const now = deps.now();
  const record = { patientId, kind, until: now + minutes * 60_000, by: user.id, at: now };
  await deps.store.setSnooze(record);
  return ok(record);
});

export const snoozes = typed(contract.snoozes, async ({ input, caller, deps }) => {
  const user = await requireUser(caller, deps);
  await requireRole(deps, input.patientId, user.id, ANY_ROLE);
  const now = deps.now();
  return ok((await deps.store.snoozes(input.patientId)).filter((s) => s.until > now));
});
