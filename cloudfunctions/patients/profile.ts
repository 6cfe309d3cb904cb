/** Validating a patient profile from an event: every field checked, with a clear message. */
import { AppError, ErrorCode } from '../../core';
import { PROFILE_LIMITS } from '../../core/api';
import type { PatientProfile, Sex } from '../../backend/store/types';

const SEXES: readonly Sex[] = ['female', 'male', 'other', 'unknown'];

function birthDate(v: unknown, now: number): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) throw new AppError(ErrorCode.BadRequest, '"birthDate" must be YYYY-MM-DD');
  const t = Date.parse(`${v}T00:00:00Z`);
  if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== v) throw new AppError(ErrorCode.BadRequest, `"birthDate" ${v} is not a date`);
  if (t > now || v < '1900-01-01') throw new AppError(ErrorCode.BadRequest, '"birthDate" must be between 1900 and today');
  return v;
}

/** A full profile from `event`, with `base` filling fields the event leaves out (for updates). */
export function readProfile(event: Record<string, unknown>, now: number, base?: PatientProfile): PatientProfile {
  const name = event.name === undefined ? base?.name : event.name;
  if (typeof name !== 'string' || name.trim().length < 1 || name.trim().length > PROFILE_LIMITS.nameMaxChars) {
    throw new AppError(ErrorCode.BadRequest, `"name" must be 1–${PROFILE_LIMITS.nameMaxChars} characters`);
  }
  const sex = event.sex === undefined ? (base?.sex ?? 'unknown') : event.sex;
  if (!SEXES.includes(sex as Sex)) throw new AppError(ErrorCode.BadRequest, `"sex" must be one of ${SEXES.join(', ')}`);
  const notes = event.notes === undefined ? (base?.notes ?? '') : event.notes;
  if (typeof notes !== 'string' || notes.length > PROFILE_LIMITS.notesMaxChars) {
    throw new AppError(ErrorCode.BadRequest, `"notes" must be at most ${PROFILE_LIMITS.notesMaxChars} characters`);
  }
  const profile: PatientProfile = { name: name.trim(), sex: sex as Sex, notes };
  const bd = 'birthDate' in event ? birthDate(event.birthDate, now) : base?.birthDate;
  if (bd !== undefined) profile.birthDate = bd;
  return profile;
}
