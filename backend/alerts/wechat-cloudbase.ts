/**
 * WeChat subscription messages through CloudBase's open API (云调用): `subscribeMessage.send`
 * (POST /cgi-bin/message/subscribe/send) called with `@cloudbase/node-sdk`'s `callWxOpenApi`, which
 * needs no access token inside a function whose config.json lists `subscribeMessage.send` under
 * `permissions.openapi` (scripts/build.ts). Answers with `errcode` ≠ 0 (43101: the user refused or
 * used up the subscription, 47003: template data wrong) are failures.
 *
 * Not verified against the live service here (no WeChat account offline); docs/alerts.md says so.
 */
import tcb from '@cloudbase/node-sdk';
import type { CloudbaseStoreOptions } from '../store/cloudbase/options';
import type { WechatMessage, WechatSender } from './delivery';

export function createCloudbaseWechatSender(opts: CloudbaseStoreOptions & { state?: 'developer' | 'trial' | 'formal' }): WechatSender {
  let app: ReturnType<typeof tcb.init> | undefined;
  return {
    async send(m: WechatMessage) {
      const init: Record<string, unknown> = { env: opts.env ?? tcb.SYMBOL_CURRENT_ENV, timeout: opts.timeoutMs ?? 15_000 };
      if (opts.secretId) init.secretId = opts.secretId;
      if (opts.secretKey) init.secretKey = opts.secretKey;
      if (opts.sessionToken) init.sessionToken = opts.sessionToken;
      app ??= tcb.init(init as Parameters<typeof tcb.init>[0]);
      const res = await app.callWxOpenApi({
        apiName: '/cgi-bin/message/subscribe/send',
        requestData: { touser: m.openid, template_id: m.templateId, page: m.page, data: m.data, miniprogram_state: opts.state ?? 'formal', lang: 'zh_CN' },
      });
      const r = res as { code?: string; message?: string; result?: { errcode?: number; errmsg?: string } };
      if (r.code) throw new Error(`CloudBase ${r.code}: ${r.message ?? ''}`);
      if (r.result?.errcode) throw new Error(`subscribeMessage.send errcode ${r.result.errcode}: ${r.result.errmsg ?? ''}`);
      return 'sent';
    },
  };
}
