/**
 * The embedded BrokerApi against the real aedes broker of a local stack on ephemeral ports, with
 * real mqtt.js clients logging in as devices (Alink) and as people (short-lived credentials).
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { buildLogin, type DeviceCredentials, topics } from '../../core/alink';
import { createEmbeddedBrokerApi } from '../../local-cloud/broker/broker-api';
import { functionClient } from '../helpers/http';
import { createDevice, startStack, tempDir } from '../helpers/stack';
import { until } from '../helpers/until';
import { type ContractClient, type ContractMessage, runBrokerApiContract } from './contract';

/** Connects and resolves with the client and CONNACK's session-present flag. */
function connectRaw(url: string, opts: IClientOptions): Promise<{ client: MqttClient; sessionPresent: boolean }> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5000, protocolVersion: 4, ...opts });
    client.once('connect', (connack) => resolve({ client, sessionPresent: connack.sessionPresent }));
    client.once('error', (e) => {
      client.end(true);
      reject(e);
    });
  });
}

function wrap(client: MqttClient, clientId: string, sessionPresent: boolean): ContractClient {
  const received: ContractMessage[] = [];
  client.on('message', (topic, payload, packet) => received.push({ topic, payload: payload.toString('utf8'), retain: packet.retain }));
  const closed = new Promise<void>((r) => client.once('close', () => r()));
  return {
    clientId,
    sessionPresent,
    subscribe: (topic, qos) =>
      new Promise((resolve, reject) =>
        client.subscribe(topic, { qos }, (e, granted) =>
          e ? reject(e) : granted?.[0]?.qos === 128 ? reject(new Error(`subscription to ${topic} refused`)) : resolve(),
        ),
      ),
    messages: () => received,
    connected: () => client.connected,
    closed,
    end: async () => {
      await client.endAsync();
      await closed;
    },
  };
}

async function deviceStack() {
  const dir = tempDir();
  const stack = await startStack(dir.path);
  const devices = [await createDevice(stack), await createDevice(stack)];
  const clients: MqttClient[] = [];
  const url = `mqtt://127.0.0.1:${stack.ports.mqtt}`;
  /** A device login whose client id is `{label}|securemode=3,signmethod=hmacsha256|`. */
  const connectDevice = async (creds: DeviceCredentials, label: string, clean = true) => {
    const login = buildLogin(creds, { id: label });
    const { client, sessionPresent } = await connectRaw(url, { ...login, clean });
    clients.push(client);
    return wrap(client, login.clientId, sessionPresent);
  };
  const close = async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await stack.close();
    dir.remove();
  };
  return { stack, devices, connectDevice, close };
}

runBrokerApiContract('embedded aedes broker', {
  async open() {
    const { stack, devices, connectDevice, close } = await deviceStack();
    return {
      api: createEmbeddedBrokerApi(stack.broker),
      usernames: [buildLogin(devices[0]).username, buildLogin(devices[1]).username],
      topic: topics.service(devices[0], 'BrokerApiContract'),
      quietTopic: topics.service(devices[0], 'Nobody'),
      connect: (who, label, clean) => connectDevice(devices[who], label, clean),
      close,
    };
  },
});

describe('embedded BrokerApi', () => {
  let env: Awaited<ReturnType<typeof deviceStack>>;
  beforeEach(async () => {
    env = await deviceStack();
  });
  afterEach(async () => {
    await env.close();
  });

  test('device user names with "&" are matched exactly, and a second session of a device is listed too', async () => {
    const api = createEmbeddedBrokerApi(env.stack.broker);
    const [d] = env.devices;
    const one = await env.connectDevice(d, 'chip-1');
    const two = await env.connectDevice(d, 'chip-2');
    expect(await api.clientsOf(`${d.deviceName}&${d.productKey}`)).toEqual([one.clientId, two.clientId]);
    expect(await api.clientsOf(`${d.deviceName}&`)).toEqual([]);
    expect(await api.clientsOf(d.deviceName)).toEqual([]);
  });

  test('a command published through the API reaches the device on its property/set topic', async () => {
    const api = createEmbeddedBrokerApi(env.stack.broker);
    const [d] = env.devices;
    const dev = await env.connectDevice(d, 'dev');
    await dev.subscribe(topics.propertySet(d), 1);
    const payload = JSON.stringify({ id: 'c1', version: '1.0', method: 'thing.service.property.set', params: { MeasureEnabled: 0 } });
    await api.publish(topics.propertySet(d), payload);
    await until(() => dev.messages().length > 0, 'the command');
    expect(dev.messages()).toEqual([{ topic: topics.propertySet(d), payload, retain: false }]);
  });

  test("a person's sessions (user:{id}, over WebSocket) are listed and kicked by user name", async () => {
    const api = createEmbeddedBrokerApi(env.stack.broker);
    const { data, login } = functionClient(() => env.stack.ports.http);
    const token = await login('alice');
    const creds = (await data('realtime', { action: 'credentials' }, token)) as { clientId: string; username: string; password: string };
    expect(creds.username).toMatch(/^user:/);
    const { client } = await connectRaw(`ws://127.0.0.1:${env.stack.ports.mqttWs}/mqtt`, {
      clientId: creds.clientId,
      username: creds.username,
      password: creds.password,
    });
    const person = wrap(client, creds.clientId, false);
    try {
      expect(await api.clientsOf(creds.username)).toEqual([creds.clientId]);
      await api.kick(await api.clientsOf(creds.username));
      await person.closed;
      expect(await api.clientsOf(creds.username)).toEqual([]);
    } finally {
      client.end(true);
    }
  });

  test('a closed broker: publish is BROKER_UNAVAILABLE, nobody is connected, kick has nothing to do', async () => {
    const api = createEmbeddedBrokerApi(env.stack.broker);
    const [d] = env.devices;
    await env.connectDevice(d, 'dev');
    await env.stack.broker.close();
    await expect(api.publish(topics.propertySet(d), '{}')).rejects.toMatchObject({
      code: 'BROKER_UNAVAILABLE',
      message: expect.stringMatching(/embedded publish.*closed/),
    });
    expect(await api.clientsOf(`${d.deviceName}&${d.productKey}`)).toEqual([]);
    await expect(api.kick(['x'])).resolves.toBeUndefined();
  });

  test('a QoS outside 0/1 is BROKER_REJECTED before anything is sent', async () => {
    const api = createEmbeddedBrokerApi(env.stack.broker);
    await expect(api.publish(topics.propertySet(env.devices[0]), '{}', { qos: 2 as unknown as 1 })).rejects.toMatchObject({ code: 'BROKER_REJECTED' });
  });
});
