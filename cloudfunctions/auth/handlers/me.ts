/** `me`: the signed-in user and the patients they follow, with their role. */
import { ok } from '../../../core';
import type { Handler } from '../../../backend/runtime/handler';
import { requireUser } from '../../../backend/runtime/users';

export const me: Handler = async ({ caller, deps }) => {
  const user = await requireUser(caller, deps);
  const patients = await deps.store.patientsOf(user.id);
  return ok({ user, patients: patients.map((p) => ({ id: p.id, name: p.name, role: p.role })) });
};
