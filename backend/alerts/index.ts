/**
 * The alert engine for a function: built from its dependencies. The host may supply how alerts are
 * published and sent (`deps.alerts`: the local stack publishes through its embedded broker and logs
 * WeChat messages it would send); otherwise they come from the environment — the broker's API
 * (`deps.broker`, EMQX) for realtime, CloudBase's open API for WeChat inside CloudBase (a log line
 * elsewhere), and `ALERT_WECHAT_TEMPLATE_ID` / `ALERT_WECHAT_PAGE` / `ALERT_WECHAT_STATE`.
 */
import type { FunctionDeps } from '../runtime/deps';
import { cloudbaseOptionsFromEnv, insideCloudbase } from '../store/cloudbase/options';
import { type AlertDeliveryConfig, createAlertDelivery, createLoggingWechatSender, type WechatSender } from './delivery';
import { type AlertEngine, createAlertEngine } from './engine';

export { createAlertEngine } from './engine';
export type { AlertEngine } from './engine';
export * from './delivery';

/** What a host may provide for alerts (FunctionDeps.alerts). */
export interface AlertHostDeps {
  /** Publishes on a topic through the broker (the local embedded broker). */
  publish?: (topic: string, payload: string) => Promise<void>;
  wechat?: WechatSender;
  config?: AlertDeliveryConfig;
}

export function alertConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AlertDeliveryConfig {
  const c: AlertDeliveryConfig = {};
  if (env.ALERT_WECHAT_TEMPLATE_ID?.trim()) c.templateId = env.ALERT_WECHAT_TEMPLATE_ID.trim();
  if (env.ALERT_WECHAT_PAGE?.trim()) c.page = env.ALERT_WECHAT_PAGE.trim();
  return c;
}

function senderFromEnv(deps: FunctionDeps, env: NodeJS.ProcessEnv): WechatSender {
  if (!insideCloudbase(env)) return createLoggingWechatSender(deps.log);
  let real: WechatSender | undefined;
  const state = env.ALERT_WECHAT_STATE === 'developer' || env.ALERT_WECHAT_STATE === 'trial' ? env.ALERT_WECHAT_STATE : 'formal';
  return {
    async send(m) {
      if (!real) {
        const { createCloudbaseWechatSender } = await import('./wechat-cloudbase');
        real = createCloudbaseWechatSender({ ...cloudbaseOptionsFromEnv(env), state });
      }
      return real.send(m);
    },
  };
}

/**
 * The engine for these dependencies. Built per call on purpose: it holds no state of its own
 * (condition states live in the store), building it is a few closures, and a per-call `deps`
 * (the router adds the call's logger) would defeat any cache keyed on it.
 */
export function alertEngineOf(deps: FunctionDeps, env: NodeJS.ProcessEnv = process.env): AlertEngine {
  const host = deps.alerts;
  const broker = deps.broker;
  const publish = host?.publish ?? (broker ? (topic: string, payload: string) => broker.publish(topic, payload, { qos: 1 }) : undefined);
  const delivery = createAlertDelivery({
    store: deps.store,
    log: deps.log,
    publish,
    sender: host?.wechat ?? senderFromEnv(deps, env),
    config: host?.config ?? alertConfigFromEnv(env),
  });
  return createAlertEngine({ store: deps.store, now: deps.now, log: deps.log, delivery });
}
