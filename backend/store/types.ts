/**
 * The store interface: everything the functions need from storage, in domain terms. Each adapter
 * (embedded SQLite, CloudBase database) implements it; test/store/contract.ts runs the same suite
 * against every adapter. All times are ms since the epoch (UTC).
 */
import type { Bucket, Reading } from '../../core';
import type { RejectKind } from '../../core/alink';
import type { AlertAck, AlertRecord, AlertRules, ConditionState, DeliveryRecord, Severity, SnoozeRecord } from '../../core/alerts';
import type { AlertPage, RuleChange } from '../../core/api/contract/alerts';
import type {
  AuditEntry,
  DeviceAttributeValue,
  DeviceState,
  DeviceStatus,
  MemberRecord,
  PatientProfile,
  PatientRecord,
  Role,
  Settings,
  UserProfilePatch,
  UserRecord,
} from '../../core/api';

export type {
  AuditEntry,
  CommandResult,
  DeviceAttributeValue,
  DeviceState,
  DeviceStatus,
  EmergencyContact,
  MemberRecord,
  PatientProfile,
  PatientRecord,
  Role,
  Settings,
  Sex,
  UserProfilePatch,
  UserRecord,
} from '../../core/api';

/** How strictly a device's login timestamp is checked; see docs/protocol.md "Freshness". */
export type LoginPolicy = 'compat' | 'strict';

export interface DeviceRecord {
  /** `{productKey}/{deviceName}` — stable external id. */
  id: string;
  productKey: string;
  deviceName: string;
  /** Per-device secret used to verify the login signature (stored sealed, opened on read). */
  secret: string;
  label: string;
  loginPolicy: LoginPolicy;
  createdAt: number;
  /**
   * When an operator disabled it (ms); absent while enabled. Read with the device so that a login
   * check costs one lookup (also `deviceDisabledAt`).
   */
  disabledAt?: number;
}

export interface NewDevice {
  productKey: string;
  deviceName: string;
  secret: string;
  /**
   * Code printed on the device's label; binding the device to a patient needs it. Stored only as
   * a keyed hash: `createDevice` answers it once, nothing reads it back.
   */
  bindCode: string;
  label?: string;
  loginPolicy?: LoginPolicy;
}

/** How long every adapter remembers a message to recognise its redelivery, ms (24 h). */
export const MESSAGE_ID_TTL_MS = 24 * 3_600_000;

/** One message's worth of readings for one device. */
export interface ReadingBatchItem {
  deviceId: string;
  /** Device message id, when the device sent one. */
  msgId?: string;
  /**
   * Fingerprint of the payload; with `msgId` it recognises a redelivery (same id, same bytes)
   * without mistaking a reused id after a device reboot for one.
   */
  fingerprint?: string;
  receivedAt: number;
  readings: Reading[];
  /**
   * A redelivery of this message within `MESSAGE_ID_TTL_MS` is sure to bring its first reading at
   * the same instant again: the readings carry the device's own time (Alink `time`), and none was or
   * will be refused for its time. An adapter may then recognise the redelivery from
   * the rows the message wrote (SQLite does). Default false: some reading took the receive time,
   * which differs on redelivery, or a later arrival could keep another set of readings.
   */
  timed?: boolean;
}

/**
 * Whether a reading of this item took its arrival instant: a vital without an Alink `time`
 * (core/alink `decodeValues`), which a redelivery brings to another instant.
 */
export const atArrival = (item: Pick<ReadingBatchItem, 'timed' | 'receivedAt'>, r: Reading): boolean => !item.timed && r.ts === item.receivedAt;

export interface AppendResult {
  /** Per batch item: true when it was already stored (a redelivery), false when newly written. */
  duplicate: boolean[];
  /** Reading rows written or merged. */
  written: number;
}

export interface PresenceEvent {
  deviceId: string;
  online: boolean;
  at: number;
}

/**
 * What a device says about itself besides readings: its firmware version (OTA inform) and the
 * latest values of non-vital properties and tags. Attributes merge into those kept (one key's new
 * value replaces its old one; others stay).
 */
export interface DeviceInfoUpdate {
  deviceId: string;
  firmwareVersion?: string;
  attributes?: Record<string, DeviceAttributeValue>;
  at: number;
}

