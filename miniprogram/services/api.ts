/**
 * The cloud functions as typed calls. Views call these, never a transport; the answer types come
 * from the shared library (`core/api`), the same ones the functions are written against.
 */
import type {
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
  };
}

export type Api = ReturnType<typeof createApi>;
export type ApiResult<K extends keyof Api> = Awaited<ReturnType<Api[K]>> extends Result<infer T> ? T : never;
