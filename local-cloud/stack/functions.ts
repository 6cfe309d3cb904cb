/** The cloud functions the local host serves, each built once with shared dependencies. */
import type { CloudFunction } from '../../backend/runtime/handler';
import type { FunctionDeps } from '../../backend/runtime/deps';
import * as devices from '../../cloudfunctions/devices';
import * as history from '../../cloudfunctions/history';
import * as ingest from '../../cloudfunctions/ingest';

export function buildFunctions(deps: FunctionDeps): Record<string, CloudFunction> {
  return {
    devices: devices.createHandler(deps),
    history: history.createHandler(deps),
    ingest: ingest.createHandler(deps),
  };
}
