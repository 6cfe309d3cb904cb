/** Pure rules of the personal pages: how a patient is described. */
import type { PatientProfile, PatientSummary, Role, Sex } from '../../lib/core';
import { ageOf } from '../../common/time';
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
}

export function patientItem(p: PatientSummary, now: number): PatientItem {
  return { id: p.id, name: p.name, role: p.role, roleText: ROLE_TEXT[p.role], meta: describe(p, now) };
}
