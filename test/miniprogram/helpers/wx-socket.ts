/**
 * `wx.connectSocket` implemented over the `ws` package: a SocketTask with WeChat's callback shape
 * (https://developers.weixin.qq.com/miniprogram/dev/api/network/websocket/SocketTask.html), so the
 * mini program's realtime code runs in Node against the real broker.
 */
import WebSocket from 'ws';
import type { ConnectSocket, SocketTaskLike } from '../../../miniprogram-lib/mqtt-api';

export interface WxSocketHub {
  connectSocket: ConnectSocket;
  /** Every socket opened so far (tests drop them to simulate a lost network). */
  sockets: WebSocket[];
  closeAll(): void;
}

export function createWxSocketHub(): WxSocketHub {
  const sockets: WebSocket[] = [];
  const connectSocket: ConnectSocket = ({ url, protocols }) => {
    const ws = new WebSocket(url, protocols);
    ws.binaryType = 'arraybuffer';
    sockets.push(ws);
    const task: SocketTaskLike = {
      send({ data, success, fail }) {
        if (ws.readyState !== WebSocket.OPEN) return fail?.({ errMsg: 'sendSocketMessage:fail socket is not connected' });
        ws.send(data, (e) => (e ? fail?.({ errMsg: `sendSocketMessage:fail ${e.message}` }) : success?.()));
      },
      close({ code, reason, success }) {
        ws.close(code ?? 1000, reason);
        success?.();
      },
      onOpen: (cb) => void ws.on('open', () => cb({})),
      onMessage: (cb) => void ws.on('message', (data: ArrayBuffer | Buffer) => cb({ data: data instanceof ArrayBuffer ? data : new Uint8Array(data).slice().buffer })),
      onClose: (cb) => void ws.on('close', (code, reason) => cb({ code, reason: reason.toString() })),
      onError: (cb) => void ws.on('error', (e) => cb({ errMsg: e.message })),
    };
    return task;
  };
  return { connectSocket, sockets, closeAll: () => sockets.forEach((s) => s.terminate()) };
}
