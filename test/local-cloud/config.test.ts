import { resolve } from 'node:path';
import { readConfig } from '../../local-cloud/config';

describe('npm start settings', () => {
  test('defaults', () => {
    expect(readConfig({})).toEqual({
      mqttPort: 1883,
      mqttWsPort: 8083,
      mqttTlsPort: 8883,
      httpPort: 3000,
      host: '127.0.0.1',
      mqttHost: '0.0.0.0',
      allowedHosts: [],
      dataDir: resolve('./data'),
      demoDevices: 3,
      demoIntervalS: 5,
      synchronous: 'full',
    });
  });

  test.each([
    [{ MQTT_PORT: 'abc' }, /MQTT_PORT=abc is invalid/],
    [{ HTTP_PORT: '70000' }, /HTTP_PORT=70000 is invalid/],
    [{ DEMO_DEVICES: '-1' }, /DEMO_DEVICES=-1 is invalid/],
    [{ DEMO_INTERVAL_S: '0' }, /DEMO_INTERVAL_S=0 is invalid/],
    [{ SQLITE_SYNC: 'off' }, /SQLITE_SYNC=off is invalid/],
  ])('rejects %j with a clear message', (env, message) => {
    expect(() => readConfig(env)).toThrow(message);
  });

  test('the function host binds loopback by default; the broker and allowed host names are separate settings', () => {
    expect(readConfig({ HOST: '0.0.0.0', MQTT_HOST: '192.168.1.5', HTTP_ALLOWED_HOSTS: 'monitor.lan, pc.local' })).toMatchObject({
      host: '0.0.0.0',
      mqttHost: '192.168.1.5',
      allowedHosts: ['monitor.lan', 'pc.local'],
    });
  });

  test('MQTT over TLS: a port, off, and certificate files', () => {
    expect(readConfig({ MQTT_TLS_PORT: 'off' }).mqttTlsPort).toBeUndefined();
    expect(readConfig({ MQTT_TLS_PORT: '0', MQTT_TLS_CERT: '/etc/c.pem', MQTT_TLS_KEY: '/etc/k.pem' })).toMatchObject({
      mqttTlsPort: 0,
      mqttTlsCert: '/etc/c.pem',
      mqttTlsKey: '/etc/k.pem',
    });
    expect(() => readConfig({ MQTT_TLS_PORT: 'x' })).toThrow(/MQTT_TLS_PORT=x is invalid/);
  });

  test('reads overrides', () => {
    expect(readConfig({ MQTT_PORT: '0', DEMO_DEVICES: '0', DATA_DIR: '/tmp/x', SQLITE_SYNC: 'normal' })).toMatchObject({
      mqttPort: 0,
      demoDevices: 0,
      dataDir: '/tmp/x',
      synchronous: 'normal',
    });
  });
});
