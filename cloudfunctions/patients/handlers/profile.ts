/** Creating, listing, reading and editing patients. */
import { err, ErrorCode, ok } from '../../../core';
import { patients as contract } from '../../../core/api/contract/patients';
import { newId } from '../../../backend/ids';
import { ANY_ROLE, OWNER, requireRole, statusWithin } from '../../../backend/runtime/access';
import { typed } from '../../../backend/runtime/handler';
import { requireUser } from '../../../backend/runtime/users';
import { readProfile } from '../profile';

/**
 * The profile fields as `readProfile` reads them: the checked input over the event, so a profile
 * field `readProfile` checks but the contract does not declare yet still reaches it.
 */
const profileOf = (event: Record<string, unknown>, input: object): Record<string, unknown> => ({ ...event, ...input });

export const create = typed(contract.create, async ({ event, input, caller, deps }) => {
  const user = await requireUser(caller, deps);
  const now = deps.now();
  const patient = { id: newId('p'), createdAt: now, ...readProfile(profileOf(event, input), now) };
  await deps.store.createPatient(patient, user.id);
  return ok({ ...patient, role: 'owner' as const });
});

export const list = typed(contract.list, async ({ caller, deps }) => {
  const user = await requireUser(caller, deps);
  return ok(await deps.store.patientsOf(user.id));
});

export const get = typed(contract.get, async ({ input, caller, deps }) => {
  const user = await requireUser(caller, deps);
  const role = await requireRole(deps, input.patientId, user.id, ANY_ROLE);
  const id = input.patientId;
  const [patient, members, bindings] = await Promise.all([deps.store.getPatient(id), deps.store.members(id), deps.store.bindingsOfPatient(id)]);
  // Removed between the role check and the read.
  if (!patient) return err(ErrorCode.NotFound, `no patient ${id}`);
  const devices = await Promise.all(
    bindings
      .filter((b) => b.to === undefined)
      .map(async (b) => {
        const status = await deps.store.deviceStatus(b.deviceId);
        return (
          status &&
          statusWithin(
            status,
            bindings.filter((o) => o.deviceId === b.deviceId),
          )
        );
      }),
  );
  return ok({ ...patient, role, members, devices: devices.filter((d) => d !== undefined) });
});

export const update = typed(contract.update, async ({ event, input, caller, deps }) => {
  const user = await requireUser(caller, deps);
  await requireRole(deps, input.patientId, user.id, OWNER);
  const id = input.patientId;
  const current = await deps.store.getPatient(id);
  if (!current) return err(ErrorCode.NotFound, `no patient ${id}`);
  const profile = readProfile(profileOf(event, input), deps.now(), current);
  await deps.store.updatePatient(id, profile);
  return ok({ ...current, ...profile });
});
