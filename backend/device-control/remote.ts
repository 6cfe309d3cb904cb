/**
 * Commands to devices through an external broker (EMQX): publish the request through the broker's
 * API, then wait for the device's reply to reach storage. The reply arrives at the broker's webhook
 * — another function instance, perhaps another machine — which records it (`recordCommandReply`);
 * this side looks for it with growing pauses until the command's time is up.
 *
 * Whether the device is connected the broker says (its sessions by the device's user name), so a
 * command to an offline device answers at once instead of waiting out its timeout.
 */
import { AppError, ErrorCode } from '../../core';
import { type DeviceRef, deviceUsername, parseDeviceId } from '../../core/alink';
import type { BrokerApi } from '../broker-api/types';
import type { CommandOutcome, DeviceControl, DeviceRequest } from '../runtime/control';
import type { Store } from '../store/types';
import { newMessageId, requestMessage } from './messages';

export interface RemoteControlOptions {
  broker: BrokerApi;
  store: Store;
  now: () => number;
  /** Waits between looks for the reply. Default: a real timer. */
  sleep?: (ms: number) => Promise<void>;
  /** First pause between looks, ms; it doubles up to `maxPollMs`. Default 100. */
  pollMs?: number;
  /** Longest pause between looks, ms. Default 1000. */
  maxPollMs?: number;
  /** New Alink message ids. Default: random decimal ids (messages.ts). */
  newId?: () => string;
}

export function createRemoteDeviceControl(opts: RemoteControlOptions): DeviceControl {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const firstPoll = opts.pollMs ?? 100;
  const maxPoll = opts.maxPollMs ?? 1000;
  const newId = opts.newId ?? newMessageId;

  /** Whether the device has a session now: the broker knows best, and asking it costs no database read. */
  async function connected(ref: DeviceRef): Promise<boolean> {
    try {
      return (await opts.broker.clientsOf(deviceUsername(ref))).length > 0;
    } catch (e) {
      throw new AppError(ErrorCode.Unavailable, `the broker could not be asked about the device: ${(e as Error).message}`);
    }
  }

  return {
    async request(deviceId: string, req: DeviceRequest, timeoutMs: number): Promise<CommandOutcome> {
      const ref = parseDeviceId(deviceId);
      if (!ref || !(await connected(ref))) return { status: 'timeout', offline: true };
      const id = newId();
      const { topic, payload } = requestMessage(ref, req, id);
      const deadline = opts.now() + timeoutMs;
      try {
        await opts.broker.publish(topic, payload, { qos: 1 });
      } catch (e) {
        throw new AppError(ErrorCode.Unavailable, `the broker did not take the command: ${(e as Error).message}`);
      }
      let pause = firstPoll;
      for (;;) {
        const reply = await opts.store.commandReply(deviceId, id);
        if (reply) {
          return reply.code === 200 ? { status: 'acked', data: reply.data } : { status: 'rejected', code: reply.code, message: reply.message ?? 'rejected' };
        }
        const left = deadline - opts.now();
        if (left <= 0) return { status: 'timeout', offline: false };
        await sleep(Math.min(pause, left));
        pause = Math.min(pause * 2, maxPoll);
      }
    },
  };
}
