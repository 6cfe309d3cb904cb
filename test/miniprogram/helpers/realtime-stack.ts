/**
 * A real stack per test for the mini program's realtime client: the broker's WebSocket listener,
 * the functions over HTTP, `wx.connectSocket` stand-ins and fake timers, all closed after each test.
 */
import type { MqttClient } from 'mqtt';
import type { Result } from '../../../core';
import type { RealtimeCredentials } from '../../../core/api';
import { createRealtimeClient, type RealtimeClientWithStats, type RealtimeEvent, type RealtimeOptions } from '../../../miniprogram/services/realtime';
import { functionClient } from '../../helpers/http';
import { endAll, useStack } from '../../helpers/stack';
import { createTimers } from './timers';
import { createWxSockets } from './wx-socket';

export function useRealtimeStack() {
  let wx: ReturnType<typeof createWxSockets> | undefined;
  let timers: ReturnType<typeof createTimers> | undefined;
  /** Device connections to end after the test. */
  const devices: MqttClient[] = [];
  const clients: RealtimeClientWithStats[] = [];
  const during = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('the realtime stack exists only while a test runs');
    return v;
  };

  beforeEach(() => {
    wx = createWxSockets();
    timers = createTimers();
  });
  // Declared before useStack's, so it runs first: clients and devices end while the stack is up.
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.stop()));
    timers?.clearAll();
    wx?.closeAll();
    await endAll(devices.splice(0));
  });
  const stack = useStack();

  const fx = {
    get stack() {
      return stack();
    },
    get wx() {
      return during(wx);
    },
    get timers() {
      return during(timers);
    },
    devices,
    ...functionClient(() => stack().ports.http),
    /** A realtime client on the stand-in sockets, stopped after the test; `events` collects what it says. */
    realtime(credentials: () => Promise<Result<RealtimeCredentials>>, extra: Partial<RealtimeOptions> = {}) {
      const client = createRealtimeClient({
        connectSocket: fx.wx.connectSocket,
        url: `ws://127.0.0.1:${fx.stack.ports.mqttWs}/mqtt`,
        credentials,
        now: Date.now,
        timer: fx.timers,
        backoffInitialMs: 50,
        ...extra,
      });
      clients.push(client);
      const events: RealtimeEvent[] = [];
      client.on((e) => events.push(e));
      return { client, events };
    },
  };
  return fx;
}