/** At most this many attributes are kept per device; further new keys are dropped. */
export const MAX_DEVICE_ATTRIBUTES = 64;

export interface RejectionEvent {
  /** Device id, or `unknown` when the sender could not be identified. */
  deviceId: string;
  kind: RejectKind;
  at: number;
  detail: string;
}

/** Readings of one device within [from, to): a device's history, or one binding of a patient's. */
export interface Segment {
  deviceId: string;
  from: number;
  to: number;
}

export interface RawQuery {
  segments: Segment[];
  /** Maximum rows returned (oldest first). */
  limit: number;
}

export interface BucketQuery {
  segments: Segment[];
  /** Bucket width in ms; buckets are aligned to multiples of it since the epoch. */
  widthMs: number;
}

export interface StoreStats {
  devices: number;
  readings: number;
}

export interface SessionRecord {
  id: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
  revokedAt?: number;
}

export interface InviteRecord {
  /** The plain code; stored only as a keyed hash (redeeming matches the hash). */
  code: string;
  patientId: string;
  createdBy: string;
  createdAt: number;
  expiresAt: number;
  redeemedBy?: string;
  redeemedAt?: number;
}

export type RedeemOutcome = 'joined' | 'already-member' | 'unknown' | 'used' | 'expired';

export interface BindingRecord {
  deviceId: string;
  patientId: string;
  /** Bound from (inclusive), ms. */
  from: number;
  /** Unbound at (exclusive), ms; absent while bound. */
  to?: number;
  boundBy: string;
}

/** What users, sessions, patients, families and bindings need from storage. */
export interface PeopleStore {
  /** The user with this platform identity, created on first sight. */
  userForOpenid(openid: string, name: string, now: number): Promise<UserRecord>;
  findUserByOpenid(openid: string): Promise<UserRecord | undefined>;
  /** Changes the user's display name and/or avatar; returns the updated record (undefined: no such user). */
  updateUser(id: string, patch: UserProfilePatch): Promise<UserRecord | undefined>;
  createSession(s: SessionRecord): Promise<void>;
  getSession(id: string): Promise<SessionRecord | undefined>;
  revokeSession(id: string, at: number): Promise<void>;
  createPatient(p: PatientRecord, ownerId: string): Promise<void>;
  getPatient(id: string): Promise<PatientRecord | undefined>;
  updatePatient(id: string, profile: PatientProfile): Promise<void>;
  /** Patients a user follows, with the user's role. */
  patientsOf(userId: string): Promise<Array<PatientRecord & { role: Role }>>;
  roleOf(patientId: string, userId: string): Promise<Role | undefined>;
  members(patientId: string): Promise<MemberRecord[]>;
  removeMember(patientId: string, userId: string): Promise<boolean>;
  createInvite(i: InviteRecord): Promise<void>;
  /** Atomically: a valid, unused, unexpired invite makes the user family. */
  redeemInvite(code: string, userId: string, now: number): Promise<{ outcome: RedeemOutcome; patientId?: string }>;
  deviceByBindCode(code: string): Promise<DeviceRecord | undefined>;
  currentBinding(deviceId: string): Promise<BindingRecord | undefined>;
  /** Every bound device's current binding, one per device (the periodic alert check walks these). */
  currentBindings(): Promise<BindingRecord[]>;
  /**
   * The current bindings of these devices, by device id (unbound and unknown devices absent): one
   * read for a whole ingest batch (alerts) instead of one per device.
   */
  currentBindingsOf(deviceIds: readonly string[]): Promise<Map<string, BindingRecord>>;
  /** Ends the device's current binding (if any) at `at` and starts one to `patientId`. */
  bindDevice(deviceId: string, patientId: string, userId: string, at: number): Promise<void>;
  unbindDevice(deviceId: string, at: number): Promise<boolean>;
  /** Every binding the patient ever had (for attributing readings by measurement time). */
  bindingsOfPatient(patientId: string): Promise<BindingRecord[]>;
  /** Devices currently bound to patients the user follows. */
  devicesOfUser(userId: string): Promise<string[]>;
}

/**
 * A device's reply to a command. With an external broker the reply reaches the broker's webhook
 * in one function instance while the command waits in another, so it meets the waiting command
 * through storage.
 */
