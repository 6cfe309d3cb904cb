/** `me`: the signed-in user and the patients they follow, with their role. */
import { ok } from '../../../core';
import { auth as contract } from '../../../core/api/contract/auth';
import { typed } from '../../../backend/runtime/handler';
import { requireUser } from '../../../backend/runtime/users';

export const me = typed(contract.me, async ({ caller, deps }) => {
  const user = await requireUser(caller, deps);
  const patients = await deps.store.patientsOf(user.id);
  return ok({ user, patients: patients.map((p) => ({ id: p.id, name: p.name, role: p.role })) });
});
