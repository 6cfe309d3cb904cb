/** The tabs of the patients a user follows, and which one stays chosen. */
import type { PatientSummary } from '../../lib/core';

export interface PatientTab {
  id: string;
  name: string;
}

/** Tabs for `list`; the current choice stays when the patient is still followed, else the first. */
export function patientTabs(list: readonly PatientSummary[], current: string): { patients: PatientTab[]; patientId: string } {
  const patients = list.map((p) => ({ id: p.id, name: p.name }));
  const patientId = patients.some((p) => p.id === current) ? current : (patients[0]?.id ?? '');
  return { patients, patientId };
}
