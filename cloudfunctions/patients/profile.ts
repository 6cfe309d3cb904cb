/** Validating a patient profile from an event: every field checked, with a clear message. */
import { AppError, ErrorCode } from '../../core';
import { PHONE_PATTERN, PROFILE_LIMITS } from '../../core/api';
import type { EmergencyContact } from '../../core/api';
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

const bad = (message: string): never => {
  throw new AppError(ErrorCode.BadRequest, message);
};

function phoneOf(v: unknown, field: string): string {
  if (typeof v !== 'string' || !PHONE_PATTERN.test(v.trim())) bad(`"${field}" may hold only digits, a leading "+" and "-" (3–20 characters)`);
  return (v as string).trim();
}

/** `phone`: a number, or null / "" to remove it. */
function phone(v: unknown): string | undefined {
  return v === null || v === '' ? undefined : phoneOf(v, 'phone');
}

function contacts(v: unknown): EmergencyContact[] {
  if (v === null) return [];
  if (!Array.isArray(v)) return bad('"emergencyContacts" must be a list of {name, relation?, phone}');
  if (v.length > PROFILE_LIMITS.maxContacts) bad(`"emergencyContacts" may hold at most ${PROFILE_LIMITS.maxContacts} contacts`);
  return v.map((c: unknown, i): EmergencyContact => {
    const f = `emergencyContacts[${i}]`;
    if (typeof c !== 'object' || c === null || Array.isArray(c)) return bad(`"${f}" must be {name, relation?, phone}`);
    const { name, relation, phone: number } = c as Record<string, unknown>;
    if (typeof name !== 'string' || name.trim().length < 1 || name.trim().length > PROFILE_LIMITS.nameMaxChars)
      bad(`"${f}.name" must be 1–${PROFILE_LIMITS.nameMaxChars} characters`);
    const out: EmergencyContact = { name: (name as string).trim(), phone: phoneOf(number, `${f}.phone`) };
    if (relation !== undefined && relation !== null && relation !== '') {
      if (typeof relation !== 'string' || relation.trim().length > PROFILE_LIMITS.relationMaxChars)
        bad(`"${f}.relation" must be at most ${PROFILE_LIMITS.relationMaxChars} characters`);
      if ((relation as string).trim()) out.relation = (relation as string).trim();
    }
    return out;
  });
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
  const ph = 'phone' in event ? phone(event.phone) : base?.phone;
  if (ph !== undefined) profile.phone = ph;
  const cs = 'emergencyContacts' in event ? contacts(event.emergencyContacts) : (base?.emergencyContacts ?? []);
  if (cs.length) profile.emergencyContacts = cs;
  return profile;
}
