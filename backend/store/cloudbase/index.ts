/**
 * The CloudBase document database adapter of the store interface (`@cloudbase/node-sdk`).
 * docs/cloudbase.md lists the collections, their indexes and security rules, and how CloudBase's
 * limits shaped them; test/store/cloudbase.test.ts runs the store contract against it.
 */
import type { Store } from '../types';
import { type CloudbaseDb, openCloudbaseDb } from './db';
import { createDeviceAdmin } from './device-admin';
import { createDevices } from './devices';
import { createReadings } from './readings';
import { createPeople } from './people';
import { createBindings } from './bindings';
import { createControl } from './control';
import { createAlerts } from './alerts';
import type { CloudbaseStoreOptions } from './options';
import type { SecretKeys } from '../../secret-box';

export { cloudbaseOptionsFromEnv, insideCloudbase } from './options';
export type { CloudbaseStoreOptions } from './options';
export { COLLECTIONS } from './db';

export interface CloudbaseStoreExtras {
  /** Creates the adapter's collections that do not exist yet (also done on first use). */
  ensureCollections(): Promise<void>;
  /** The underlying database connection and collection names. */
  cloudbase: CloudbaseDb;
}

/**
 * `keys` seal device secrets and hash codes (backend/secret-box; from `SECRETS_KEY`, which must be
 * given to every function that opens the store).
 */
export function createCloudbaseStore(opts: CloudbaseStoreOptions & { keys: SecretKeys }): Store & CloudbaseStoreExtras {
  const cdb = openCloudbaseDb(opts);
  const readings = createReadings(cdb);
  const devices = createDevices(cdb, opts.keys, readings.perDevice);
  const deviceAdmin = createDeviceAdmin(cdb, opts.keys);
  const people = createPeople(cdb, opts.keys);
  const bindings = createBindings(cdb);
  const control = createControl(cdb);
  const alerts = createAlerts(cdb);
  let closed = false;
  const open =
    <A extends unknown[], R>(f: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (closed) throw new Error('CloudBase store is closed');
      return f(...args);
    };
  return {
    cloudbase: cdb,
    ensureCollections: () => cdb.ensureCollections(),
    resealSecrets: open(async () => {
      const d = await devices.reseal();
      const i = await people.rehashInvites();
      return { converted: d.secrets + i.codes, codesUnderOldKeys: d.oldCodes + i.oldCodes };
    }),
    createDevice: open(devices.create),
    getDevice: open(devices.get),
    existingDevices: open(devices.existing),
    listDevices: open(devices.list),
    deviceStatus: open(devices.status),
    setDeviceDisabled: open(deviceAdmin.setDisabled),
    deviceDisabledAt: open(deviceAdmin.disabledAt),
    setDeviceSecret: open(deviceAdmin.setSecret),
    claimLoginTimestamp: open(deviceAdmin.claimLoginTimestamp),
    claimClientId: open(deviceAdmin.claimClientId),
    appendReadings: open(readings.append),
    applyPresence: open(devices.applyPresence),
    resetPresence: open(devices.resetPresence),
    countRejections: open(devices.countRejections),
    updateDeviceInfo: open(devices.updateDeviceInfo),
    countReadings: open(readings.count),
    queryRaw: open(readings.raw),
    queryBuckets: open(readings.buckets),
    stats: open(devices.stats),
    userForOpenid: open(people.userForOpenid),
    findUserByOpenid: open(people.findUserByOpenid),
    updateUser: open(people.updateUser),
    createSession: open(people.createSession),
    getSession: open(people.getSession),
    revokeSession: open(people.revokeSession),
    createPatient: open(people.createPatient),
    getPatient: open(people.getPatient),
    updatePatient: open(people.updatePatient),
    patientsOf: open(people.patientsOf),
    roleOf: open(people.roleOf),
    members: open(people.members),
    removeMember: open(people.removeMember),
    createInvite: open(people.createInvite),
    redeemInvite: open(people.redeemInvite),
    deviceByBindCode: open(devices.byBindCode),
    currentBinding: open(bindings.current),
    currentBindings: open(bindings.allCurrent),
    currentBindingsOf: open(bindings.currentOf),
    bindDevice: open(bindings.bind),
    unbindDevice: open(bindings.unbind),
    bindingsOfPatient: open(bindings.ofPatient),
    devicesOfUser: open(bindings.devicesOfUser),
    deviceState: open(control.state),
    setDesired: open(control.setDesired),
    setReported: open(control.setReported),
    appendAudit: open(control.appendAudit),
    recordCommandReply: open(control.recordCommandReply),
    commandReply: open(control.commandReply),
    auditOf: open(control.auditOf),
    alertRules: open(alerts.rules),
    setAlertRules: open(alerts.setRules),
    ruleChanges: open(alerts.ruleChanges),
    conditionStates: open(alerts.states),
    putConditionStates: open(alerts.putStates),
    createAlert: open(alerts.create),
    getAlert: open(alerts.get),
    updateAlert: open(alerts.update),
    acknowledgeAlert: open(alerts.acknowledge),
    addDeliveries: open(alerts.addDeliveries),
    activeAlerts: open(alerts.active),
    alertHistory: open(alerts.history),
    setSnooze: open(alerts.setSnooze),
    snoozes: open(alerts.snoozes),
    addSubscribeQuota: open(alerts.addQuota),
    takeSubscribeQuota: open(alerts.takeQuota),
    subscribeQuota: open(alerts.quota),
    openidOf: open(alerts.openidOf),
    async close() {
      // The SDK keeps no connection open (one HTTPS request per call): nothing to release.
      closed = true;
    },
  };
}
