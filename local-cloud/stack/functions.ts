/**
 * The cloud functions the local host serves, each built once with shared dependencies.
 *
 * The imports name `index.ts` explicitly: `npm run build` writes the CloudBase bundle to
 * `index.js` beside it, and an extensionless import would load that bundle instead of the source.
 */
import type { CloudFunction } from '../../backend/runtime/handler';
import type { FunctionDeps } from '../../backend/runtime/deps';
import * as auth from '../../cloudfunctions/auth/index.ts';
import * as command from '../../cloudfunctions/command/index.ts';
import * as devices from '../../cloudfunctions/devices/index.ts';
import * as history from '../../cloudfunctions/history/index.ts';
import * as ingest from '../../cloudfunctions/ingest/index.ts';
import * as patients from '../../cloudfunctions/patients/index.ts';
import * as realtime from '../../cloudfunctions/realtime/index.ts';

export function buildFunctions(deps: FunctionDeps): Record<string, CloudFunction> {
  return {
    auth: auth.createHandler(deps),
    command: command.createHandler(deps),
    devices: devices.createHandler(deps),
    history: history.createHandler(deps),
    ingest: ingest.createHandler(deps),
    patients: patients.createHandler(deps),
    realtime: realtime.createHandler(deps),
  };
}