export interface CommandReplyRecord {
  deviceId: string;
  /** The Alink message id of the command the device answers. */
  id: string;
  /** Alink reply code: 200 success, anything else a refusal. */
  code: number;
  message?: string;
  data: Record<string, unknown>;
  /** When the reply arrived, ms. */
  at: number;
}

/** Remote control: desired/reported settings and the audit trail of commands. */
export interface ControlStore {
  /** Keeps a device's reply (a second reply with the same id replaces the first). */
  recordCommandReply(reply: CommandReplyRecord): Promise<void>;
  commandReply(deviceId: string, id: string): Promise<CommandReplyRecord | undefined>;
  deviceState(deviceId: string): Promise<DeviceState>;
  setDesired(deviceId: string, settings: Settings, at: number, by: string): Promise<void>;
  setReported(deviceId: string, settings: Settings, at: number): Promise<void>;
  appendAudit(entry: AuditEntry): Promise<void>;
  /** Newest first. */
  auditOf(deviceId: string, limit: number): Promise<AuditEntry[]>;
}

/** A patient's alert rules and who set them last. */
export interface AlertRulesRecord {
  rules: AlertRules;
  updatedAt: number;
  updatedBy: string;
}

/** What may change on an alert after it is raised. */
export interface AlertPatch {
  severity?: Severity;
  message?: string;
  value?: number;
  notifiedAt?: number;
  escalations?: number;
  resolvedAt?: number;
  resolveNote?: string;
}

/** Declared with the `alerts` contract, which answers with them. */
export type { AlertPage, RuleChange };

/**
 * Alerts: rules, the state of each patient's conditions between evaluations, the alerts
 * themselves with their delivery history, snoozes and WeChat subscription quota.
 */
export interface AlertStore {
  alertRules(patientId: string): Promise<AlertRulesRecord | undefined>;
  /** Stores new rules and the change in the patient's rule history. */
  setAlertRules(patientId: string, rec: AlertRulesRecord, change: RuleChange): Promise<void>;
  /** Newest first. */
  ruleChanges(patientId: string, limit: number): Promise<RuleChange[]>;
  /** Condition states of a patient, by condition key. */
  conditionStates(patientId: string): Promise<Record<string, ConditionState>>;
  /**
   * Replaces the given conditions' states (null deletes one), for one or more patients at once:
   * `{patientId: {conditionKey: state}}` (SQLite: one transaction; CloudBase: one write per patient).
   */
  putConditionStates(updates: Record<string, Record<string, ConditionState | null>>): Promise<void>;
  /** Creates the alert unless one with its id exists (idempotent); true when created. */
  createAlert(a: AlertRecord): Promise<boolean>;
  getAlert(id: string): Promise<AlertRecord | undefined>;
  updateAlert(id: string, patch: AlertPatch): Promise<void>;
  /** Records the first acknowledgement; false when already acknowledged (or unknown). */
  acknowledgeAlert(id: string, ack: AlertAck): Promise<boolean>;
  addDeliveries(id: string, deliveries: DeliveryRecord[]): Promise<void>;
  /** Unresolved alerts of one patient, or of every patient when `patientId` is undefined; oldest first. */
  activeAlerts(patientId?: string): Promise<AlertRecord[]>;
  /** A patient's alerts, newest first, `limit` per page, after the cursor `before`. */
  alertHistory(patientId: string, before: string | undefined, limit: number): Promise<AlertPage>;
  /** Sets (or with `until` in the past, ends) the snooze of a patient and kind. */
  setSnooze(s: SnoozeRecord): Promise<void>;
  snoozes(patientId: string): Promise<SnoozeRecord[]>;
  /** Adds one-time WeChat subscription sends the user accepted; returns the new count. */
  addSubscribeQuota(userId: string, templateId: string, n: number): Promise<number>;
  /** Takes one send from the user's quota for the template; false when none is left. */
  takeSubscribeQuota(userId: string, templateId: string): Promise<boolean>;
  /** Remaining sends by template id. */
  subscribeQuota(userId: string): Promise<Record<string, number>>;
  /** The platform identity (OPENID) of a user, to address a WeChat message; undefined for an unknown user. */
  openidOf(userId: string): Promise<string | undefined>;
}

