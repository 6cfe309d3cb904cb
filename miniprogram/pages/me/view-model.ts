/** Pure rules of the personal pages: how a patient is described, what a nickname may be. */
import { type DeviceStatus, type PatientProfile, type PatientSummary, PROFILE_LIMITS, type Role, type Sex } from '../../lib/core';
import { ageOf } from '../../common/time';
import { type PatientStatus, patientStatus, snapshotOf } from '../../common/status';
import type { AlertSummary } from '../../common/alerts';
import { SEXES } from '../../components/profile-form/model';

export const ROLE_TEXT: Record<Role, string> = { owner: '管理者', family: '家人' };

export function sexText(sex: Sex): string {
  return SEXES.find((s) => s.key === sex)?.label ?? '未填写';
}

/** `78 岁 · 女`, or what is known of it. */
export function describe(p: PatientProfile, now: number): string {
  const age = ageOf(p.birthDate, now);
  const parts = [age === undefined ? '' : `${age} 岁`, p.sex === 'unknown' ? '' : sexText(p.sex)].filter(Boolean);
  return parts.join(' · ') || '资料未完善';
}

export interface PatientItem {
  id: string;
  name: string;
  role: Role;
  roleText: string;
  meta: string;
  /** The one-line status, when the devices are known. */
  status?: PatientStatus;
  /** Active alerts (`紧急 · 1 条提醒未确认：血氧 88%，偏低`); null when there are none. */
  alert?: AlertSummary | null;
}

/**
 * Without the device's measurement interval (up to 1 hour), the list calls a connected device
 * quiet only after an hour and a half without a reading; the monitor page knows the interval.
 */
export const LIST_STALE_AFTER_MS = 90 * 60_000;

export function patientItem(p: PatientSummary, now: number, devices?: readonly DeviceStatus[]): PatientItem {
  const item: PatientItem = { id: p.id, name: p.name, role: p.role, roleText: ROLE_TEXT[p.role], meta: describe(p, now) };
  if (devices) item.status = patientStatus(snapshotOf(devices, LIST_STALE_AFTER_MS), now);
  return item;
}

/**
 * The nickname to save, or what to fix first. The same limit as the function's (1–32 characters
 * after trimming), checked here only to answer at once; the function decides.
 */
export function nicknameFrom(raw: unknown): { ok: true; name: string } | { ok: false; message: string } {
  const name = typeof raw === 'string' ? raw.trim() : '';
  if (!name) return { ok: false, message: '请填写昵称' };
  if (name.length > PROFILE_LIMITS.nameMaxChars) return { ok: false, message: `昵称最多 ${PROFILE_LIMITS.nameMaxChars} 个字` };
  return { ok: true, name };
}
