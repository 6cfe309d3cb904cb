/** Which patient a device measures, over time. */
import type { BindingRecord } from '../types';
import { type Db, writeTransaction } from './database';
import { deviceKey } from './devices';

interface BindingRow {
  product_key: string;
  device_name: string;
  patient_id: string;
  bound_at: number;
  unbound_at: number | null;
  bound_by: string;
}

function toBinding(r: BindingRow): BindingRecord {
  const b: BindingRecord = { deviceId: deviceKey(r.product_key, r.device_name), patientId: r.patient_id, from: r.bound_at, boundBy: r.bound_by };
  if (r.unbound_at !== null) b.to = r.unbound_at;
  return b;
}

const SELECT = `SELECT d.product_key, d.device_name, b.patient_id, b.bound_at, b.unbound_at, b.bound_by
  FROM device_bindings b JOIN devices d ON d.id = b.device_id`;

export function createBindingTable(db: Db, rowId: (deviceId: string) => number | undefined) {
  const q = {
    current: db.prepare(`${SELECT} WHERE b.device_id = ? AND b.unbound_at IS NULL`),
    allCurrent: db.prepare(`${SELECT} WHERE b.unbound_at IS NULL ORDER BY d.product_key, d.device_name`),
    close: db.prepare('UPDATE device_bindings SET unbound_at = ? WHERE device_id = ? AND unbound_at IS NULL'),
    open: db.prepare('INSERT INTO device_bindings (device_id, patient_id, bound_at, bound_by) VALUES (?, ?, ?, ?)'),
    ofPatient: db.prepare(`${SELECT} WHERE b.patient_id = ? ORDER BY b.bound_at`),
    ofUser: db.prepare(`SELECT DISTINCT d.product_key, d.device_name FROM device_bindings b
      JOIN devices d ON d.id = b.device_id JOIN patient_members m ON m.patient_id = b.patient_id
      WHERE m.user_id = ? AND b.unbound_at IS NULL ORDER BY d.product_key, d.device_name`),
  };
  const need = (deviceId: string): number => {
    const id = rowId(deviceId);
    if (id === undefined) throw new Error(`unknown device ${deviceId}`);
    return id;
  };
  return {
    current(deviceId: string): BindingRecord | undefined {
      const id = rowId(deviceId);
      const r = id === undefined ? undefined : (q.current.get(id) as BindingRow | undefined);
      return r ? toBinding(r) : undefined;
    },
    /**
     * In one read transaction: outside one, each statement takes and releases the WAL read lock
     * on its own, ~4 µs, more than the lookup itself (docs/performance.md, "Eighth round").
     */
    currentOf: db.transaction((deviceIds: readonly string[]): Map<string, BindingRecord> => {
      const out = new Map<string, BindingRecord>();
      for (const deviceId of new Set(deviceIds)) {
        const id = rowId(deviceId);
        const r = id === undefined ? undefined : (q.current.get(id) as BindingRow | undefined);
        if (r) out.set(deviceId, toBinding(r));
      }
      return out;
    }),
    /** Binding closes the previous one in the same transaction, so each device has at most one open. */
    allCurrent(): BindingRecord[] {
      return (q.allCurrent.all() as BindingRow[]).map(toBinding);
    },
    bind: writeTransaction(db, (deviceId: string, patientId: string, userId: string, at: number): void => {
      const id = need(deviceId);
      q.close.run(at, id);
      q.open.run(id, patientId, at, userId);
    }),
    unbind(deviceId: string, at: number): boolean {
      return q.close.run(at, need(deviceId)).changes > 0;
    },
    ofPatient(patientId: string): BindingRecord[] {
      return (q.ofPatient.all(patientId) as BindingRow[]).map(toBinding);
    },
    devicesOfUser(userId: string): string[] {
      return (q.ofUser.all(userId) as Array<{ product_key: string; device_name: string }>).map((r) => deviceKey(r.product_key, r.device_name));
    },
  };
}
