/**
 * Who is signed in. On CloudBase the platform identifies the caller (OPENID), so signing in only
 * creates the user record. With the local host there is no WeChat identity: the mini program keeps
 * a development sign-in code in storage (one per install, so the same user comes back) and holds
 * the session token the host returns (7 days, revocable) — never a long-lived secret.
 */
import { err, ErrorCode, type Result, type UserRecord } from '../lib/core';
import type { CallFunction } from './transport';

/** The part of wx's storage API the session uses. */
export interface StorageLike {
  getStorageSync(key: string): unknown;
  setStorageSync(key: string, value: unknown): void;
  removeStorageSync(key: string): void;
}

const CODE_KEY = 'rpm.devCode';
const SESSION_KEY = 'rpm.session';

interface Saved {
  token?: string;
  expiresAt?: number;
  user: UserRecord;
}

export interface SessionOptions {
  mode: 'local' | 'cloud';
  storage: StorageLike;
  /** The transport without session handling (sign-in calls go straight through). */
  call: CallFunction;
  now: () => number;
  /** In [0, 1); makes the development sign-in code. */
  random: () => number;
}

function newDevCode(random: () => number): string {
  let s = 'wx';
  for (let i = 0; i < 10; i++) s += '0123456789abcdefghijklmnopqrstuvwxyz'[Math.floor(random() * 36)];
  return s;
}

export function createSession(opts: SessionOptions) {
  const saved = (): Saved | undefined => {
    const v = opts.storage.getStorageSync(SESSION_KEY) as Saved | '' | undefined;
    return v && typeof v === 'object' && v.user ? v : undefined;
  };
  const valid = (s: Saved | undefined) => s !== undefined && (opts.mode === 'cloud' || (s.token !== undefined && (s.expiresAt ?? 0) > opts.now()));
  let signingIn: Promise<Result<UserRecord>> | undefined;

  async function signIn(): Promise<Result<UserRecord>> {
    let event: Record<string, unknown> = { action: 'login' };
    if (opts.mode === 'local') {
      let code = opts.storage.getStorageSync(CODE_KEY);
      if (typeof code !== 'string' || !code) {
        code = newDevCode(opts.random);
        opts.storage.setStorageSync(CODE_KEY, code);
      }
      event = { ...event, code };
    }
    const r = await opts.call<Saved>('auth', event);
    if (!r.ok) return r;
    if (opts.mode === 'local' && !r.data.token) return err(ErrorCode.Unavailable, '本地服务没有返回登录凭证');
    opts.storage.setStorageSync(SESSION_KEY, { token: r.data.token, expiresAt: r.data.expiresAt, user: r.data.user });
    return { ok: true, data: r.data.user };
  }

  return {
    /** The signed-in user, signing in first when there is no valid session. Concurrent calls share one sign-in. */
    ensure(): Promise<Result<UserRecord>> {
      const s = saved();
      if (valid(s)) return Promise.resolve({ ok: true, data: s!.user });
      signingIn ??= signIn().finally(() => (signingIn = undefined));
      return signingIn;
    },
    token: (): string | undefined => saved()?.token,
    user: (): UserRecord | undefined => saved()?.user,
    /** Keeps the signed-in user's record current after they changed it (name, avatar). */
    remember(user: UserRecord) {
      const s = saved();
      if (s && s.user.id === user.id) opts.storage.setStorageSync(SESSION_KEY, { ...s, user });
    },
    /** Forgets the session (it was refused, or the user signed out). */
    clear: () => opts.storage.removeStorageSync(SESSION_KEY),
    /** Local development only: sign in as another user (to try family sharing with two accounts). */
    useDevCode(code: string) {
      opts.storage.setStorageSync(CODE_KEY, code);
      opts.storage.removeStorageSync(SESSION_KEY);
    },
    devCode: (): string | undefined => {
      const c = opts.storage.getStorageSync(CODE_KEY);
      return typeof c === 'string' && c ? c : undefined;
    },
  };
}

export type Session = ReturnType<typeof createSession>;

/** Wraps a transport so calls sign in first and, when a session was refused, sign in again once. */
export function withSession(call: CallFunction, session: Session): CallFunction {
  return async <T>(name: string, event: Record<string, unknown>) => {
    const me = await session.ensure();
    if (!me.ok) return me;
    const r = await call<T>(name, event);
    if (r.ok || r.code !== ErrorCode.Unauthenticated) return r;
    session.clear();
    const again = await session.ensure();
    return again.ok ? call<T>(name, event) : again;
  };
}
