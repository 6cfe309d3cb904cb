/** Store contract: a device's firmware version and latest attributes (OTA inform, non-vital properties, tags). */
import { MAX_DEVICE_ATTRIBUTES, type Store } from '../../backend/store/types';

const device = (name: string) => ({
  productKey: 'pk0000test1',
  deviceName: name,
  secret: 's3cret-value',
  bindCode: `I${name.replace(/\W/g, '').toUpperCase()}`.padEnd(10, '0').slice(0, 10),
});

export function runDeviceInfoContract(store: () => Store): void {
  describe('device info', () => {
    test('a new device has no firmware version and no attributes', async () => {
      const d = await store().createDevice(device('info-1'), 1000);
      const s = await store().deviceStatus(d.id);
      expect(s?.firmwareVersion).toBeUndefined();
      expect(s?.attributes).toBeUndefined();
    });

    test('firmware version and attributes are kept, merged per key, and listed', async () => {
      const d = await store().createDevice(device('info-2'), 1000);
      await store().updateDeviceInfo([
        { deviceId: d.id, firmwareVersion: '1.0.0', at: 2000 },
        { deviceId: d.id, attributes: { MACAddress: 'AA:BB', Rssi: -60 }, at: 2001 },
      ]);
      await store().updateDeviceInfo([{ deviceId: d.id, firmwareVersion: '1.0.1', attributes: { Rssi: -55, charging: true }, at: 3000 }]);
      expect(await store().deviceStatus(d.id)).toMatchObject({ firmwareVersion: '1.0.1', attributes: { MACAddress: 'AA:BB', Rssi: -55, charging: true } });
      const listed = (await store().listDevices()).find((x) => x.id === d.id);
      expect(listed).toMatchObject({ firmwareVersion: '1.0.1', attributes: { MACAddress: 'AA:BB', Rssi: -55, charging: true } });
      // A version-only update leaves the attributes alone, and the other way round.
      await store().updateDeviceInfo([{ deviceId: d.id, attributes: { Rssi: -50 }, at: 4000 }]);
      expect(await store().deviceStatus(d.id)).toMatchObject({ firmwareVersion: '1.0.1', attributes: { MACAddress: 'AA:BB', Rssi: -50, charging: true } });
    });

    test('new keys beyond the cap are dropped; known keys still change; unknown devices are ignored', async () => {
      const d = await store().createDevice(device('info-3'), 1000);
      const many = Object.fromEntries(Array.from({ length: MAX_DEVICE_ATTRIBUTES + 5 }, (_, i) => [`p${i}`, i]));
      await store().updateDeviceInfo([
        { deviceId: d.id, attributes: many, at: 2000 },
        { deviceId: 'pk0000test1/nobody', firmwareVersion: '9', at: 2000 },
      ]);
      await store().updateDeviceInfo([{ deviceId: d.id, attributes: { p0: 'changed', extra: 1 }, at: 3000 }]);
      const attrs = (await store().deviceStatus(d.id))?.attributes ?? {};
      expect(Object.keys(attrs)).toHaveLength(MAX_DEVICE_ATTRIBUTES);
      expect(attrs.p0).toBe('changed');
      expect(attrs.extra).toBeUndefined();
      expect(await store().getDevice('pk0000test1/nobody')).toBeUndefined();
    });
  });
}
