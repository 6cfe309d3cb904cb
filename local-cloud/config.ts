/** `npm start` settings from environment variables, with defaults and clear errors. */
import { resolve } from 'node:path';

export interface StartConfig {
  mqttPort: number;
  mqttWsPort: number;
  httpPort: number;
  host: string;
  dataDir: string;
  demoDevices: number;
  demoIntervalS: number;
  /** SQLite durability: `full` (default) survives power loss, `normal` only a process crash. */
  synchronous: 'full' | 'normal';
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

export function readConfig(env: NodeJS.ProcessEnv = process.env): StartConfig {
  return {
    mqttPort: int(env, 'MQTT_PORT', 1883, 0, 65535),
    mqttWsPort: int(env, 'MQTT_WS_PORT', 8083, 0, 65535),
    httpPort: int(env, 'HTTP_PORT', 3000, 0, 65535),
    host: env.HOST || '0.0.0.0',
    dataDir: resolve(env.DATA_DIR || './data'),
    demoDevices: int(env, 'DEMO_DEVICES', 3, 0, 1000),
    demoIntervalS: int(env, 'DEMO_INTERVAL_S', 5, 1, 3600),
    synchronous: sync(env.SQLITE_SYNC),
  };
}
