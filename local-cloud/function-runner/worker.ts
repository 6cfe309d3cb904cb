/**
 * The function runner's worker: owns its own connection to the SQLite file and runs the cloud
 * functions there, so storage work (ingest batches, history scans) does not share a thread with
 * the broker — as on CloudBase, where functions run apart from the IoT platform.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { err, ErrorCode } from '../../core';
import { createLogger } from '../../backend/runtime/deps';
import { createSqliteStore } from '../../backend/store/sqlite';
import { secretKeysFromEnv } from '../../backend/secret-box/key-file';
import { buildLocalFunctions, invokeByName } from '../stack/functions';
import type { FromWorker, RunnerConfig, ToWorker } from './protocol';
import type { CommandOutcome } from '../../backend/runtime/control';

function start(port: NonNullable<typeof parentPort>, config: RunnerConfig): void {
  const post = (m: FromWorker) => port.postMessage(m);
  // The same key ring as the main thread (a worker sees the process's environment).
  const log = createLogger({ sink: (record) => post({ type: 'log', record }) });
  const store = createSqliteStore({
    dataDir: config.dataDir,
    synchronous: config.synchronous,
    keys: secretKeysFromEnv(process.env, config.dataDir),
    // This worker is the file's one busy writer: its commits should not pay for checkpoints
    // (backend/store/sqlite/background-checkpoints).
    backgroundCheckpoints: { onError: (e) => log.warn(e.message) },
  });
  const controlWaiters = new Map<number, (o: CommandOutcome) => void>();
  let nextControlId = 1;
  const functions = buildLocalFunctions({
    store,
    now: Date.now,
    log,
    secret: config.sessionSecret,
    notify: (event) => post({ type: 'event', event }),
    control: {
      request: (deviceId, request, timeoutMs) =>
        new Promise<CommandOutcome>((resolve) => {
          const id = nextControlId++;
          controlWaiters.set(id, resolve);
          post({ type: 'control', id, deviceId, request, timeoutMs });
        }),
    },
  });
  let inFlight = 0;
  let closeRequested = false;
  const closeWhenIdle = () => {
    if (closeRequested && inFlight === 0) void store.close().then(() => post({ type: 'closed' }));
  };
  port.on('message', (m: ToWorker) => {
    if (m.type === 'control-result') {
      controlWaiters.get(m.id)?.(m.outcome);
      controlWaiters.delete(m.id);
      return;
    }
    if (m.type === 'close') {
      closeRequested = true;
      return closeWhenIdle();
    }
    inFlight++;
    invokeByName(functions, m.name, m.event, m.context)
      .then(
        (result) => post({ type: 'result', id: m.id, result }),
        () => post({ type: 'result', id: m.id, result: err(ErrorCode.Internal, 'internal error') }),
      )
      .finally(() => {
        inFlight--;
        closeWhenIdle();
      });
  });
  post({ type: 'ready', names: Object.keys(functions) });
}

if (parentPort) start(parentPort, workerData as RunnerConfig);
