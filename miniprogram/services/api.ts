/**
 * The cloud functions as typed calls. Views call these, never a transport; the answer types come
 * from the shared library (`core/api`), the same ones the functions are written against.
 */
import type {
  AlertKind,
  AlertRecord,
  AlertRules,
  BindResult,
  CommandReply,
  ControlState,
  HistoryResult,
  InviteCreated,
  InviteRedeemed,
  LoginResult,
  MeResult,
  MemberRecord,
  MyDevice,
  PatientDetail,
  PatientProfile,
  PatientRecord,
  PatientSummary,
  RealtimeCredentials,
  Result,
  SetReply,
  Settings,
  SnoozeRecord,
  UserProfilePatch,
  UserRecord,
} from '../lib/core';
import type { CallFunction } from './transport';

export interface HistoryQuery {
  patientId: string;
  /** ms since the epoch, inclusive. */
  from: number;
  /** ms since the epoch, exclusive. */
  to: number;
  /** Most points returned; the function buckets beyond that. Default 500. */
  maxPoints?: number;
}

/** `alerts.history`: one page, newest first; `next` is the `before` of the following page. */
export interface AlertPage {
  alerts: AlertRecord[];
  next?: string;
}

/** `alerts.rules`: the patient's rules, the defaults for comparison, and who changed them last. */
export interface AlertRulesView {
  rules: AlertRules;
  defaults: AlertRules;
  updatedAt?: number;
  updatedBy?: string;
  changes: Array<{ at: number; by: string; changes: string[] }>;
}

/** `alerts.quota`: the configured template (null: WeChat messages are not set up) and the caller's remaining sends per template. */
export interface AlertQuota {
  templateId: string | null;
  remaining: Record<string, number>;
}

export function createApi(call: CallFunction) {
  return {
    login: (event: { code?: string; name?: string }) => call<LoginResult>('auth', { action: 'login', ...event }),
    me: () => call<MeResult>('auth', { action: 'me' }),
    logout: () => call<{ signedOut: true }>('auth', { action: 'logout' }),
    /** Changes the caller's own display name and/or avatar; answers with the updated user. */
    updateProfile: (patch: UserProfilePatch) => call<UserRecord>('auth', { action: 'updateProfile', ...patch }),

    patients: () => call<PatientSummary[]>('patients', { action: 'list' }),
    patient: (patientId: string) => call<PatientDetail>('patients', { action: 'get', patientId }),
    createPatient: (profile: PatientProfile) => call<PatientSummary>('patients', { action: 'create', ...profile }),
    updatePatient: (patientId: string, profile: Partial<PatientProfile>) => call<PatientRecord>('patients', { action: 'update', patientId, ...profile }),
    members: (patientId: string) => call<MemberRecord[]>('patients', { action: 'members', patientId }),
    createInvite: (patientId: string) => call<InviteCreated>('patients', { action: 'createInvite', patientId }),
    redeemInvite: (code: string) => call<InviteRedeemed>('patients', { action: 'redeemInvite', code }),
    removeMember: (patientId: string, userId: string) => call<{ removed: string }>('patients', { action: 'removeMember', patientId, userId }),
    leave: (patientId: string) => call<{ left: string }>('patients', { action: 'leave', patientId }),

    myDevices: () => call<MyDevice[]>('devices', { action: 'mine' }),
    bindDevice: (patientId: string, code: string) => call<BindResult>('devices', { action: 'bind', patientId, code }),
    unbindDevice: (deviceId: string) => call<{ deviceId: string; unbound: true }>('devices', { action: 'unbind', deviceId }),

    history: (q: HistoryQuery) => call<HistoryResult>('history', { action: 'query', ...q }),
    realtimeCredentials: () => call<RealtimeCredentials>('realtime', { action: 'credentials' }),

    setMeasurement: (deviceId: string, settings: Partial<Settings>) => call<SetReply>('command', { action: 'set', deviceId, settings }),
    measureNow: (deviceId: string) => call<CommandReply>('command', { action: 'measureNow', deviceId }),
    controlState: (deviceId: string) => call<ControlState>('command', { action: 'state', deviceId }),

    /** Unresolved alerts of a patient, oldest first. */
    activeAlerts: (patientId: string) => call<AlertRecord[]>('alerts', { action: 'active', patientId }),
    alertHistory: (patientId: string, before?: string, limit = 20) => call<AlertPage>('alerts', { action: 'history', patientId, limit, ...(before ? { before } : {}) }),
    acknowledgeAlert: (alertId: string, note?: string) => call<AlertRecord>('alerts', { action: 'acknowledge', alertId, ...(note ? { note } : {}) }),
    /** No WeChat messages or escalation for this kind for `minutes` (0 ends the snooze). */
    snoozeAlerts: (patientId: string, kind: AlertKind, minutes: number) => call<SnoozeRecord>('alerts', { action: 'snooze', patientId, kind, minutes }),
    snoozes: (patientId: string) => call<SnoozeRecord[]>('alerts', { action: 'snoozes', patientId }),
    alertRules: (patientId: string) => call<AlertRulesView>('alerts', { action: 'rules', patientId }),
    /** Owner only: `rules` holds the fields to change. */
    setAlertRules: (patientId: string, rules: Partial<AlertRules>) => call<AlertRules>('alerts', { action: 'setRules', patientId, rules }),
    /** Reports `count` accepts of `wx.requestSubscribeMessage` for the template. */
    alertsSubscribed: (templateId: string, count = 1) => call<{ templateId: string; remaining: number }>('alerts', { action: 'subscribed', templateId, count }),
    alertQuota: () => call<AlertQuota>('alerts', { action: 'quota' }),
  };
}

export type Api = ReturnType<typeof createApi>;
export type ApiResult<K extends keyof Api> = Awaited<ReturnType<Api[K]>> extends Result<infer T> ? T : never;
