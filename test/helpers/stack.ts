/** Test helpers: a real stack on ephemeral ports in a temp dir, real MQTT clients. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { buildLogin, type DeviceCredentials, type LoginOptions } from '../../core/alink';
import { createMemoryLogger } from '../../backend/runtime/deps';
import { createStack, type Stack, type StackOptions } from '../../local-cloud/stack';
import type { CreatedDevice } from '../../cloudfunctions/devices/handlers/create';

export function tempDir(prefix = 'rpm-test-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export async function startStack(dataDir: string, extra: Partial<StackOptions> = {}): Promise<Stack & { log: ReturnType<typeof createMemoryLogger> }> {
  const log = createMemoryLogger();
  // Functions run in-process unless a test asks for the worker thread (test/e2e/ingest covers both).
  const stack = await createStack({ dataDir, mqttPort: 0, mqttWsPort: 0, httpPort: 0, host: '127.0.0.1', log, functionsIn: 'process', ...extra });
  return Object.assign(stack, { log });
}

/**
 * A stack in its own temp folder for each test of the calling `describe` (`per: 'all'`: one for the
 * whole block), closed and removed after it. The answer reads the current stack.
 */
export function useStack(extra: Partial<StackOptions> = {}, per: 'each' | 'all' = 'each'): () => Awaited<ReturnType<typeof startStack>> {
  let dir: ReturnType<typeof tempDir> | undefined;
  let stack: Awaited<ReturnType<typeof startStack>> | undefined;
  (per === 'each' ? beforeEach : beforeAll)(async () => {
    dir = tempDir();
    stack = await startStack(dir.path, extra);
  });
  (per === 'each' ? afterEach : afterAll)(async () => {
    await stack?.close();
    dir?.remove();
    stack = undefined;
  });
  return () => {
    if (!stack) throw new Error('the stack exists only while a test runs');
    return stack;
  };
}

export async function createDevice(stack: Stack, event: Record<string, unknown> = {}): Promise<CreatedDevice & DeviceCredentials> {
  const r = await stack.invoke('devices', { action: 'create', ...event }, { kind: 'admin' });
  if (!r.ok) throw new Error(`${r.code}: ${r.message}`);
  return r.data as CreatedDevice & DeviceCredentials;
}

/** Connects a raw MQTT client; resolves when connected, rejects with the refusal. */
export function connect(url: string, opts: IClientOptions): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5000, protocolVersion: 4, ...opts });
    c.once('connect', () => resolve(c));
    c.once('error', (e) => {
      c.end(true);
      reject(e);
    });
  });
}

export function connectDevice(stack: Stack, creds: DeviceCredentials, login: LoginOptions = {}, transport: 'tcp' | 'ws' = 'tcp') {
  const url = transport === 'tcp' ? `mqtt://127.0.0.1:${stack.ports.mqtt}` : `ws://127.0.0.1:${stack.ports.mqttWs}/mqtt`;
  return connect(url, { ...buildLogin(creds, { timestamp: Date.now(), ...login }) });
}

/** Resolves with the next message on `topic` (the client must already be subscribed). */
export function nextMessage(client: MqttClient, topic: string): Promise<string> {
  return new Promise((resolve) => {
    const on = (t: string, payload: Buffer) => {
      if (t !== topic) return;
      client.off('message', on);
      resolve(payload.toString());
    };
    client.on('message', on);
  });
}

/** Subscribes at QoS 1; resolves with the SUBACK code: the granted QoS, or 128 when refused. */
export function subscribe(client: MqttClient, topic: string): Promise<number> {
  return new Promise((resolve, reject) =>
    client.subscribe(topic, { qos: 1 }, (e, granted) => {
      // mqtt.js reports a SUBACK failure (0x80) as an error carrying the packet.
      const refused = (e as { packet?: { granted?: number[] } } | null)?.packet?.granted?.[0];
      if (refused !== undefined) return resolve(refused);
      return e ? reject(e) : resolve(granted?.[0]?.qos ?? -1);
    }),
  );
}

export function publish(client: MqttClient, topic: string, payload: string, qos: 0 | 1 = 1): Promise<void> {
  return new Promise((resolve, reject) => client.publish(topic, payload, { qos }, (e) => (e ? reject(e) : resolve())));
}

/** Resolves when the client's connection closes (e.g. the broker dropped it). */
export function closed(client: MqttClient): Promise<void> {
  return new Promise((resolve) => client.once('close', () => resolve()));
}

export async function endAll(clients: MqttClient[]): Promise<void> {
  await Promise.all(clients.map((c) => c.endAsync(true)));
}
