/**
 * Runs the cloud functions in a worker thread and invokes them by message. Every call settles: if
 * the worker dies, its pending calls resolve to UNAVAILABLE (the broker then does not acknowledge
 * the messages involved, and devices resend them) and a new worker is started.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { err, ErrorCode, type Result } from '../../core';
import type { FunctionContext } from '../../backend/runtime/context';
import type { BackendEvent, Logger } from '../../backend/runtime/deps';
import type { DeviceControl } from '../../backend/runtime/control';
import type { CloudFunction } from '../../backend/runtime/handler';
import { invokeByName } from '../stack/functions';
import type { FromWorker, RunnerConfig, ToWorker } from './protocol';

/** Where the local host runs functions: in a worker thread, or in-process. */
export interface FunctionRunner {
  /** Names of the functions it serves. */
  names: readonly string[];
  invoke(name: string, event: unknown, context: FunctionContext): Promise<Result<unknown>>;
  /** Calls waiting for their answer (0 when idle: the fuzz test checks nothing leaks). */
  pendingCalls(): number;
  /** Stops the worker after the calls in flight; safe to call twice. */
  close(): Promise<void>;
}

export async function createWorkerRunner(
  config: RunnerConfig,
  log: Logger,
  onEvent?: (e: BackendEvent) => void,
  control?: DeviceControl,
): Promise<FunctionRunner> {
  const pending = new Map<number, (r: Result<unknown>) => void>();
  let nextId = 1;
  let worker: Worker;
  let names: string[] = [];
  let closing: Promise<void> | undefined;

  function spawn(): Promise<void> {
    return new Promise((resolve, reject) => {
      const w = new Worker(join(__dirname, 'worker-entry.js'), { workerData: config });
      worker = w;
      w.on('message', (m: FromWorker) => {
        if (m.type === 'ready') {
          names = m.names;
          resolve();
        } else if (m.type === 'log') log.record(m.record);
        else if (m.type === 'event') onEvent?.(m.event);
        else if (m.type === 'control') {
          const answer = control ? control.request(m.deviceId, m.request, m.timeoutMs) : Promise.resolve({ status: 'timeout' as const, offline: true });
          void answer.then((outcome) => w.postMessage({ type: 'control-result', id: m.id, outcome } satisfies ToWorker));
        } else if (m.type === 'result') {
          pending.get(m.id)?.(m.result);
          pending.delete(m.id);
        }
      });
      w.on('error', (e) => {
        log.warn(`function worker failed: ${e.message}`);
        reject(e);
      });
      w.on('exit', (code) => {
        for (const settle of pending.values()) settle(err(ErrorCode.Unavailable, 'function worker stopped'));
        pending.clear();
        if (!closing && code !== 0) {
          log.warn(`function worker exited with code ${code}; restarting`);
          void spawn().catch(() => undefined);
        }
      });
    });
  }

  await spawn();
  return {
    get names() {
      return names;
    },
    pendingCalls: () => pending.size,
    invoke(name, event, context) {
      if (closing) return Promise.resolve(err(ErrorCode.Unavailable, 'shutting down'));
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        try {
          worker.postMessage({ type: 'invoke', id, name, event, context } satisfies ToWorker);
        } catch (e) {
          // An event that cannot be copied to the worker (too deeply nested): answered, not leaked.
          pending.delete(id);
          resolve(err(ErrorCode.BadRequest, `the event cannot be passed to the function: ${(e as Error).message}`));
        }
      });
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        const done = () => resolve();
        worker.once('exit', done);
        worker.on('message', (m: FromWorker) => {
          if (m.type === 'closed') void worker.terminate();
        });
        // Calls already posted are answered before the close message is read (messages are ordered).
        worker.postMessage({ type: 'close' } satisfies ToWorker);
      });
      return closing;
    },
  };
}

/** Runs the functions on the calling thread (tests, and hosts that need no isolation). */
export function createInlineRunner(functions: Record<string, CloudFunction>): FunctionRunner {
  return {
    names: Object.keys(functions),
    invoke: (name, event, context) => invokeByName(functions, name, event, context),
    pendingCalls: () => 0,
    close: async () => undefined,
  };
}
