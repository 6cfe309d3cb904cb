/** Creating, listing, reading and editing patients. */
import { ok } from '../../../core';
import { newId } from '../../../backend/ids';
import { ANY_ROLE, OWNER, requireRole } from '../../../backend/runtime/access';
import type { Handler } from '../../../backend/runtime/handler';
import { requireUser } from '../../../backend/runtime/users';
import { readProfile } from '../profile';

export const create: Handler = async ({ event, caller, deps }) => {
  const user = await requireUser(caller, deps);
  const now = deps.now();
  const patient = { id: newId('p'), createdAt: now, ...readProfile(event, now) };
  await deps.store.createPatient(patient, user.id);
  return ok({ ...patient, role: 'owner' });
};

export const list: Handler = async ({ caller, deps }) => {
  const user = await requireUser(caller, deps);
  return ok(await deps.store.patientsOf(user.id));
};

export const get: Handler = async ({ event, caller, deps }) => {
  const user = await requireUser(caller, deps);
  const role = await requireRole(deps, event.patientId, user.id, ANY_ROLE);
  const id = event.patientId as string;
  const [patient, members, bindings] = await Promise.all([deps.store.getPatient(id), deps.store.members(id), deps.store.bindingsOfPatient(id)]);
  const devices = await Promise.all(bindings.filter((b) => b.to === undefined).map((b) => deps.store.deviceStatus(b.deviceId)));
  return ok({ ...patient, role, members, devices: devices.filter((d) => d !== undefined) });
};

export const update: Handler = async ({ event, caller, deps }) => {
  const user = await requireUser(caller, deps);
  await requireRole(deps, event.patientId, user.id, OWNER);
  const id = event.patientId as string;
  const current = await deps.store.getPatient(id);
  const profile = readProfile(event, deps.now(), current);
  await deps.store.updatePatient(id, profile);
  return ok({ ...current, ...profile });
};
