/** Messages between the function runner and its worker thread. */
import type { Result } from '../../core';
import type { FunctionContext } from '../../backend/runtime/context';
import type { BackendEvent } from '../../backend/runtime/deps';
import type { LogRecord } from '../../backend/runtime/logger';
import type { CommandOutcome, DeviceRequest } from '../../backend/runtime/control';

export interface RunnerConfig {
  dataDir: string;
  synchronous?: 'full' | 'normal';
  /** Signs local sign-in session tokens. */
  sessionSecret: string;
}

export type ToWorker =
  | { type: 'invoke'; id: number; name: string; event: unknown; context: FunctionContext }
  | { type: 'control-result'; id: number; outcome: CommandOutcome }
  | { type: 'close' };

export type FromWorker =
  | { type: 'ready'; names: string[] }
  | { type: 'result'; id: number; result: Result<unknown> }
  | { type: 'log'; record: LogRecord }
  | { type: 'event'; event: BackendEvent }
  /** A function asks the broker (on the main thread) to command a device. */
  | { type: 'control'; id: number; deviceId: string; request: DeviceRequest; timeoutMs: number }
  | { type: 'closed' };
