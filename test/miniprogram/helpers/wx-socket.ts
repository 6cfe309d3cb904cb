/**
 * `wx.connectSocket` implemented over the `ws` package: a SocketTask with WeChat's callback shape
 * (https://developers.weixin.qq.com/miniprogram/dev/api/network/websocket/SocketTask.html), so the
 * mini program's realtime code runs in Node against the real broker.
 */
import WebSocket from 'ws';
import type { ConnectSocket, SocketTaskLike } from '../../../miniprogram-lib/mqtt-api';

/** `wx.connectSocket` over `ws`; `freeze` makes a socket die silently, as after > 5 s in the background (mqtt.js#1180). */
export function createWxSockets() {
  const sockets: Array<{ ws: WebSocket; frozen: boolean }> = [];
  const connectSocket: ConnectSocket = ({ url, protocols }) => {
    const entry = { ws: new WebSocket(url, protocols), frozen: false };
    const { ws } = entry;
    ws.binaryType = 'arraybuffer';
    sockets.push(entry);
    const live =
      <A extends unknown[]>(fn: (...a: A) => void) =>
      (...a: A) =>
        void (entry.frozen ? undefined : fn(...a));
    const task: SocketTaskLike = {
      send({ data, success, fail }) {
        if (entry.frozen) return success?.(); // bytes vanish, as on a dead network
        if (ws.readyState !== WebSocket.OPEN) return fail?.({ errMsg: 'sendSocketMessage:fail socket is not connected' });
        ws.send(typeof data === 'string' ? data : new Uint8Array(data), (e) => (e ? fail?.({ errMsg: `sendSocketMessage:fail ${e.message}` }) : success?.()));
      },
      close({ code, reason, success }) {
        if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
        else ws.close(code ?? 1000, reason);
        success?.();
      },
      onOpen: (cb) =>
        void ws.on(
          'open',
          live(() => cb({})),
        ),
      onMessage: (cb) =>
        void ws.on(
          'message',
          live((data: ArrayBuffer) => cb({ data })),
        ),
      onClose: (cb) =>
        void ws.on(
          'close',
          live((code: number, reason: Buffer) => cb({ code, reason: reason.toString() })),
        ),
      onError: (cb) =>
        void ws.on(
          'error',
          live((e: Error) => cb({ errMsg: e.message })),
        ),
    };
    return task;
  };
  return { connectSocket, sockets, closeAll: () => sockets.forEach((s) => s.ws.terminate()) };
}

export type WxSockets = ReturnType<typeof createWxSockets>;
