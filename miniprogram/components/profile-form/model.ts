/** The profile form's values and checks (the limits are the functions' own, from core). */
import { PatientProfile, PROFILE_LIMITS, Sex } from '../../lib/core';

export const SEXES: ReadonlyArray<{ key: Sex; label: string }> = [
  { key: 'female', label: '女' },
  { key: 'male', label: '男' },
  { key: 'other', label: '其他' },
  { key: 'unknown', label: '未填写' },
];

export interface ProfileForm {
  name: string;
  sexIndex: number;
  birthDate: string;
  notes: string;
}

export function emptyForm(): ProfileForm {
  return { name: '', sexIndex: SEXES.length - 1, birthDate: '', notes: '' };
}

export function formOf(p: PatientProfile): ProfileForm {
  return { name: p.name, sexIndex: Math.max(0, SEXES.findIndex((s) => s.key === p.sex)), birthDate: p.birthDate ?? '', notes: p.notes };
}

/** The profile to send, or the first thing to fix. */
export function profileFrom(form: ProfileForm): { ok: true; profile: PatientProfile } | { ok: false; message: string } {
  const name = form.name.trim();
  if (!name) return { ok: false, message: '请填写姓名' };
  if (name.length > PROFILE_LIMITS.nameMaxChars) return { ok: false, message: `姓名最多 ${PROFILE_LIMITS.nameMaxChars} 个字` };
  if (form.notes.length > PROFILE_LIMITS.notesMaxChars) return { ok: false, message: `备注最多 ${PROFILE_LIMITS.notesMaxChars} 字` };
  const profile: PatientProfile = { name, sex: SEXES[form.sexIndex]?.key ?? 'unknown', notes: form.notes };
  if (form.birthDate) profile.birthDate = form.birthDate;
  return { ok: true, profile };
}
