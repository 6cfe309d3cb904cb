/**
 * Which patient a device measures, over time, on CloudBase.
 *
 *   bindings { _id: "{pk}:{dn}:{from}", deviceId, patientId, from, to (null while bound), boundBy }
 *
 * Binding closes the open binding, opens a new one, and closes any older one still open: writes
 * that are not one transaction (CloudBase transactions hold single-document operations only). A
 * failure after the first leaves the device unbound (the owner binds again; the caller tells the
 * old patient's family either way). Two binds racing (a second tap after a timeout, or two owners
 * at once) can still leave two open bindings of one device; the later one counts everywhere: as the
 * device's current binding, and an older open one is read as ended where the later one begins, so
 * a patient's history never holds a reading twice or another patient's, and a family sees the
 * device only while its patient's binding is the latest.
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
  /** Bindings by device. */
  const byDevice = (docs: Doc[]): Map<string, BindingRecord[]> => {
    const out = new Map<string, BindingRecord[]>();
    for (const b of docs.map(toBinding)) out.set(b.deviceId, [...(out.get(b.deviceId) ?? []), b]);
    return out;
  };
  /** The open bindings of these devices, by device: one query per 100 devices. */
  const openByDevice = async (ids: readonly string[]): Promise<Map<string, BindingRecord[]>> => {
    const list = [...new Set(ids)];
    const docs: Doc[] = [];
    for (let i = 0; i < list.length; i += 100) docs.push(...(await all(bindings, { deviceId: _.in(list.slice(i, i + 100)), to: _.eq(null) })));
    return byDevice(docs);
  };
  const latestOf = (list: BindingRecord[]): BindingRecord | undefined =>
    list.reduce<BindingRecord | undefined>((a, b) => (!a || b.from > a.from ? b : a), undefined);

  return {
    async current(deviceId: string): Promise<BindingRecord | undefined> {
      return latestOf((await all(bindings, open(deviceId))).map(toBinding));
    },
    /** The latest open binding of each of these devices: one query per 100 devices. */
    async currentOf(deviceIds: readonly string[]): Promise<Map<string, BindingRecord>> {
      const out = new Map<string, BindingRecord>();
      for (const [deviceId, list] of await openByDevice(deviceIds)) out.set(deviceId, latestOf(list) as BindingRecord);
      return out;
    },
    /** Open bindings, the latest per device (two owners binding at once can leave two open). */
    async allCurrent(): Promise<BindingRecord[]> {
      const latest = [...byDevice(await all(bindings, { to: _.eq(null) })).values()].map((list) => latestOf(list) as BindingRecord);
      return latest.sort((a, b) => (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0));
    },
    async bind(deviceId: string, patientId: string, userId: string, at: number): Promise<void> {
      must(await cdb.run(() => bindings().where(open(deviceId)).update({ to: at })));
      // set() on a stable id: a retried bind rewrites the same binding instead of adding another.
      must(await cdb.run(() => bindings().doc(bindingKey(deviceId, at)).set({ deviceId, patientId, from: at, to: null, boundBy: userId })));
      // A bind racing this one may have opened its binding between the two writes above.
      must(
        await cdb.run(() =>
          bindings()
            .where({ ...open(deviceId), from: _.lt(at) })
            .update({ to: at }),
        ),
      );
    },
    async unbind(deviceId: string, at: number): Promise<boolean> {
      const res = must(await cdb.run(() => bindings().where(open(deviceId)).update({ to: at })));
      return ((res as { updated?: number }).updated ?? 0) > 0;
    },
    async ofPatient(patientId: string): Promise<BindingRecord[]> {
      const own = (await all(bindings, { patientId })).map(toBinding);
      const openNow = await openByDevice(own.filter((b) => b.to === undefined).map((b) => b.deviceId));
      const out = own.map((b) => {
        if (b.to !== undefined) return b;
        // Open: ended where a later open binding of the device begins (left by a race).
        const later = (openNow.get(b.deviceId) ?? []).filter((o) => o.from > b.from).map((o) => o.from);
        return later.length ? { ...b, to: Math.min(...later) } : b;
      });
      return out.sort((a, b) => a.from - b.from);
    },
    async devicesOfUser(userId: string): Promise<string[]> {
      const patientIds = new Set((await all(members, { userId })).map((m) => m.patientId as string));
      const ids = new Set<string>();
      const list = [...patientIds];
      for (let i = 0; i < list.length; i += 100) {
        for (const b of await all(bindings, { patientId: _.in(list.slice(i, i + 100)), to: _.eq(null) })) ids.add(b.deviceId as string);
      }
      // Only where the latest open binding is to one of this person's patients.
      const openNow = await openByDevice([...ids]);
      return [...ids].filter((id) => patientIds.has(latestOf(openNow.get(id) ?? [])?.patientId ?? '')).sort();
    },
  };
}
