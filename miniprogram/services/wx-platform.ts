/** The platform the services run on in the real mini program: `wx`'s APIs, adapted. */
import type { AppConfig } from './config';
import type { Platform } from './index';

export function wxPlatform(config: AppConfig): Platform {
  let cloud: Platform['cloud'];
  if (config.mode === 'cloud' && wx.cloud) {
    wx.cloud.init({ env: config.cloud.env || undefined, traceUser: true });
    cloud = {
      callFunction: (o) => wx.cloud.callFunction(o) as Promise<{ result?: unknown }>,
      uploadFile: (o) => wx.cloud.uploadFile(o),
    };
  }
  return {
    request: (o) => wx.request({ ...o, dataType: '其他', responseType: 'text' }),
    uploadFile: (o) => wx.uploadFile(o),
    connectSocket: (o) => wx.connectSocket({ url: o.url, protocols: o.protocols }),
    storage: {
      getStorageSync: (k) => wx.getStorageSync(k),
      setStorageSync: (k, v) => wx.setStorageSync(k, v),
      removeStorageSync: (k) => wx.removeStorageSync(k),
    },
    cloud,
    now: () => Date.now(),
    random: () => Math.random(),
    timer: { setTimeout: (fn, ms) => setTimeout(fn, ms) as unknown as number, clearTimeout: (id) => clearTimeout(id) },
    ui: {
      toast: (title) => void wx.showToast({ title, icon: 'none', duration: 2500 }),
      confirm: (title, content) => new Promise((resolve) => wx.showModal({ title, content, success: (r) => resolve(r.confirm), fail: () => resolve(false) })),
      scanCode: () => new Promise((resolve) => wx.scanCode({ onlyFromCamera: false, success: (r) => resolve(r.result), fail: () => resolve(undefined) })),
      navigateTo: (url) => void wx.navigateTo({ url }),
      switchTab: (url) => void wx.switchTab({ url }),
      copy: (data) => void wx.setClipboardData({ data }),
      setTitle: (title) => void wx.setNavigationBarTitle({ title }),
      stopPullDownRefresh: () => void wx.stopPullDownRefresh(),
      call: (phoneNumber) => void wx.makePhoneCall({ phoneNumber }),
      openPrivacyContract: () => void wx.openPrivacyContract({}),
      // https://developers.weixin.qq.com/miniprogram/dev/api/open-api/subscribe-message/wx.requestSubscribeMessage.html
      requestSubscribeMessage: (tmplIds) =>
        new Promise((resolve) =>
          wx.requestSubscribeMessage({
            tmplIds,
            success: (r) => {
              const answers: Record<string, string> = {};
              for (const id of tmplIds) answers[id] = String((r as unknown as Record<string, unknown>)[id] ?? '');
              resolve({ ok: true, answers });
            },
            fail: (e) => resolve({ ok: false, message: `${e.errMsg ?? ''} (${(e as { errCode?: number }).errCode ?? ''})` }),
          }),
        ),
    },
    fontSizeSetting: () => {
      try {
        return wx.getAppBaseInfo().fontSizeSetting;
      } catch {
        return undefined;
      }
    },
  };
}
