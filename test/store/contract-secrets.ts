/**
 * Secrets at rest (docs/security.md "Secrets at rest"), for every adapter: device secrets are
 * sealed, bind and invite codes hashed, the device login still works, a wrong key fails clearly,
 * keys rotate, and data written before (plain text) is converted.
 */
import { createSecretKeys, type SecretKeys } from '../../backend/secret-box';
import { createDeviceAuth } from '../../backend/device-auth';
import { buildLogin } from '../../core/alink';
import type { InviteRecord, NewDevice, Store } from '../../backend/store/types';
import { testKeys } from '../helpers/secret-keys';

export interface SecretsFactory {
  /** Everything the store last opened has written (rows or documents), as text. */
  raw(): Promise<string>;
  /** The same data opened again with other keys (may throw when the keys are wrong). */
  reopen(keys: SecretKeys): Promise<Store>;
  /** Writes a device and an invite straight into storage in plain text, as versions before hashing did. */
  seedLegacy(device: NewDevice & { createdAt: number }, invite: InviteRecord): Promise<void>;
}

const T0 = Date.UTC(2026, 0, 1);
const SECRET = 'device-secret-NEVER-stored-plain';
const BIND = 'BINDQ7X2P9';
const INVITE = 'INVK4M8R';
const device: NewDevice = { productKey: 'pk0000test1', deviceName: 'bed-1', secret: SECRET, bindCode: BIND };
const patient = { id: 'p1', name: 'Pat', sex: 'female' as const, notes: '', createdAt: T0 };

async function loginWorks(store: Store, secret = SECRET): Promise<boolean> {
  const auth = createDeviceAuth({ store, now: () => T0 });
  const l = buildLogin({ productKey: device.productKey, deviceName: device.deviceName, deviceSecret: secret });
  return (await auth.authenticate(l.clientId, l.username, l.password)).ok;
}

