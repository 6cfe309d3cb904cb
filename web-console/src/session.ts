/**
 * What the console keeps in the browser: the sign-in session and, for operators, the admin token —
 * both in `sessionStorage`, so they end with the tab and are never written to `localStorage`
 * (issue #16: no secret kept in the browser beyond the session).
 */
import type { LoginResult, UserRecord } from '../../core/api';

export interface Session {
  token: string;
  expiresAt?: number;
  user: UserRecord;
}

export interface SessionStore {
  session(): Session | undefined;
  setSession(s: Session | undefined): void;
  adminToken(): string | undefined;
  setAdminToken(t: string | undefined): void;
}

const SESSION_KEY = 'rpm.console.session';
const ADMIN_KEY = 'rpm.console.admin';

/** What the store needs of the browser's `sessionStorage` (tests pass a map). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The session kept in `storage` (the page's `sessionStorage`); an expired or unreadable one is none. */
export function createSessionStore(storage: KeyValueStorage, now: () => number): SessionStore {
  return {
    session() {
      try {
        const s = JSON.parse(storage.getItem(SESSION_KEY) ?? 'null') as Session | null;
        if (!s || typeof s.token !== 'string' || (s.expiresAt !== undefined && s.expiresAt <= now())) return undefined;
        return s;
      } catch {
        return undefined;
      }
    },
    setSession(s) {
      if (s) storage.setItem(SESSION_KEY, JSON.stringify(s));
      else storage.removeItem(SESSION_KEY);
    },
    adminToken: () => storage.getItem(ADMIN_KEY) ?? undefined,
    setAdminToken(t) {
      if (t) storage.setItem(ADMIN_KEY, t);
      else storage.removeItem(ADMIN_KEY);
    },
  };
}

export function sessionOf(login: LoginResult): Session | undefined {
  return login.token ? { token: login.token, expiresAt: login.expiresAt, user: login.user } : undefined;
}
