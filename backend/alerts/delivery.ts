/**
 * How alerts reach people, behind one interface:
 * - realtime: the alert published on its patient's topic (`/alerts/{patientId}`), which only the
 *   patient's members may subscribe to — through the host's publish (the embedded broker locally)
 *   or the broker's API (`deps.broker`, EMQX in production);
 * - WeChat subscription messages: one send per user accepted one-time subscription (the store
 *   counts each user's remaining sends per template); `subscribeMessage.send` through CloudBase's
 *   open API in production, or a log line ("would send") on the local stack.
 * Every attempt becomes a `DeliveryRecord` in the alert's delivery history.
 */
import { alertTopic, type AlertRecord, type DeliveryReason, type DeliveryRecord } from '../../core/alerts';
import type { Logger } from '../runtime/deps';
import type { Store } from '../store/types';

/** A WeChat subscription message: template data keyed by the template's field names. */
export interface WechatMessage {
  openid: string;
  templateId: string;
  page: string;
  data: Record<string, { value: string }>;
}

export interface WechatSender {
  /** 'would-send' for a sender that only records (the local stack). Throws on failure. */
  send(m: WechatMessage): Promise<'sent' | 'would-send'>;
}

export interface AlertDeliveryConfig {
  /** Subscription message template for alerts (`ALERT_WECHAT_TEMPLATE_ID`); none → WeChat is not used. */
  templateId?: string;
  /** Mini program page the message opens. Default `pages/monitor/index`. */
  page?: string;
}

export interface AlertDelivery {
  publish(alert: AlertRecord, reason: DeliveryReason, at: number): Promise<DeliveryRecord>;
  wechat(alert: AlertRecord, reason: DeliveryReason, userIds: string[], at: number, patientName: string): Promise<DeliveryRecord[]>;
}

/** A sender that sends nothing: logs what it would send (the local stack, tests). */
export function createLoggingWechatSender(log: Logger): WechatSender {
  return {
    async send(m) {
      log.info(
        `alerts: would send WeChat template ${m.templateId} to ${m.openid}: ${Object.values(m.data)
          .map((v) => v.value)
          .join(' · ')}`,
      );
      return 'would-send';
    },
  };
}

/** The realtime message: the alert without its delivery history, and why it was sent. */
export function realtimePayload(alert: AlertRecord, reason: DeliveryReason): string {
  const { deliveries: _d, ...rest } = alert;
  return JSON.stringify({ type: 'alert', reason, alert: rest });
}

const clip = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

/** Template data; the template must have these fields (docs/alerts.md). */
export function wechatData(alert: AlertRecord, patientName: string, at: number): Record<string, { value: string }> {
  const t = new Date(at + 8 * 3_600_000).toISOString(); // China time, as WeChat shows it
  return {
    thing1: { value: clip(patientName, 20) },
    thing2: { value: clip(alert.message, 20) },
    time3: { value: `${t.slice(0, 10)} ${t.slice(11, 16)}` },
    thing4: { value: alert.severity === 'urgent' ? 'Urgent: please check now' : 'Please check' },
  };
}

export function createAlertDelivery(opts: {
  store: Store;
  log: Logger;
  publish?: (topic: string, payload: string) => Promise<void>;
  sender?: WechatSender;
  config?: AlertDeliveryConfig;
}): AlertDelivery {
  const { store, log } = opts;
  const page = opts.config?.page ?? 'pages/monitor/index';
  return {
    async publish(alert, reason, at) {
      if (!opts.publish) return { at, channel: 'realtime', reason, outcome: 'not-configured' };
      try {
        await opts.publish(alertTopic(alert.patientId), realtimePayload(alert, reason));
        return { at, channel: 'realtime', reason, outcome: 'sent' };
      } catch (e) {
        log.warn(`alerts: publishing ${alert.id} failed: ${(e as Error).message}`);
        return { at, channel: 'realtime', reason, outcome: 'failed', detail: (e as Error).message };
      }
    },
    async wechat(alert, reason, userIds, at, patientName) {
      const templateId = opts.config?.templateId;
      const out: DeliveryRecord[] = [];
      for (const userId of userIds) {
        const rec = (outcome: DeliveryRecord['outcome'], detail?: string): DeliveryRecord => {
          const r: DeliveryRecord = { at, channel: 'wechat', reason, userId, outcome };
          if (detail !== undefined) r.detail = detail;
          return r;
        };
        if (!templateId || !opts.sender) {
          out.push(rec('not-configured'));
          continue;
        }
        const openid = await store.openidOf(userId);
        if (!openid) {
          out.push(rec('failed', 'unknown user'));
          continue;
        }
        if (!(await store.takeSubscribeQuota(userId, templateId))) {
          out.push(rec('no-quota', `no accepted send left for template ${templateId}`));
          continue;
        }
        try {
          const outcome = await opts.sender.send({
            openid,
            templateId,
            page: `${page}?patientId=${alert.patientId}`,
            data: wechatData(alert, patientName, at),
          });
          out.push(rec(outcome, `template ${templateId}`));
        } catch (e) {
          log.warn(`alerts: WeChat message for ${alert.id} to ${userId} failed: ${(e as Error).message}`);
          out.push(rec('failed', (e as Error).message));
        }
      }
      return out;
    },
  };
}
