/**
 * Which patient a device measures, over time, on CloudBase.
 *
 *   bindings { _id: "{pk}:{dn}:{from}", deviceId, patientId, from, to (null while bound), boundBy }
 *
 * Binding closes the open binding and opens a new one: two writes, not one transaction. A failure
 * between them leaves the device unbound (the owner binds again); two owners binding the same
 * device at the same instant can both leave an open binding, and the later one counts.
 */
import type { BindingRecord } from '../types';
import { allWhere, type CloudbaseDb, type CollectionRef, type Doc, must } from './db';
import { bindingKey } from './keys';

function toBinding(d: Doc): BindingRecord {
  const b: BindingRecord = { deviceId: d.deviceId as string, patientId: d.patientId as string, from: d.from as number, boundBy: d.boundBy as string };
  if (typeof d.to === 'number') b.to = d.to;
  return b;
}

export function createBindings(cdb: CloudbaseDb) {
  const all = (coll: CollectionRef, where: Record<string, unknown>) => allWhere(cdb, coll, where);
  const { db } = cdb;
  const _ = db.command;
  const bindings = () => db.collection(cdb.name('bindings'));
  const members = () => db.collection(cdb.name('members'));
  const open = (deviceId: string) => ({ deviceId, to: _.eq(null) });

  return {
    async current(deviceId: string): Promise<BindingRecord | undefined> {
      const found = await all(bindings, open(deviceId));
      const latest = found.sort((a, b) => (b.from as number) - (a.from as number))[0];
      return latest ? toBinding(latest) : undefined;
    },
    /** Open bindings, the latest per device (two owners binding at once can leave two open). */
    async allCurrent(): Promise<BindingRecord[]> {
      const latest = new Map<string, Doc>();
      for (const d of await all(bindings, { to: _.eq(null) })) {
        const seen = latest.get(d.deviceId as string);
        if (!seen || (d.from as number) > (seen.from as number)) latest.set(d.deviceId as string, d);
      }
      return [...latest.values()].map(toBinding).sort((a, b) => (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0));
    },
    async bind(deviceId: string, patientId: string, userId: string, at: number): Promise<void> {
      must(await cdb.run(() => bindings().where(open(deviceId)).update({ to: at })));
      // set() on a stable id: a retried bind rewrites the same binding instead of adding another.
      must(await cdb.run(() => bindings().doc(bindingKey(deviceId, at)).set({ deviceId, patientId, from: at, to: null, boundBy: userId })));
    },
    async unbind(deviceId: string, at: number): Promise<boolean> {
      const res = must(await cdb.run(() => bindings().where(open(deviceId)).update({ to: at })));
      return ((res as { updated?: number }).updated ?? 0) > 0;
    },
    async ofPatient(patientId: string): Promise<BindingRecord[]> {
      return (await all(bindings, { patientId })).map(toBinding).sort((a, b) => a.from - b.from);
    },
    async devicesOfUser(userId: string): Promise<string[]> {
      const patientIds = (await all(members, { userId })).map((m) => m.patientId as string);
      const ids = new Set<string>();
      for (let i = 0; i < patientIds.length; i += 100) {
        for (const b of await all(bindings, { patientId: _.in(patientIds.slice(i, i + 100)), to: _.eq(null) })) ids.add(b.deviceId as string);
      }
      return [...ids].sort();
    },
  };
}
