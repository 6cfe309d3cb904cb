/**
 * The cloud functions as typed calls. Views call these, never a transport; each call's event and
 * answer types come from the functions' contract (`core/api/contract`, re-exported as types by the
 * shared library), the same declarations the functions are checked against.
 */
import type {
  ActionInput,
  ActionName,
  ActionResult,
  AlertKind,
  AlertRecord,
  AlertRules,
  FunctionName,
  PatientProfile,
  Result,
  Settings,
  SnoozeRecord,
  UserProfilePatch,
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

/** A call of one declared action: its input and answer typed from the contract. */
export type ActionCall = <F extends FunctionName, A extends ActionName<F>>(name: F, action: A, input: ActionInput<F, A>) => Promise<Result<ActionResult<F, A>>>;

export function typedCall(call: CallFunction): ActionCall {
  return (name, action, input) => call(name, { action, ...(input as object) });
}

export function createApi(raw: CallFunction) {
  const call = typedCall(raw);
  return {
    login: (event: { code?: string; name?: string }) => call('auth', 'login', { ...event }),
    me: () => call('auth', 'me', {}),
    logout: () => call('auth', 'logout', {}),
    /** Changes the caller's own display name and/or avatar; answers with the updated user. */
    updateProfile: (patch: UserProfilePatch) => call('auth', 'updateProfile', patch),

    patients: () => call('patients', 'list', {}),
    patient: (patientId: string) => call('patients', 'get', { patientId }),
    createPatient: (profile: PatientProfile) => call('patients', 'create', profile),
    updatePatient: (patientId: string, profile: Partial<PatientProfile>) => call('patients', 'update', { patientId, ...profile }),
    members: (patientId: string) => call('patients', 'members', { patientId }),
    createInvite: (patientId: string) => call('patients', 'createInvite', { patientId }),
    redeemInvite: (code: string) => call('patients', 'redeemInvite', { code }),
    removeMember: (patientId: string, userId: string) => call('patients', 'removeMember', { patientId, userId }),
    leave: (patientId: string) => call('patients', 'leave', { patientId }),

    myDevices: () => call('devices', 'mine', {}),
    bindDevice: (patientId: string, code: string) => call('devices', 'bind', { patientId, code }),
    unbindDevice: (deviceId: string) => call('devices', 'unbind', { deviceId }),

    history: (q: HistoryQuery) => call('history', 'query', q),
    realtimeCredentials: () => call('realtime', 'credentials', {}),

    setMeasurement: (deviceId: string, settings: Partial<Settings>) => call('command', 'set', { deviceId, settings }),
    measureNow: (deviceId: string) => call('command', 'measureNow', { deviceId }),
    controlState: (deviceId: string) => call('command', 'state', { deviceId }),

    /** Unresolved alerts of a patient, oldest first. */
    activeAlerts: (patientId: string) => raw<AlertRecord[]>('alerts', { action: 'active', patientId }),
    alertHistory: (patientId: string, before?: string, limit = 20) =>
      raw<AlertPage>('alerts', { action: 'history', patientId, limit, ...(before ? { before } : {}) }),
    acknowledgeAlert: (alertId: string, note?: string) => raw<AlertRecord>('alerts', { action: 'acknowledge', alertId, ...(note ? { note } : {}) }),
    /** No WeChat messages or escalation for this kind for `minutes` (0 ends the snooze). */
    snoozeAlerts: (patientId: string, kind: AlertKind, minutes: number) => raw<SnoozeRecord>('alerts', { action: 'snooze', patientId, kind, minutes }),
    snoozes: (patientId: string) => raw<SnoozeRecord[]>('alerts', { action: 'snoozes', patientId }),
    alertRules: (patientId: string) => raw<AlertRulesView>('alerts', { action: 'rules', patientId }),
    /** Owner only: `rules` holds the fields to change. */
    setAlertRules: (patientId: string, rules: Partial<AlertRules>) => raw<AlertRules>('alerts', { action: 'setRules', patientId, rules }),
    /** Reports `count` accepts of `wx.requestSubscribeMessage` for the template. */
    alertsSubscribed: (templateId: string, count = 1) => raw<{ templateId: string; remaining: number }>('alerts', { action: 'subscribed', templateId, count }),
    alertQuota: () => raw<AlertQuota>('alerts', { action: 'quota' }),
  };
}

export type Api = ReturnType<typeof createApi>;
export type ApiResult<K extends keyof Api> = Awaited<ReturnType<Api[K]>> extends Result<infer T> ? T : never;
