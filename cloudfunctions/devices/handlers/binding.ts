/**
 * Binding devices to patients with the code on the device's label. A device measures one patient
 * at a time; binding it elsewhere ends the old binding at that instant, so readings stay with the
 * patient who was wearing it when they were measured. Only a patient's owner binds and unbinds;
 * moving a device away from a patient needs that patient's owner too.
 */
import { err, ErrorCode, ok } from '../../../core';
import { devices as contract } from '../../../core/api/contract/devices';
import { accessChanged, OWNER, requireRole, statusWithin } from '../../../backend/runtime/access';
import type { BindingRecord } from '../../../backend/store/types';
import { typed } from '../../../backend/runtime/handler';
import type { FunctionDeps } from '../../../backend/runtime/deps';
import { requireUser } from '../../../backend/runtime/users';

/** The followers of a patient lost a device: their open real-time sessions are re-checked. */
async function notifyMembers(deps: FunctionDeps, patientId: string): Promise<void> {
  const members = await deps.store.members(patientId);
  await accessChanged(
    deps,
    members.map((m) => m.userId),
  );
}

export const bind = typed(contract.bind, async ({ input, caller, deps }) => {
  const user = await requireUser(caller, deps);
  const { patientId, code } = input;
  await requireRole(deps, patientId, user.id, OWNER);
  const device = await deps.store.deviceByBindCode(code);
  if (!device) return err(ErrorCode.NotFound, 'no device has this code');
  const current = await deps.store.currentBinding(device.id);
  if (current?.patientId === patientId) return ok({ deviceId: device.id, patientId, since: current.from });
  if (current && (await deps.store.roleOf(current.patientId, user.id)) !== 'owner') {
    return err(ErrorCode.Conflict, 'this device is bound to another patient; its owner must unbind it first');
  }
  const now = deps.now();
  try {
    await deps.store.bindDevice(device.id, patientId, user.id, now);
  } catch (e) {
    // On CloudBase a bind that failed half-way may have ended the old binding already (two writes,
    // backend/store/cloudbase/bindings.ts): its patient's family re-check what they may see anyway.
    if (current) await notifyMembers(deps, current.patientId).catch(() => undefined);
    throw e;
  }
  if (current) await notifyMembers(deps, current.patientId);
  return ok({ deviceId: device.id, patientId, since: now });
});

export const unbind = typed(contract.unbind, async ({ input, caller, deps }) => {
  const user = await requireUser(caller, deps);
  const { deviceId } = input;
  const current = await deps.store.currentBinding(deviceId);
  // Not following the device's patient reads the same as an unknown device.
  if (!current || !(await deps.store.roleOf(current.patientId, user.id))) return err(ErrorCode.NotFound, `no bound device ${deviceId}`);
  await requireRole(deps, current.patientId, user.id, OWNER);
  await deps.store.unbindDevice(deviceId, deps.now());
  await notifyMembers(deps, current.patientId);
  return ok({ deviceId, unbound: true as const });
});

/** Devices bound to the patients the caller follows, with their status. */
export const mine = typed(contract.mine, async ({ caller, deps }) => {
  const user = await requireUser(caller, deps);
  const ids = await deps.store.devicesOfUser(user.id);
  const out = [];
  // One read of a patient's bindings for all their devices.
  const bindingsOf = new Map<string, Promise<BindingRecord[]>>();
  for (const id of ids) {
    const [status, binding] = await Promise.all([deps.store.deviceStatus(id), deps.store.currentBinding(id)]);
    if (!status || !binding) continue;
    if (!bindingsOf.has(binding.patientId)) bindingsOf.set(binding.patientId, deps.store.bindingsOfPatient(binding.patientId));
    const spans = ((await bindingsOf.get(binding.patientId)) ?? []).filter((b) => b.deviceId === id);
    out.push({ ...statusWithin(status, spans), patientId: binding.patientId });
  }
  return ok(out);
});
