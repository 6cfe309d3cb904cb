/** The profile form's values and checks (the limits are the functions' own, from core). */
import { type PatientProfile, PHONE_PATTERN, PROFILE_LIMITS, type Sex } from '../../lib/core';

export const SEXES: ReadonlyArray<{ key: Sex; label: string }> = [
  { key: 'female', label: '女' },
  { key: 'male', label: '男' },
  { key: 'other', label: '其他' },
  { key: 'unknown', label: '未填写' },
];

export interface ContactForm {
  name: string;
  relation: string;
  phone: string;
}

export interface ProfileForm {
  name: string;
  sexIndex: number;
  birthDate: string;
  notes: string;
  /** The patient's own phone; empty when none. */
  phone: string;
  contacts: ContactForm[];
}

export function emptyForm(): ProfileForm {
  return { name: '', sexIndex: SEXES.length - 1, birthDate: '', notes: '', phone: '', contacts: [] };
}

export function formOf(p: PatientProfile): ProfileForm {
  return {
    name: p.name,
    sexIndex: Math.max(
      0,
      SEXES.findIndex((s) => s.key === p.sex),
    ),
    birthDate: p.birthDate ?? '',
    notes: p.notes,
    phone: p.phone ?? '',
    contacts: (p.emergencyContacts ?? []).map((c) => ({ name: c.name, relation: c.relation ?? '', phone: c.phone })),
  };
}

/** Phones as people type them: spaces dropped (the function accepts digits, a leading + and -). */
const tidyPhone = (v: string) => v.replace(/\s+/g, '');

/** A phone the function will accept (core `PHONE_PATTERN`), checked here to answer at once. */
export function phoneOk(v: string): boolean {
  return PHONE_PATTERN.test(tidyPhone(v));
}

/** The profile to send, or the first thing to fix. */
export function profileFrom(form: ProfileForm): { ok: true; profile: PatientProfile } | { ok: false; message: string } {
  const name = form.name.trim();
  if (!name) return { ok: false, message: '请填写姓名' };
  if (name.length > PROFILE_LIMITS.nameMaxChars) return { ok: false, message: `姓名最多 ${PROFILE_LIMITS.nameMaxChars} 个字` };
  if (form.notes.length > PROFILE_LIMITS.notesMaxChars) return { ok: false, message: `备注最多 ${PROFILE_LIMITS.notesMaxChars} 字` };
  const phone = tidyPhone(form.phone);
  if (phone && !phoneOk(phone)) return { ok: false, message: '电话只能填数字、+ 和 -，例如 13800138000 或 0571-88886666' };
  // Rows left entirely empty are dropped; a half-filled row is a mistake to point at.
  const rows = form.contacts.filter((c) => c.name.trim() || c.relation.trim() || c.phone.trim());
  if (rows.length > PROFILE_LIMITS.maxContacts) return { ok: false, message: `紧急联系人最多 ${PROFILE_LIMITS.maxContacts} 位` };
  for (const [i, c] of rows.entries()) {
    const n = `第 ${i + 1} 位紧急联系人`;
    if (!c.name.trim()) return { ok: false, message: `请填写${n}的称呼` };
    if (c.name.trim().length > PROFILE_LIMITS.nameMaxChars) return { ok: false, message: `${n}的称呼最多 ${PROFILE_LIMITS.nameMaxChars} 个字` };
    if (c.relation.trim().length > PROFILE_LIMITS.relationMaxChars) {
      return { ok: false, message: `${n}的关系最多 ${PROFILE_LIMITS.relationMaxChars} 个字` };
    }
    if (!phoneOk(c.phone)) return { ok: false, message: `${n}的电话只能填数字、+ 和 -` };
  }
  // Always sent, empty included: an update without them would keep the old ones.
  const profile: PatientProfile = {
    name,
    sex: SEXES[form.sexIndex]?.key ?? 'unknown',
    notes: form.notes,
    phone,
    emergencyContacts: rows.map((c) => ({ name: c.name.trim(), phone: tidyPhone(c.phone), ...(c.relation.trim() ? { relation: c.relation.trim() } : {}) })),
  };
  if (form.birthDate) profile.birthDate = form.birthDate;
  return { ok: true, profile };
}
