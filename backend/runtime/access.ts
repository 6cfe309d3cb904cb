/**
 * Who may do what to a patient. Anyone not following the patient gets NOT_FOUND — the same answer
 * as for a patient that does not exist, so ids cannot be probed; a follower whose role is not
 * enough gets FORBIDDEN.
 */
import { AppError, ErrorCode } from '../../core';
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

/**
 * These users' access changed (removed from a family, device unbound): the broker must drop what
 * they may no longer read. The change is already stored and stands if the broker cannot be told;
 * that is logged, and their real-time credentials still expire within the hour.
 */
export async function accessChanged(deps: FunctionDeps, userIds: string[]): Promise<void> {
  try {
    await deps.notify?.({ type: 'access-changed', userIds });
  } catch (e) {
    deps.log.warn(`access changed for ${userIds.length} user(s) but the broker was not told: ${(e as Error).message}`);
  }
}
