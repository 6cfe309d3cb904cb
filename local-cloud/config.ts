/** `npm start` settings from environment variables, with defaults and clear errors. */
import { resolve } from 'node:path';
import { emqxOptionsFromEnv, type EmqxBrokerApiOptions } from '../backend/broker-api/emqx';

export interface StartConfig {
  mqttPort: number;
  mqttWsPort: number;
  /** `MQTT_TLS_PORT`: MQTT over TLS, default 8883; `off` = no TLS listener. */
  mqttTlsPort?: number;
  /** `MQTT_TLS_CERT` / `MQTT_TLS_KEY`: PEM files; unset = a self-signed pair in `$DATA_DIR/tls/` (local use). */
  mqttTlsCert?: string;
  mqttTlsKey?: string;
  httpPort: number;
  /** `HOST`: interface of the function host (local sign-in!). Default `127.0.0.1`. */
  host: string;
  /** `MQTT_HOST`: interface of the broker (TCP and WebSocket), reachable by devices. Default `0.0.0.0`. */
  mqttHost: string;
  /** `HTTP_ALLOWED_HOSTS`: comma-separated host names (besides IP addresses and `localhost`) requests may name. */
  allowedHosts: string[];
  dataDir: string;
  demoDevices: number;
  demoIntervalS: number;
  /** SQLite durability: `full` (default) survives power loss, `normal` only a process crash. */
  synchronous: 'full' | 'normal';
  /**
   * `BROKER`: unset (default) — the embedded broker; `emqx` — an external EMQX, reached through its
   * REST API (`EMQX_API_URL`, `EMQX_API_KEY`, `EMQX_API_SECRET`, `EMQX_API_TIMEOUT_MS`).
   */
  emqx?: EmqxBrokerApiOptions;
}

export class ConfigError extends Error {
  readonly code = 'CONFIG';
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name}=${raw} is invalid: expected a whole number from ${min} to ${max}`);
  return n;
}

function sync(raw: string | undefined): 'full' | 'normal' {
  if (raw === undefined || raw === '' || raw === 'full') return 'full';
  if (raw === 'normal') return 'normal';
  throw new ConfigError(`SQLITE_SYNC=${raw} is invalid: expected full or normal`);
}

function broker(env: NodeJS.ProcessEnv): EmqxBrokerApiOptions | undefined {
  const kind = env.BROKER?.trim();
  if (!kind || kind === 'embedded') return undefined;
  if (kind !== 'emqx') throw new ConfigError(`BROKER=${kind} is invalid: expected emqx (or unset for the embedded broker)`);
  try {
    return emqxOptionsFromEnv(env);
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): StartConfig {
  const emqx = broker(env);
  return {
    ...(emqx ? { emqx } : {}),
    mqttPort: int(env, 'MQTT_PORT', 1883, 0, 65535),
    mqttWsPort: int(env, 'MQTT_WS_PORT', 8083, 0, 65535),
    ...(env.MQTT_TLS_PORT === 'off' ? {} : { mqttTlsPort: int(env, 'MQTT_TLS_PORT', 8883, 0, 65535) }),
    ...(env.MQTT_TLS_CERT ? { mqttTlsCert: resolve(env.MQTT_TLS_CERT) } : {}),
    ...(env.MQTT_TLS_KEY ? { mqttTlsKey: resolve(env.MQTT_TLS_KEY) } : {}),
    httpPort: int(env, 'HTTP_PORT', 3000, 0, 65535),
    host: env.HOST || '127.0.0.1',
    mqttHost: env.MQTT_HOST || '0.0.0.0',
    allowedHosts: (env.HTTP_ALLOWED_HOSTS ?? '')
      .split(',')
      .map((h) => h.trim())
      .filter(Boolean),
    dataDir: resolve(env.DATA_DIR || './data'),
    demoDevices: int(env, 'DEMO_DEVICES', 3, 0, 1000),
    demoIntervalS: int(env, 'DEMO_INTERVAL_S', 5, 1, 3600),
    synchronous: sync(env.SQLITE_SYNC),
  };
}
