/** The embedded SQLite adapter of the store interface (better-sqlite3, WAL). */
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { createSecretKeys, type SecretKeys } from '../../secret-box';
import { KEY_FILE_NAME, loadOrCreateKeyFile } from '../../secret-box/key-file';
import type { Store } from '../types';
import { type Db, openDatabase, type OpenOptions, writeTransaction } from './database';
import { createDeviceAdmin } from './device-admin';
import { createDeviceTable } from './devices';
import { createReadingTable } from './readings';
import { createPeopleTables } from './people';
import { createBindingTable } from './bindings';
import { createControlTables } from './control';
import { createAlertTables } from './alerts';
import { type BackgroundCheckpointOptions, type BackgroundCheckpoints, startBackgroundCheckpoints } from './background-checkpoints';
export { DEFAULT_BACKSTOP_FRAMES } from './background-checkpoints';

export interface SqliteStoreOptions extends Partial<OpenOptions> {
  /** Folder holding `monitor.db` (ignored when `file` is given). Default `./data`. */
  dataDir?: string;
  /**
   * Keys sealing device secrets and hashing codes (docs/security.md "Secrets at rest"). Default:
   * the key file `secrets.key` beside the database file, created 0600 on first use; for a
   * `:memory:` database a random key that lives as long as the store.
   */
  keys?: SecretKeys;
  /**
   * Copy the WAL into the database file from a thread of its own instead of in the commit that
   * fills it (`background-checkpoints/`), so no write waits for a checkpoint. For the one long-lived
   * writer of a file (the stack's function worker); other connections keep SQLite's inline
   * checkpoints. Ignored for `:memory:`. Default false.
   */
  backgroundCheckpoints?: boolean | BackgroundCheckpointOptions;
}

export function sqliteFile(dataDir: string): string {
  return join(dataDir, 'monitor.db');
}

export function createSqliteStore(opts: SqliteStoreOptions = {}): Store & { db: Db; checkpoints?: BackgroundCheckpoints } {
  const file = opts.file ?? sqliteFile(opts.dataDir ?? './data');
  const keys =
    opts.keys ?? (file === ':memory:' ? createSecretKeys([{ id: 'memory', key: randomBytes(32) }]) : loadOrCreateKeyFile(join(dirname(file), KEY_FILE_NAME)));
  const db = openDatabase({ file, synchronous: opts.synchronous, busyTimeoutMs: opts.busyTimeoutMs, autoCheckpointFrames: opts.autoCheckpointFrames, keys });
  const devices = createDeviceTable(db, keys);
  const deviceAdmin = createDeviceAdmin(db, keys);
  // A store refused while opening leaves the file closed.
  const orClose = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      db.close();
      throw e;
    }
  };
  // A wrong key fails here, clearly, rather than at the first device login.
  orClose(() => devices.checkKeys());
  const readings = createReadingTable(db, devices.rowId);
  const people = createPeopleTables(db, keys);
  const bindings = createBindingTable(db, devices.rowId);
  const control = createControlTables(db, devices.rowId);
  const alerts = createAlertTables(db);
  const bg = opts.backgroundCheckpoints;
  // Invalid options are refused here.
  const checkpoints: BackgroundCheckpoints | undefined = orClose(() =>
    bg && file !== ':memory:' ? startBackgroundCheckpoints(db, bg === true ? {} : bg) : undefined,
  );
  let closed = false;
  // better-sqlite3 is synchronous; the interface is async because other adapters are not.
  const lift =
    <A extends unknown[], R>(f: (...args: A) => R) =>
    async (...args: A): Promise<R> =>
      f(...args);
  return {
    db,
    checkpoints,
    resealSecrets: lift(
      writeTransaction(db, () => {
        const d = devices.reseal();
        const i = people.rehashInvites();
        return { converted: d.secrets + i.codes, codesUnderOldKeys: d.oldCodes + i.oldCodes };
      }),
    ),
    createDevice: lift(devices.create),
    getDevice: lift(devices.get),
    existingDevices: lift((ids: readonly string[]) => new Set(ids.filter((id) => devices.rowId(id) !== undefined))),
    listDevices: lift(devices.list),
    deviceStatus: lift(devices.status),
    setDeviceDisabled: lift(deviceAdmin.setDisabled),
    deviceDisabledAt: lift(deviceAdmin.disabledAt),
    setDeviceSecret: lift(deviceAdmin.setSecret),
    claimLoginTimestamp: lift(deviceAdmin.claimLoginTimestamp),
    claimClientId: lift(deviceAdmin.claimClientId),
    appendReadings: lift(readings.append),
    applyPresence: lift(writeTransaction(db, (events: Parameters<Store['applyPresence']>[0]) => devices.applyPresence(events, devices.rowId))),
    resetPresence: lift(devices.resetPresence),
    countRejections: lift(writeTransaction(db, devices.countRejections)),
    updateDeviceInfo: lift(writeTransaction(db, devices.updateInfo)),
    countReadings: lift(readings.count),
    queryRaw: lift(readings.raw),
    queryBuckets: lift(readings.buckets),
    stats: lift(devices.stats),
    userForOpenid: lift(people.userForOpenid),
    findUserByOpenid: lift(people.findUserByOpenid),
    updateUser: lift(people.updateUser),
    createSession: lift(people.createSession),
    getSession: lift(people.getSession),
    revokeSession: lift(people.revokeSession),
    createPatient: lift(people.createPatient),
    getPatient: lift(people.getPatient),
    updatePatient: lift(people.updatePatient),
    patientsOf: lift(people.patientsOf),
    roleOf: lift(people.roleOf),
    members: lift(people.members),
    removeMember: lift(people.removeMember),
    createInvite: lift(people.createInvite),
    redeemInvite: lift(people.redeemInvite),
    deviceByBindCode: lift(devices.byBindCode),
    currentBinding: lift(bindings.current),
    currentBindings: lift(bindings.allCurrent),
    currentBindingsOf: lift(bindings.currentOf),
    bindDevice: lift(bindings.bind),
    unbindDevice: lift(bindings.unbind),
    bindingsOfPatient: lift(bindings.ofPatient),
    devicesOfUser: lift(bindings.devicesOfUser),
    deviceState: lift(control.state),
    setDesired: lift(control.setDesired),
    setReported: lift(control.setReported),
    appendAudit: lift(control.appendAudit),
    recordCommandReply: lift(control.recordCommandReply),
    commandReply: lift(control.commandReply),
    auditOf: lift(control.auditOf),
    alertRules: lift(alerts.rules),
    setAlertRules: lift(alerts.setRules),
    ruleChanges: lift(alerts.ruleChanges),
    conditionStates: lift(alerts.states),
    putConditionStates: lift(alerts.putStates),
    createAlert: lift(alerts.create),
    getAlert: lift(alerts.get),
    updateAlert: lift(alerts.update),
    acknowledgeAlert: lift(alerts.acknowledge),
    addDeliveries: lift(alerts.addDeliveries),
    activeAlerts: lift(alerts.active),
    alertHistory: lift(alerts.history),
    setSnooze: lift(alerts.setSnooze),
    snoozes: lift(alerts.snoozes),
    addSubscribeQuota: lift(alerts.addQuota),
    takeSubscribeQuota: lift(alerts.takeQuota),
    subscribeQuota: lift(alerts.quota),
    openidOf: lift(alerts.openidOf),
    async close() {
      if (closed) return;
      closed = true;
      // The thread's connection first: the writer, closing last, then checkpoints all that is left
      // and removes the WAL as it always did.
      await checkpoints?.stop();
      db.close();
    },
  };
}
