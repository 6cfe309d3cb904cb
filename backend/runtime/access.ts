/**
 * Who may do what to a patient. Anyone not following the patient gets NOT_FOUND — the same answer
 * as for a patient that does not exist, so ids cannot be probed; a follower whose role is not
 * enough gets FORBIDDEN.
 */
import { AppError, ErrorCode } from '../../core';
import type { AuditEntry, DeviceState, DeviceStatus } from '../../core/api';
import type { Role } from '../store/types';
import type { FunctionDeps } from './deps';

export async function requireRole(deps: FunctionDeps, patientId: unknown, userId: string, allowed: readonly Role[]): Promise<Role> {
  if (typeof patientId !== 'string' || patientId.length === 0) throw new AppError(ErrorCode.BadRequest, '"patientId" is required');
  const role = await deps.store.roleOf(patientId, userId);
  if (!role) throw new AppError(ErrorCode.NotFound, `no patient ${patientId}`);
  if (!allowed.includes(role)) throw new AppError(ErrorCode.Forbidden, `only the patient's ${allowed.join(' or ')} may do this`);
  return role;
}

export const ANY_ROLE: readonly Role[] = ['owner', 'family'];
export const OWNER: readonly Role[] = ['owner'];

/**
 * A device the caller may watch and command: bound now to a patient they follow. Anything else
 * (unknown, unbound, someone else's) reads as NOT_FOUND.
 */
export async function requireDeviceAccess(
  deps: FunctionDeps,
  deviceId: unknown,
  userId: string,
): Promise<{ deviceId: string; patientId: string; role: Role; from: number }> {
  if (typeof deviceId !== 'string' || deviceId.length === 0) throw new AppError(ErrorCode.BadRequest, '"deviceId" is required');
  const binding = await deps.store.currentBinding(deviceId);
  const role = binding ? await deps.store.roleOf(binding.patientId, userId) : undefined;
  if (!binding || !role) throw new AppError(ErrorCode.NotFound, `no device ${deviceId} among your patients' devices`);
  return { deviceId, patientId: binding.patientId, role, from: binding.from };
}

/** Readings a patient's family is told a device took for that patient, counted up to this many. */
export const READINGS_SHOWN_CAP = 10_000;

/**
 * A device's status as the family of the patient it is bound to (since `from`) may see it: nothing
 * measured before — a device moves between patients (returned, lent, rented out), and its last
 * reading and count must not show the previous patient's vitals. The count is of readings since
 * the binding, up to `READINGS_SHOWN_CAP` (a bounded read on CloudBase's quota).
 */
export async function statusSince(deps: FunctionDeps, status: DeviceStatus, from: number): Promise<DeviceStatus> {
  const { lastReading, ...rest } = status;
  if (!lastReading || lastReading.ts < from) return { ...rest, readings: 0 };
  const to = Math.max(deps.now(), lastReading.ts) + 1;
  return { ...rest, lastReading, readings: await deps.store.countReadings([{ deviceId: status.id, from, to }], READINGS_SHOWN_CAP) };
}

/** A device's control state and audit as that family may see them: nothing from before `from`. */
export function controlSince(state: DeviceState, audit: AuditEntry[], patientId: string, from: number): { state: DeviceState; audit: AuditEntry[] } {
  // Settings asked for before the binding still apply (the device runs with them); who asked does not show.
  const desired = state.desired && state.desired.at < from ? { ...state.desired, by: '' } : state.desired;
  return { state: { ...state, ...(desired ? { desired } : {}) }, audit: audit.filter((e) => e.at >= from && e.patientId === patientId) };
}

/**
 * These users' access changed (removed from a family, device unbound): the broker must drop what
 * they may no longer read. The change is already stored and stands if the broker cannot be told;
 * that is logged, new subscriptions are refused, and an open connection ends with its credentials
 * within the hour (EMQX disconnects at the `expire_at` of `/mqtt/auth`; docs/security.md).
 */
export async function accessChanged(deps: FunctionDeps, userIds: string[]): Promise<void> {
  try {
    await deps.notify?.({ type: 'access-changed', userIds });
  } catch (e) {
    deps.log.warn(`access changed for ${userIds.length} user(s) but the broker was not told: ${(e as Error).message}`);
  }
}
