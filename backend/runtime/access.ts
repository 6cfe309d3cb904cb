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
export async function requireDeviceAccess(deps: FunctionDeps, deviceId: unknown, userId: string): Promise<{ deviceId: string; patientId: string; role: Role }> {
  if (typeof deviceId !== 'string' || deviceId.length === 0) throw new AppError(ErrorCode.BadRequest, '"deviceId" is required');
  const binding = await deps.store.currentBinding(deviceId);
  const role = binding ? await deps.store.roleOf(binding.patientId, userId) : undefined;
  if (!binding || !role) throw new AppError(ErrorCode.NotFound, `no device ${deviceId} among your patients' devices`);
  return { deviceId, patientId: binding.patientId, role };
}

/** The spans during which a device measured a patient: that patient's bindings of it. */
export type Spans = ReadonlyArray<{ from: number; to?: number }>;

/** A patient's bindings of one device (read once per call: `bindingsOfPatient`). */
export async function spansOf(deps: FunctionDeps, patientId: string, deviceId: string): Promise<Spans> {
  return (await deps.store.bindingsOfPatient(patientId)).filter((b) => b.deviceId === deviceId);
}

const within = (spans: Spans, ts: number) => spans.some((b) => ts >= b.from && (b.to === undefined || ts < b.to));

/**
 * A device's status as a patient's family may see it: its last reading only if measured while
 * bound to that patient — a device moves between patients (returned, lent, rented out), and must
 * not show the previous patient's vitals as this one's. The reading count stays the device's
 * (a figure no family screen shows; counting per binding would cost reads on CloudBase's quota).
 */
export function statusWithin(status: DeviceStatus, spans: Spans): DeviceStatus {
  const { lastReading, ...rest } = status;
  return lastReading && within(spans, lastReading.ts) ? { ...rest, lastReading } : rest;
}

/** A device's control state and audit as that family may see them: commands for their patient only. */
export function controlWithin(state: DeviceState, audit: AuditEntry[], patientId: string, spans: Spans): { state: DeviceState; audit: AuditEntry[] } {
  // Settings asked for while bound elsewhere still apply (the device runs with them); who asked does not show.
  const desired = state.desired && !within(spans, state.desired.at) ? { ...state.desired, by: '' } : state.desired;
  return { state: { ...state, ...(desired ? { desired } : {}) }, audit: audit.filter((e) => e.patientId === patientId) };
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