async function withStore<T>(open: Promise<Store>, fn: (s: Store) => Promise<T>): Promise<T> {
  const s = await open;
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

export function runSecretsContract(getStore: () => Store, factory: () => SecretsFactory): void {
  describe('secrets at rest', () => {
    async function seedOwnerAndInvite(store: Store, code = INVITE) {
      const owner = await store.userForOpenid('o', 'owner', T0);
      await store.createPatient(patient, owner.id);
      await store.createInvite({ code, patientId: 'p1', createdBy: owner.id, createdAt: T0, expiresAt: T0 + 86_400_000 });
      return owner;
    }

    test('secrets and codes are not stored in plain text; the device login and lookups still work', async () => {
      const store = getStore();
      const created = await store.createDevice(device, T0);
      expect(created.bindCode).toBe(BIND); // shown once, at creation
      await seedOwnerAndInvite(store);
      const raw = await factory().raw();
      expect(raw).toContain('pk0000test1'); // the dump does hold the data…
      for (const plain of [SECRET, BIND, INVITE]) expect(raw).not.toContain(plain); // …but none of these
      const got = await store.getDevice(created.id);
      expect(got?.secret).toBe(SECRET);
      expect(got).not.toHaveProperty('bindCode');
      expect(await loginWorks(store)).toBe(true);
      expect(await loginWorks(store, 'another-secret')).toBe(false);
      expect((await store.deviceByBindCode(BIND))?.id).toBe(created.id);
      expect(await store.deviceByBindCode('BINDQ7X2P8')).toBeUndefined();
      const joiner = await store.userForOpenid('j', 'joiner', T0);
      expect(await store.redeemInvite('INVK4M8S', joiner.id, T0 + 1)).toEqual({ outcome: 'unknown' });
      expect(await store.redeemInvite(INVITE, joiner.id, T0 + 1)).toEqual({ outcome: 'joined', patientId: 'p1' });
      expect(await store.redeemInvite(INVITE, joiner.id, T0 + 2)).toEqual({ outcome: 'used' });
    });

    test('a wrong key fails clearly, naming the key', async () => {
      const store = getStore();
      await store.createDevice(device, T0);
      const read = (keys: SecretKeys) => withStore(factory().reopen(keys), (s) => s.getDevice('pk0000test1/bed-1'));
      await expect(read(testKeys('other'))).rejects.toThrow(/sealed with key "test1", which the configured key ring \(SECRETS_KEY\) does not hold/);
      const sameIdOtherBytes = createSecretKeys([{ id: 'test1', key: Buffer.alloc(32, 7) }]);
      await expect(read(sameIdOtherBytes)).rejects.toThrow(/key "test1".*wrong SECRETS_KEY/);
      expect((await read(testKeys('test1')))?.secret).toBe(SECRET);
    });

    test('keys rotate: a new current key reads the old data; resealing moves the secrets to it', async () => {
      const store = getStore();
      const created = await store.createDevice(device, T0);
      await seedOwnerAndInvite(store);
      await withStore(factory().reopen(testKeys('test2', 'test1')), async (s) => {
        expect(await loginWorks(s)).toBe(true);
        expect((await s.deviceByBindCode(BIND))?.id).toBe(created.id);
        // Secrets move; the bind code and the unredeemed invite stay hashed under test1.
        expect(await s.resealSecrets()).toEqual({ converted: 1, codesUnderOldKeys: 2 });
        expect(await s.resealSecrets()).toEqual({ converted: 0, codesUnderOldKeys: 2 });
        // Codes made now use the new key.
        await s.createDevice({ ...device, deviceName: 'bed-2', bindCode: 'BINDNEW001' }, T0);
      });
      await withStore(factory().reopen(testKeys('test2')), async (s) => {
        expect(await loginWorks(s)).toBe(true); // the old key is no longer needed for secrets
        expect((await s.deviceByBindCode('BINDNEW001'))?.id).toBe('pk0000test1/bed-2');
        // …but a code hashed under a retired key is not found: why resealing reports them.
        expect(await s.deviceByBindCode(BIND)).toBeUndefined();
      });
    });

    /** An owner with a patient, and a device and an invite as an older version stored them (plain). */
    async function seedLegacyData(): Promise<void> {
      const store = getStore();
      const owner = await store.userForOpenid('o', 'owner', T0);
      await store.createPatient(patient, owner.id);
      await factory().seedLegacy(
        { ...device, createdAt: T0 },
        { code: INVITE, patientId: 'p1', createdBy: owner.id, createdAt: T0, expiresAt: T0 + 86_400_000 },
      );
    }

    test('data stored in plain text by an older version is converted and keeps working', async () => {
      await seedLegacyData();
      expect(await factory().raw()).toContain(SECRET); // really stored plain
      await withStore(factory().reopen(testKeys()), async (s) => {
        await s.resealSecrets();
        const raw = await factory().raw();
        for (const plain of [SECRET, BIND, INVITE]) expect(raw).not.toContain(plain);
        expect(await loginWorks(s)).toBe(true);
        expect((await s.deviceByBindCode(BIND))?.id).toBe('pk0000test1/bed-1');
        const joiner = await s.userForOpenid('j', 'joiner', T0);
        expect(await s.redeemInvite(INVITE, joiner.id, T0 + 1)).toEqual({ outcome: 'joined', patientId: 'p1' });
      });
    });

    test('older plain-text data works without resealing first (converted on use)', async () => {
      await seedLegacyData();
      await withStore(factory().reopen(testKeys()), async (s) => {
        expect((await s.deviceByBindCode(BIND))?.id).toBe('pk0000test1/bed-1');
        expect(await loginWorks(s)).toBe(true);
        const joiner = await s.userForOpenid('j', 'joiner', T0);
        expect(await s.redeemInvite(INVITE, joiner.id, T0 + 1)).toEqual({ outcome: 'joined', patientId: 'p1' });
        const raw = await factory().raw();
        for (const plain of [SECRET, BIND, INVITE]) expect(raw).not.toContain(plain);
      });
    });
  });
}
