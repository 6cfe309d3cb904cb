/**
 * The cloud functions the local host serves, each built once with shared dependencies.
 *
 * The imports name `index.ts` explicitly: `npm run build` writes the CloudBase bundle to
 * `index.js` beside it, and an extensionless import would load that bundle instead of the source.
 */
import type { CloudFunction } from '../../backend/runtime/handler';
import type { FunctionDeps } from '../../backend/runtime/deps';
import * as devices from '../../cloudfunctions/devices/index.ts';
import * as history from '../../cloudfunctions/history/index.ts';
import * as ingest from '../../cloudfunctions/ingest/index.ts';

export function buildFunctions(deps: FunctionDeps): Record<string, CloudFunction> {
  return {
    devices: devices.createHandler(deps),
    history: history.createHandler(deps),
    ingest: ingest.createHandler(deps),
  };
}
