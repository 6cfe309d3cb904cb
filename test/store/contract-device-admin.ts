/** Store contract: operators disable and re-enable a device and rotate its secret. */
import type { Store } from '../../backend/store/types';

const device = (name: string) => ({
  productKey: 'pk0000test1',
  deviceName: name,
  secret: 'first-secret',
  bindCode: `A${name.replace(/\W/g, '').toUpperCase()}`.padEnd(10, '0').slice(0, 10),
});

export function runDeviceAdminContract(store: () => Store): void {
  describe('device administration', () => {
    test('a device is enabled until disabled; disabling again keeps the first time; enabling clears it', async () => {
      const d = await store().createDevice(device('admin-1'), 1000);
      expect(await store().deviceDisabledAt(d.id)).toBeUndefined();
      expect(await store().setDeviceDisabled(d.id, true, 2000)).toBe(true);
      expect(await store().deviceDisabledAt(d.id)).toBe(2000);
      expect((await store().getDevice(d.id))?.disabledAt).toBe(2000); // what the login check reads
      expect(await store().setDeviceDisabled(d.id, true, 3000)).toBe(true);
      expect(await store().deviceDisabledAt(d.id)).toBe(2000);
      expect(await store().setDeviceDisabled(d.id, false, 4000)).toBe(true);
      expect(await store().deviceDisabledAt(d.id)).toBeUndefined();
      // The rest of the device is untouched.
      expect(await store().getDevice(d.id)).toMatchObject({ secret: 'first-secret', label: '' });
      expect((await store().getDevice(d.id))?.disabledAt).toBeUndefined();
    });

    test('a rotated secret replaces the old one', async () => {
      const d = await store().createDevice(device('admin-2'), 1000);
      expect(await store().setDeviceSecret(d.id, 'second-secret')).toBe(true);
      expect((await store().getDevice(d.id))?.secret).toBe('second-secret');
      expect(await store().deviceDisabledAt(d.id)).toBeUndefined();
    });

    test('a strict login timestamp is taken once, and only if later than every one taken before', async () => {
      const d = await store().createDevice(device('strict-1'), 1000);
      const other = await store().createDevice(device('strict-2'), 1000);
      const T = 1_767_225_600_000;
      expect(await store().claimLoginTimestamp(d.id, T)).toBe(true);
      expect(await store().claimLoginTimestamp(d.id, T)).toBe(false); // a replay
      expect(await store().claimLoginTimestamp(d.id, T - 1)).toBe(false); // older
      expect(await store().claimLoginTimestamp(other.id, T)).toBe(true); // each device its own
      expect(await store().claimLoginTimestamp(d.id, T + 1)).toBe(true);
      // Racing claims of one timestamp: exactly one is taken.
      const raced = await Promise.all([0, 1, 2, 3].map(() => store().claimLoginTimestamp(d.id, T + 50)));
      expect(raced.filter(Boolean)).toHaveLength(1);
      expect(await store().claimLoginTimestamp('pk0000test1/nobody-strict', T)).toBe(false);
      // The rest of the device is untouched.
      expect(await store().getDevice(d.id)).toMatchObject({ secret: 'first-secret', label: '' });
    });

    test('a client id stays with the identity that took it until its hold ends', async () => {
      const HOLD = 7 * 86_400_000;
      const T = 1_767_225_600_000;
      const claim = (owner: string, at: number, id = 'chip-24A1603F9C1B') => store().claimClientId(id, owner, at, HOLD);
      expect(await claim('device:pk/a', T)).toBe(true);
      expect(await claim('device:pk/a', T)).toBe(true); // the same identity again, even at the same instant
      expect(await claim('device:pk/b', T + 1000)).toBe(false); // a takeover
      expect(await claim('device:pk/a', T + 2000)).toBe(true);
      expect(await claim('device:pk/b', T + 2000 + HOLD - 1)).toBe(false);
      expect(await claim('device:pk/b', T + 2000 + HOLD + 1)).toBe(true); // held no more: taken over for good
      expect(await claim('device:pk/a', T + 2000 + HOLD + 2)).toBe(false);
      // Racing identities for a free id: exactly one gets it.
      const raced = await Promise.all(['user:u1', 'user:u2', 'user:u3'].map((o) => claim(o, T, 'u1.abc123')));
      expect(raced.filter(Boolean)).toHaveLength(1);
    });

    test('existingDevices: the registered ones among many ids, over more than one query page', async () => {
      const a = await store().createDevice(device('exists-a'), 1000);
      const b = await store().createDevice(device('exists-b'), 1000);
      const unknown = Array.from({ length: 150 }, (_, k) => `pk0000test1/nobody-${k}`);
      const ids = [...unknown.slice(0, 120), a.id, ...unknown.slice(120), b.id, a.id];
      expect([...(await store().existingDevices(ids))].sort()).toEqual([a.id, b.id].sort());
      expect(await store().existingDevices([])).toEqual(new Set());
      expect(await store().existingDevices(['not a device id'])).toEqual(new Set());
    });

    test('unknown devices: false, nothing created', async () => {
      const id = 'pk0000test1/nobody-admin';
      expect(await store().setDeviceDisabled(id, true, 1000)).toBe(false);
      expect(await store().setDeviceSecret(id, 'x')).toBe(false);
      expect(await store().deviceDisabledAt(id)).toBeUndefined();
      expect(await store().getDevice(id)).toBeUndefined();
      expect(await store().setDeviceDisabled('not-an-id', true, 1000)).toBe(false);
    });
  });
}
