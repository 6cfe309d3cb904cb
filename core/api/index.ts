/**
 * The contract between the cloud functions and their clients (mini program, web console, CLI):
 * the records the functions return and the shape of each action's answer. The backend's store
 * types re-export these, so a field renamed here breaks both sides at compile time.
 */
import type { RejectKind } from '../alink/codes';
import type { Bucket } from '../history';
import type { Result } from '../result';
import type { Reading } from '../vitals';

/**
 * Calls a cloud function by name with an event, however it is reached (HTTP to the local host,
 * in-process, `wx.cloud`); tools that only need "call a function" (the emulator, the CLI) take one.
 */
export type Invoke = (name: string, event: Record<string, unknown>) => Promise<Result<unknown>>;

export type Role = 'owner' | 'family';
export type Sex = 'female' | 'male' | 'other' | 'unknown';

export interface UserRecord {
  id: string;
  /** Platform identity: the WeChat OPENID on CloudBase, `dev:{code}` with the local sign-in. */
  openid: string;
  name: string;
  /**
   * Avatar the user chose (WeChat's avatar fill-in): a CloudBase file id
   * (`cloud://<env>.<bucket>/avatars/<user id>/<file>`, shown directly by `<image>`), or a path the
   * local function host serves (`/files/avatars/<name>`; clients resolve it against the host they
   * call). Absent until the user picks one.
   */
  avatarUrl?: string;
  createdAt: number;
}

/** What a user may change about themselves (`auth.updateProfile`). */
export interface UserProfilePatch {
  name?: string;
  avatarUrl?: string;
}

/** Limits of a patient profile, checked by the functions and shown by the forms. */
export const PROFILE_LIMITS = { nameMaxChars: 32, notesMaxChars: 500 } as const;

export interface PatientProfile {
  name: string;
  /** `YYYY-MM-DD`. */
  birthDate?: string;
  sex: Sex;
  notes: string;
}

export interface PatientRecord extends PatientProfile {
  id: string;
  createdAt: number;
}

export interface MemberRecord {
  patientId: string;
  userId: string;
  userName: string;
  /** The member's avatar, as in `UserRecord.avatarUrl`. */
  avatarUrl?: string;
  role: Role;
  since: number;
}

export interface DeviceStatus {
  id: string;
  productKey: string;
  deviceName: string;
  label: string;
  online: boolean;
  /** Last presence change (connect or disconnect), if any. */
  presenceAt?: number;
  lastReading?: Reading;
  /** Readings stored for this device. */
  readings: number;
  /** Bad messages counted per kind. */
  rejections: Partial<Record<RejectKind, number>>;
  /** Firmware version the device last reported (Alink OTA inform), if any. */
  firmwareVersion?: string;
  /**
   * The device's latest values of properties that are not vitals (e.g. `MACAddress`) and of its
   * tags, as last posted; absent until it posts one.
   */
  attributes?: Record<string, DeviceAttributeValue>;
}

/** A non-vital property or tag value as kept: objects and arrays are kept as JSON text. */
export type DeviceAttributeValue = string | number | boolean;

/** How a device measures: on/off and the interval between measurements (s). */
export interface Settings {
  enabled: boolean;
  intervalS: number;
}

export interface DeviceState {
  /** What users last asked for; sent to the device until it reports the same. */
  desired?: Settings & { at: number; by: string };
  /** What the device last said it runs with. */
  reported?: Settings & { at: number };
}

export type CommandResult = 'acked' | 'rejected' | 'timeout' | 'refused';

export interface AuditEntry {
  at: number;
  userId: string;
  patientId?: string;
  deviceId: string;
  action: string;
  params: Record<string, unknown>;
  result: CommandResult;
  detail: string;
}

/** `history.query`: raw readings, or epoch-aligned buckets with min/avg/max per vital. */
export type HistoryResult = ({ deviceId: string } | { patientId: string }) & { from: number; to: number } & (
    | { kind: 'raw'; readings: Reading[]; next?: number }
    | { kind: 'buckets'; widthMs: number; buckets: Bucket[] }
  );

/** `realtime.credentials`: a user's short-lived MQTT login and the topics they may read. */
export interface RealtimeCredentials {
  clientId: string;
  username: string;
  password: string;
  /** ms since the epoch; ask again before then. */
  expiresAt: number;
  /** Topics the user may subscribe to now. */
  topics: string[];
}

/** `auth.login`: the user, plus a session token with the local host's development sign-in. */
export interface LoginResult {
  user: UserRecord;
  token?: string;
  expiresAt?: number;
}

/** `auth.me`. */
export interface MeResult {
  user: UserRecord;
  patients: Array<{ id: string; name: string; role: Role }>;
}

/** `patients.list` / `patients.create`. */
export type PatientSummary = PatientRecord & { role: Role };

/** `patients.get`: the profile with its family members and the devices bound now. */
export interface PatientDetail extends PatientSummary {
  members: MemberRecord[];
  devices: DeviceStatus[];
}

/** `devices.mine`: devices bound to the caller's patients. */
export type MyDevice = DeviceStatus & { patientId: string };

/** `devices.bind`. */
export interface BindResult {
  deviceId: string;
  patientId: string;
  since: number;
}

/** `patients.createInvite`: a one-time code valid until `expiresAt`. */
export interface InviteCreated {
  code: string;
  patientId: string;
  expiresAt: number;
}

/** `patients.redeemInvite`. */
export interface InviteRedeemed {
  patientId: string;
  role: Role;
  /** False when the caller already followed the patient. */
  joined: boolean;
}

/** `command.measureNow`; `command.set` adds the desired settings. */
export interface CommandReply {
  result: CommandResult;
  detail: string;
  data?: Record<string, unknown>;
  /** The device had no connection at all. */
  offline: boolean;
}

export interface SetReply extends CommandReply {
  desired: Settings;
  /** True until the device confirms; an offline device gets the settings when it reconnects. */
  pending: boolean;
}

/** `command.state`. */
export interface ControlState extends DeviceState {
  deviceId: string;
  online: boolean;
  /** Newest first. */
  audit: AuditEntry[];
}

/** Payload of the retained `/sys/{pk}/{dn}/presence` message. */
export interface PresenceMessage {
  online: boolean;
  at: number;
}

/**
 * The typed contract of every function's actions (core/api/contract), as types only: the mini
 * program bundles this module, and its schemas (valibot) run in the functions.
 */
export type {
  ActionEvent,
  ActionInput,
  ActionName,
  ActionResult,
  AlertPage,
  Contract,
  CreatedDevice,
  FunctionName,
  RuleChange,
  RulesView,
} from './contract';