/** What `resealSecrets` did (docs/security.md "Rotating the key"). */
export interface ResealReport {
  /** Device secrets sealed anew with the current key, and plain codes (older data) hashed. */
  converted: number;
  /**
   * Bind codes and unredeemed invite codes still hashed under an older key: a hash cannot be
   * recomputed without the code, so those keys must stay in the ring (for lookups) while this is
   * not 0, or the codes be reissued.
   */
  codesUnderOldKeys: number;
}

export interface Store extends PeopleStore, ControlStore, AlertStore {
  /**
   * Brings every stored secret to the current key: plain-text values (older data) sealed or
   * hashed, secrets sealed with an older key sealed again. For key rotation; idempotent.
   */
  resealSecrets(): Promise<ResealReport>;
  /** Registers a device; the answer carries the plain bind code, the only time it is seen. */
  createDevice(d: NewDevice, now: number): Promise<DeviceRecord & { bindCode: string }>;
  getDevice(id: string): Promise<DeviceRecord | undefined>;
  /**
   * Which of these devices are registered, without reading their secrets (ingest checks every
   * message's device; devices are never deleted, so the answer may be cached).
   */
  existingDevices(ids: readonly string[]): Promise<Set<string>>;
  listDevices(): Promise<DeviceStatus[]>;
  deviceStatus(id: string): Promise<DeviceStatus | undefined>;
  /**
   * Disables (`disabled`: its logins are refused from `at` on; disabling again keeps the first
   * time) or enables a device again. False when there is no such device.
   */
  setDeviceDisabled(id: string, disabled: boolean, at: number): Promise<boolean>;
  /** When the device was disabled; undefined while it may sign in (or when there is no such device). */
  deviceDisabledAt(id: string): Promise<number | undefined>;
  /** Replaces the device's login secret (rotation). False when there is no such device. */
  setDeviceSecret(id: string, secret: string): Promise<boolean>;
  /**
   * Takes a `strict` device's login timestamp, atomically: true only if it is later than every
   * one taken before for this device, so a captured login cannot be replayed — also where each
   * login check runs in a fresh process (CloudBase functions behind EMQX). False for no such device.
   */
  claimLoginTimestamp(id: string, ts: number): Promise<boolean>;
  /**
   * Takes an MQTT client id for `owner` (an identity key), atomically: true if it is free, already
   * `owner`'s, or last taken more than `holdMs` before `now`. For brokers whose login checks do not
   * share memory (EMQX calling CloudBase functions), so that no identity takes another's session.
   */
  claimClientId(clientId: string, owner: string, now: number, holdMs: number): Promise<boolean>;
  /**
   * Appends readings, idempotent and retry-safe — the guarantee every adapter keeps:
   * - a redelivered message (same device, `msgId` and `fingerprint` within 24 h) changes nothing
   *   and is reported as a duplicate; vitals of one instant from separate messages merge;
   * - when the call resolves, every item is stored;
   * - when it rejects, any part of the batch may be stored, and calling again with the same items
   *   stores each reading exactly once (the broker retries the batch and acknowledges nothing
   *   before it resolves).
   * SQLite happens to store a batch all-or-nothing; CloudBase cannot (its transactions hold one
   * document), so callers must not rely on more than the above.
   */
  appendReadings(items: ReadingBatchItem[]): Promise<AppendResult>;
  /** Applies presence changes; an event older than the device's last change is ignored. */
  applyPresence(events: PresenceEvent[]): Promise<void>;
  /** Marks every device offline (the broker restarted, so no session survives). */
  resetPresence(at: number): Promise<void>;
  countRejections(events: RejectionEvent[]): Promise<void>;
  /**
   * Records firmware versions and attributes (in order; a later update wins). Unknown devices
   * are ignored. Shown by `listDevices`/`deviceStatus`.
   */
  updateDeviceInfo(updates: DeviceInfoUpdate[]): Promise<void>;
  /** Number of readings in the segments, counting at most `cap` (so the check stays cheap). */
  countReadings(segments: Segment[], cap: number): Promise<number>;
  queryRaw(q: RawQuery): Promise<Reading[]>;
  queryBuckets(q: BucketQuery): Promise<Bucket[]>;
  stats(): Promise<StoreStats>;
  close(): Promise<void>;
}
