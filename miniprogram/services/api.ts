/**
 * The cloud functions as typed calls. Views call these, never a transport; each call's event and
 * answer types come from the functions' contract (`core/api/contract`, re-exported as types by the
 * shared library), the same declarations the functions are checked against.
 */
import type { ActionInput, ActionName, ActionResult, FunctionName, PatientProfile, Result, Settings, UserProfilePatch } from '../lib/core';
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
  };
}

export type Api = ReturnType<typeof createApi>;
export type ApiResult<K extends keyof Api> = Awaited<ReturnType<Api[K]>> extends Result<infer T> ? T : never;
