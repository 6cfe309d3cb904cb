/**
 * The web console on the local function host, at `/console/` (same origin as `/functions/`, so
 * the console calls the functions without CORS and the host's `Host` check covers it too):
 *
 *   GET /console               →  301 to /console/
 *   GET /console/              the page (index.html)
 *   GET /console/<file>        the built files (`npm run build` → web-console/dist)
 *   GET /console/config.json   what the page needs from the host: the MQTT over WebSocket port
 *
 * Only plain file names in the folder are served (no sub-folders, no `..`). Every answer carries a
 * content security policy: scripts and styles from this origin only, connections to this origin
 * and to MQTT over WebSocket.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { err, ErrorCode } from '../../core';
import { send } from './http';

export interface ConsoleFilesOptions {
  /** Folder of the built console (web-console/dist). */
  dir: string;
  /** The page's settings (`/console/config.json`), asked at each request. */
  config: () => Record<string, unknown>;
}

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json; charset=utf-8',
  png: 'image/png',
  svg: 'image/svg+xml',
};

// echarts sets inline style attributes and the QR label is a data: URL image.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self' ws: wss:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

const SECURITY_HEADERS = { 'content-security-policy': CSP, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };

export function createConsoleFiles(opts: ConsoleFilesOptions) {
  return {
    /** Answers a request for `/console` or under `/console/`. */
    async handle(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, err(ErrorCode.BadRequest, 'use GET'));
      if (pathname === '/console') {
        res.writeHead(301, { location: '/console/', 'content-length': 0 });
        return void res.end();
      }
      const name = pathname === '/console/' ? 'index.html' : pathname.slice('/console/'.length);
      if (name === 'config.json') {
        const text = JSON.stringify(opts.config());
        res.writeHead(200, { 'content-type': TYPES.json, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...SECURITY_HEADERS });
        return void res.end(req.method === 'HEAD' ? undefined : text);
      }
      const ext = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,100}\.([a-z]+)$/.exec(name)?.[1];
      if (!ext || !TYPES[ext] || name.includes('..')) return send(res, 404, err(ErrorCode.NotFound, 'no such file'));
      let body: Buffer;
      try {
        body = await readFile(join(opts.dir, name));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        const hint = name === 'index.html' ? ': run `npm run build` to build the web console' : '';
        return send(res, 404, err(ErrorCode.NotFound, `no such file${hint}`));
      }
      // Fixed names, rebuilt in place: revalidate each time rather than cache stale code.
      res.writeHead(200, { 'content-type': TYPES[ext], 'content-length': body.length, 'cache-control': 'no-cache', ...SECURITY_HEADERS });
      res.end(req.method === 'HEAD' ? undefined : body);
    },
  };
}
