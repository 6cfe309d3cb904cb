/** The console's session store: what it keeps, and that an expired or damaged session counts as none. */
import { createSessionStore, type KeyValueStorage, sessionOf } from '../../web-console/src/session';

function memoryStorage(): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
}

const user = { id: 'u1', openid: 'dev:alice', name: 'Alice', createdAt: 1 };

describe('console session store', () => {
  test('keeps the session until it expires, and the admin token until forgotten', () => {
    let now = 1000;
    const storage = memoryStorage();
    const store = createSessionStore(storage, () => now);
    expect(store.session()).toBeUndefined();
    store.setSession(sessionOf({ user, token: 'tok', expiresAt: 5000 }));
    expect(store.session()).toEqual({ token: 'tok', expiresAt: 5000, user });
    now = 5000;
    expect(store.session()).toBeUndefined();
    store.setAdminToken('admin');
    expect(store.adminToken()).toBe('admin');
    store.setAdminToken(undefined);
    store.setSession(undefined);
    expect(storage.data.size).toBe(0);
  });

  test('a damaged entry is no session; a login without a token gives none', () => {
    const storage = memoryStorage();
    storage.setItem('rpm.console.session', '{not json');
    expect(createSessionStore(storage, () => 0).session()).toBeUndefined();
    storage.setItem('rpm.console.session', JSON.stringify({ user }));
    expect(createSessionStore(storage, () => 0).session()).toBeUndefined();
    expect(sessionOf({ user })).toBeUndefined();
  });
});
