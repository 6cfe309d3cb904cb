/** The embedded SQLite adapter of the store interface (better-sqlite3, WAL). */
import { join } from 'node:path';
import type { Store } from '../types';
import { Db, openDatabase, OpenOptions } from './database';
import { createDeviceTable } from './devices';
import { createReadingTable } from './readings';
import { createPeopleTables } from './people';
import { createBindingTable } from './bindings';
import { createControlTables } from './control';

export interface SqliteStoreOptions extends Partial<OpenOptions> {
  /** Folder holding `monitor.db` (ignored when `file` is given). Default `./data`. */
  dataDir?: string;
}

export function sqliteFile(dataDir: string): string {
  return join(dataDir, 'monitor.db');
}

export function createSqliteStore(opts: SqliteStoreOptions = {}): Store & { db: Db } {
  const db = openDatabase({ file: opts.file ?? sqliteFile(opts.dataDir ?? './data'), synchronous: opts.synchronous });
  const devices = createDeviceTable(db);
  const readings = createReadingTable(db, devices.rowId);
  const people = createPeopleTables(db);
  const bindings = createBindingTable(db, devices.rowId);
  const control = createControlTables(db, devices.rowId);
  let closed = false;
  // better-sqlite3 is synchronous; the interface is async because other adapters are not.
  return {
    db,
    async createDevice(d, now) {
      return devices.create(d, now);
    },
    async getDevice(id) {
      return devices.get(id);
    },
    async listDevices() {
      return devices.list();
    },
    async deviceStatus(id) {
      return devices.status(id);
    },
    async appendReadings(items) {
      return readings.append(items);
    },
    async applyPresence(events) {
      db.transaction(() => devices.applyPresence(events, devices.rowId))();
    },
    async resetPresence(at) {
      devices.resetPresence(at);
    },
    async countRejections(events) {
      db.transaction(() => devices.countRejections(events))();
    },
    async countReadings(segments, cap) {
      return readings.count(segments, cap);
    },
    async queryRaw(q) {
      return readings.raw(q);
    },
    async queryBuckets(q) {
      return readings.buckets(q);
    },
    async stats() {
      return devices.stats();
    },
    async userForOpenid(openid, name, now) {
      return people.userForOpenid(openid, name, now);
    },
    async findUserByOpenid(openid) {
      return people.findUserByOpenid(openid);
    },
    async createSession(session) {
      people.createSession(session);
    },
    async getSession(id) {
      return people.getSession(id);
    },
    async revokeSession(id, at) {
      people.revokeSession(id, at);
    },
    async createPatient(p, ownerId) {
      people.createPatient(p, ownerId);
    },
    async getPatient(id) {
      return people.getPatient(id);
    },
    async updatePatient(id, profile) {
      people.updatePatient(id, profile);
    },
    async patientsOf(userId) {
      return people.patientsOf(userId);
    },
    async roleOf(patientId, userId) {
      return people.roleOf(patientId, userId);
    },
    async members(patientId) {
      return people.members(patientId);
    },
    async removeMember(patientId, userId) {
      return people.removeMember(patientId, userId);
    },
    async createInvite(i) {
      people.createInvite(i);
    },
    async redeemInvite(code, userId, now) {
      return people.redeemInvite(code, userId, now);
    },
    async deviceByBindCode(code) {
      return devices.byBindCode(code);
    },
    async currentBinding(deviceId) {
      return bindings.current(deviceId);
    },
    async bindDevice(deviceId, patientId, userId, at) {
      bindings.bind(deviceId, patientId, userId, at);
    },
    async unbindDevice(deviceId, at) {
      return bindings.unbind(deviceId, at);
    },
    async bindingsOfPatient(patientId) {
      return bindings.ofPatient(patientId);
    },
    async devicesOfUser(userId) {
      return bindings.devicesOfUser(userId);
    },
    async deviceState(deviceId) {
      return control.state(deviceId);
    },
    async setDesired(deviceId, settings, at, by) {
      control.setDesired(deviceId, settings, at, by);
    },
    async setReported(deviceId, settings, at) {
      control.setReported(deviceId, settings, at);
    },
    async appendAudit(entry) {
      control.appendAudit(entry);
    },
    async auditOf(deviceId, limit) {
      return control.auditOf(deviceId, limit);
    },
    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
