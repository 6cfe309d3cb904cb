/** Small HTTP helpers shared by the function host's endpoints. */
import type { IncomingMessage, ServerResponse } from 'node:http';

export function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** The request body, or `too-large` as soon as it passes `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) return void chunks.push(c);
      // Answer at once but keep draining (discarding) so the client can read the 413; a body
      // far beyond the limit is cut off.
      chunks.length = 0;
      resolve('too-large');
      if (size > limit * 16) req.destroy();
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Whether a parsed JSON value nests deeper than `limit` arrays/objects (checked without recursion). */
export function tooDeep(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > limit) return true;
    for (const child of Object.values(v as Record<string, unknown>)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * Whether a `Host` header names this host: an IP address (v4, or v6 in brackets), `localhost`, or
 * one of `names` — never another domain, which is what a DNS-rebinding page sends. A request
 * without one (HTTP/1.0 tools) passes.
 */
export function hostAllowed(header: string | undefined, names: readonly string[]): boolean {
  if (header === undefined) return true;
  const host = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::\d{1,5})?$/.exec(header.trim())?.[1]?.toLowerCase();
  if (host === undefined) return false;
  if (host.startsWith('[') || /^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return true;
  if (host === 'localhost') return true;
  return names.some((n) => n.toLowerCase() === host);
}
