/**
 * The cloud functions the local host serves, each built once with shared dependencies.
 *
 * The imports name `index.ts` explicitly: `npm run build` writes the CloudBase bundle to
 * `index.js` beside it, and an extensionless import would load that bundle instead of the source.
 */
import { err, ErrorCode, type Result } from '../../core';
import { createSessionService } from '../../backend/auth/sessions';
import { createUserCredentials } from '../../backend/mqtt-policy/user-credentials';
import { createMqttPolicy } from '../../backend/mqtt-policy';
import type { FunctionContext } from '../../backend/runtime/context';
import type { CloudFunction } from '../../backend/runtime/handler';
import type { FunctionDeps } from '../../backend/runtime/deps';
import * as alerts from '../../cloudfunctions/alerts/index.ts';
import * as auth from '../../cloudfunctions/auth/index.ts';
import * as broker from '../../cloudfunctions/broker/index.ts';
import * as command from '../../cloudfunctions/command/index.ts';
import * as devices from '../../cloudfunctions/devices/index.ts';
import * as history from '../../cloudfunctions/history/index.ts';
import * as ingest from '../../cloudfunctions/ingest/index.ts';
import * as patients from '../../cloudfunctions/patients/index.ts';
import * as realtime from '../../cloudfunctions/realtime/index.ts';

export function buildFunctions(deps: FunctionDeps): Record<string, CloudFunction> {
  return {
    alerts: alerts.createHandler(deps),
    auth: auth.createHandler(deps),
    broker: broker.createHandler(deps),
    command: command.createHandler(deps),
    devices: devices.createHandler(deps),
    history: history.createHandler(deps),
    ingest: ingest.createHandler(deps),
    patients: patients.createHandler(deps),
    realtime: realtime.createHandler(deps),
  };
}

/**
 * The functions as the local host runs them (in its worker thread or in-process): with the local
 * sign-in, real-time credentials and the MQTT policy, all keyed by the host's secret.
 */
export function buildLocalFunctions(deps: Omit<FunctionDeps, 'sessions' | 'realtime' | 'mqttPolicy'> & { secret: string }): Record<string, CloudFunction> {
  const { secret, ...rest } = deps;
  // Without a broker API, alerts are published by asking the host (its embedded broker) through `notify`.
  const notify = rest.notify;
  const alerts =
    rest.alerts ?? (rest.broker || !notify ? undefined : { publish: async (topic: string, payload: string) => notify({ type: 'publish', topic, payload }) });
  return buildFunctions({
    ...rest,
    alerts,
    sessions: createSessionService({ store: deps.store, secret }),
    realtime: createUserCredentials(secret),
    mqttPolicy: createMqttPolicy({ store: deps.store, now: deps.now, secret }),
  });
}

/** Calls the named function, or answers NOT_FOUND for a name that is not one. */
export function invokeByName(functions: Record<string, CloudFunction>, name: string, event: unknown, context: FunctionContext): Promise<Result<unknown>> {
  const fn = Object.hasOwn(functions, name) ? functions[name] : undefined;
  return fn ? fn(event, context) : Promise.resolve(err(ErrorCode.NotFound, `no function named ${name}`));
}
