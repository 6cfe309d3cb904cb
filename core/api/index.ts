/**
 * The contract between the cloud functions and their clients (mini program, web console, CLI):
 * the records the functions return and the shape of each action's answer. The backend's store
 * types re-export these, so a field renamed here breaks both sides at compile time.
 */
import type { RejectKind } from '../alink/codes';
import type { FhirBundle } from '../export';
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
export const PROFILE_LIMITS = { nameMaxChars: 32, notesMaxChars: 500, maxContacts: 5, relationMaxChars: 16 } as const;

/**
 * A phone number as people write it: digits, an optional leading `+` (country code) and `-`
 * separators, 3–20 characters (`110`, `0571-88886666`, `+86-138-0013-8000`). Only what
 * `wx.makePhoneCall` dials; no further checks, numbers differ too much between places.
 */
export const PHONE_PATTERN = /^\+?[0-9][0-9-]{1,18}[0-9]$/;

/** Someone to call when something is wrong (`wx.makePhoneCall`), kept on the patient's profile. */
export interface EmergencyContact {
  name: string;
  /** `女儿`, `邻居`, `社区医生`. */
  relation?: string;
  phone: string;
}

export interface PatientProfile {
  name: string;
  /** `YYYY-MM-DD`. */
  birthDate?: string;
  sex: Sex;
  notes: string;
  /** The patient's own phone (`PHONE_PATTERN`); absent when unknown. */
  phone?: string;
  /** Up to `PROFILE_LIMITS.maxContacts`, in the order to call them; absent or empty when none. */
  emergencyContacts?: EmergencyContact[];
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
  /**
   * The newest reading. As a patient's family sees it (`devices.mine`, `patients.get`): only if
   * taken while the device was bound to that patient (backend/runtime/access.ts `statusWithin`).
   */
  lastReading?: Reading;
  /** Readings stored for this device (by every patient it measured). */
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

/**
 * `history.export`: one page of a patient's (or, for operators, a device's) readings in [from, to), converted. `next` is the `from`
 * of the following page (absent on the last); join pages with `joinCsvPages` / `mergeBundles`.
 */
export type ExportPage = ({ patientId: string } | { deviceId: string }) & { from: number; to: number; timeZone: string; readings: number; next?: number } & (
    | { format: 'csv'; csv: string }
    | { format: 'fhir'; bundle: FhirBundle }
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

/**
 * `devices.list` (operators): every device, with the patient it is bound to now, if any, and when
 * an operator disabled it (`devices.disable`), if it is disabled.
 */
export type FleetDevice = DeviceStatus & { patientId?: string; disabledAt?: number };

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
