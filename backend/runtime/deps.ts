/** What a function needs from the outside world, built by its host and passed in. */
import type { Store } from '../store/types';
import type { SessionService } from '../auth/sessions';
import type { UserCredentials } from '../mqtt-policy/user-credentials';
import type { DeviceControl } from './control';
import type { BrokerApi } from '../broker-api/types';
import type { MqttPolicy } from '../mqtt-policy';
import type { AlertHostDeps } from '../alerts';
import type { Logger } from './logger';

export { createLogger, createMemoryLogger, type Logger, type LoggerOptions } from './logger';

/** Something other parts of the backend must react to (the broker re-checks open sessions). */
export type BackendEvent =
  | { type: 'access-changed'; userIds: string[] }
  /** A device was disabled or its secret rotated: its open MQTT sessions must end now. */
  | { type: 'device-revoked'; deviceId: string }
  /** Publish on a topic through the host's embedded broker (alerts on the local stack). */
  | { type: 'publish'; topic: string; payload: string };

export interface FunctionDeps {
  store: Store;
  /** Current time in ms since the epoch. */
  now: () => number;
  log: Logger;
  /** Local sign-in sessions; absent on CloudBase, where the platform identifies the caller. */
  sessions?: SessionService;
  /** Issues short-lived MQTT credentials for people. */
  realtime?: UserCredentials;
  /** Commands to devices through the broker. */
  control?: DeviceControl;
  /**
   * Tells the rest of the backend about changes it must act on. Awaited: on CloudBase the function
   * ends when its answer is sent, so the reaction (disconnecting people through the broker) must
   * be done by then.
   */
  notify?: (event: BackendEvent) => void | Promise<void>;
  /** Publishing and disconnecting through the broker from outside it (an external broker's API). */
  broker?: BrokerApi;
  /** The MQTT login and topic policy, for a broker that asks over HTTP (`broker` function). */
  mqttPolicy?: MqttPolicy;
  /** Settings of the broker's webhook (`broker.webhook`). */
  brokerHook?: { maxEventAgeMs?: number };
  /** How alerts are published and sent (backend/alerts); absent: from the environment. */
  alerts?: AlertHostDeps;
}
