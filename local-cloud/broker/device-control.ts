/**
 * Commands to devices from the broker's side: publish a request on the device's `property/set` or
 * service topic, match the device's `_reply` by message id, and give up after a timeout. Replies to
 * property sets carry the device's settings, which are stored as its reported state; when a device
 * (re)subscribes to its commands, a desired state it has not reported yet is sent to it again.
 */
import { deviceIdOf, parseDeviceId, parseReply, parseTopic } from '../../core/alink';
import { confirmedSettings, desiredStateMessage, newMessageId, requestMessage } from '../../backend/device-control/messages';
import type { CommandOutcome, DeviceControl, DeviceRequest } from '../../backend/runtime/control';
import type { Logger } from '../../backend/runtime/deps';
import type { Store } from '../../backend/store/types';

export interface DeviceControlOptions {
  store: Store;
  now: () => number;
  log: Logger;
  publish: (topic: string, payload: string) => Promise<void>;
  isOnline: (deviceId: string) => boolean;
}

export function createDeviceControl(opts: DeviceControlOptions) {
  const pending = new Map<string, (o: CommandOutcome) => void>();
  /** What each pending property set sent, by `{deviceId}:{id}` (a `data: {}` reply confirms it). */
  const sent = new Map<string, Record<string, unknown>>();

  async function recordReported(deviceId: string, id: string, data: Record<string, unknown>): Promise<void> {
    const what = sent.get(`${deviceId}:${id}`);
    const s = confirmedSettings(id, data, await opts.store.deviceState(deviceId), what);
    if (s) await opts.store.setReported(deviceId, s, opts.now());
  }

  const control: DeviceControl = {
    request(deviceId: string, req: DeviceRequest, timeoutMs: number): Promise<CommandOutcome> {
      const ref = parseDeviceId(deviceId);
      if (!ref || !opts.isOnline(deviceId)) return Promise.resolve({ status: 'timeout', offline: true });
      const id = newMessageId();
      const { topic, payload } = requestMessage(ref, req, id);
      return new Promise<CommandOutcome>((resolve) => {
        const key = `${deviceId}:${id}`;
        if (req.kind === 'set') sent.set(key, req.params);
        const timer = setTimeout(() => {
          pending.delete(key);
          sent.delete(key);
          resolve({ status: 'timeout', offline: false });
        }, timeoutMs);
        pending.set(key, (o) => {
          clearTimeout(timer);
          pending.delete(key);
          // Kept until the reported state is recorded (onPublish), then dropped.
          setImmediate(() => sent.delete(key));
          resolve(o);
        });
        opts.publish(topic, payload).catch(() => pending.get(key)?.({ status: 'timeout', offline: true }));
      });
    },
  };

  return {
    control,
    /** Every PUBLISH the broker routes: picks out device replies to commands. */
    onPublish(topic: string, payload: Buffer): void {
      if (!topic.endsWith('_reply')) return;
      const t = parseTopic(topic);
      if (!t || (t.kind !== 'property.set.reply' && t.kind !== 'service.reply')) return;
      const reply = parseReply(payload.toString());
      if (!reply) return;
      const deviceId = deviceIdOf(t);
      if (t.kind === 'property.set.reply' && reply.code === 200) {
        recordReported(deviceId, reply.id, reply.data).catch((e: Error) => opts.log.warn(`reported state of ${deviceId}: ${e.message}`));
      }
      pending.get(`${deviceId}:${reply.id}`)?.(
        reply.code === 200 ? { status: 'acked', data: reply.data } : { status: 'rejected', code: reply.code, message: reply.message ?? 'rejected' },
      );
    },
    /** A device (re)subscribed to its commands: send it the desired state it has not reported yet. */
    async onDeviceListening(deviceId: string): Promise<void> {
      const ref = parseDeviceId(deviceId);
      const message = ref && desiredStateMessage(ref, await opts.store.deviceState(deviceId));
      if (message) await opts.publish(message.topic, message.payload);
    },
  };
}
