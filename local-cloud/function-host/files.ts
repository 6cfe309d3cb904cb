/**
 * Avatars on the local function host, standing in for CloudBase storage (`wx.cloud.uploadFile`):
 *
 *   POST /files/avatars          a signed-in user's image, as `wx.uploadFile` sends it (multipart
 *                                form-data, the file in the part named `file` or any part with a
 *                                filename) or as the raw body (`content-type: image/*`)
 *                                →  200 `{ok: true, data: {url: "/files/avatars/<name>"}}`
 *   GET  /files/avatars/<name>   the image, with its content type (anyone: `<image>` sends no token;
 *                                names are 128-bit random)
 *
 * Only PNG, JPEG, WebP and GIF are kept, recognised by their first bytes (never by the name or the
 * declared type), up to 512 KiB, under `<dir>/avatars/`. Anything else gets a 4xx JSON error; the
 * refusals are counted by reason (`stats`) and each reason is logged the first time it happens.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { err, ErrorCode } from '../../core';
import type { Caller } from '../../backend/runtime/context';
import type { Logger } from '../../backend/runtime/deps';
import { AVATAR_TYPES, type AvatarExt, LOCAL_AVATAR_PATH } from '../../cloudfunctions/auth/rules';
import { readBody, send } from './http';

export interface AvatarFilesOptions {
  /** Folder for uploaded files (`$DATA_DIR/files`); avatars are kept in its `avatars/`. */
  dir: string;
  log?: Logger;
  /** Largest image accepted, bytes. Default 512 KiB. */
  maxBytes?: number;
}

export type UploadRefusal = 'unauthenticated' | 'forbidden' | 'too-large' | 'no-file' | 'malformed' | 'not-an-image';

/** Room for the multipart headers and boundaries around the image. */
const MULTIPART_OVERHEAD = 16 * 1024;

/** The image type by its first bytes, or undefined for anything else. */
export function sniffImage(b: Buffer): AvatarExt | undefined {
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpg';
  if (b.length >= 6 && /^GIF8[79]a$/.test(b.toString('latin1', 0, 6))) return 'gif';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  return undefined;
}

/**
 * The file in a multipart/form-data body: the part named `file`, else the first part with a
 * filename; undefined when there is none, `malformed` when the body does not parse.
 */
export function multipartFile(body: Buffer, boundary: string): Buffer | undefined | 'malformed' {
  const delimiter = Buffer.from(`--${boundary}`);
  const between = Buffer.from(`\r\n--${boundary}`);
  let pos = body.indexOf(delimiter);
  if (pos < 0) return 'malformed';
  pos += delimiter.length;
  let withFilename: Buffer | undefined;
  for (;;) {
    if (body.toString('latin1', pos, pos + 2) === '--') return withFilename;
    if (body.toString('latin1', pos, pos + 2) !== '\r\n') return 'malformed';
    const headEnd = body.indexOf('\r\n\r\n', pos + 2);
    if (headEnd < 0) return 'malformed';
    const next = body.indexOf(between, headEnd + 4);
    if (next < 0) return 'malformed';
    const disposition = /^content-disposition:(.*)$/im.exec(body.toString('utf8', pos + 2, headEnd))?.[1] ?? '';
    const content = body.subarray(headEnd + 4, next);
    if (/(?:^|;)\s*name="file"/i.test(disposition)) return content;
    if (!withFilename && /;\s*filename="/i.test(disposition)) withFilename = content;
    pos = next + between.length;
  }
}

function boundaryOf(contentType: string): string | undefined {
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  return m?.[1] ?? m?.[2];
}

export function createAvatarFiles(opts: AvatarFilesOptions) {
  const maxBytes = opts.maxBytes ?? 512 * 1024;
  const avatarsDir = join(opts.dir, 'avatars');
  const stats = { stored: 0, refused: {} as Partial<Record<UploadRefusal, number>> };

  function refuse(res: ServerResponse, status: number, reason: UploadRefusal, code: (typeof ErrorCode)[keyof typeof ErrorCode], message: string): void {
    stats.refused[reason] = (stats.refused[reason] ?? 0) + 1;
    opts.log?.once(`avatar-upload:${reason}`, `avatar upload refused (${reason}): ${message}; further ones are counted, not logged`);
    send(res, status, err(code, message));
  }

  /** The image in the request, or the refusal already answered. */
  async function imageOf(req: IncomingMessage, res: ServerResponse): Promise<Buffer | undefined> {
    const type = (req.headers['content-type'] ?? '').toLowerCase();
    const body = await readBody(req, maxBytes + MULTIPART_OVERHEAD);
    const tooLarge = () => refuse(res, 413, 'too-large', ErrorCode.PayloadTooLarge, `the image is over ${maxBytes / 1024} KiB`);
    if (body === 'too-large') {
      res.setHeader('connection', 'close');
      return void tooLarge();
    }
    let file: Buffer | undefined;
    if (type.startsWith('multipart/form-data')) {
      const boundary = boundaryOf(type);
      const found = boundary ? multipartFile(body, boundary) : 'malformed';
      if (found === 'malformed') return void refuse(res, 400, 'malformed', ErrorCode.BadRequest, 'the multipart form-data body does not parse');
      file = found;
    } else if (type === '' || type.startsWith('image/') || type.startsWith('application/octet-stream')) {
      file = body;
    } else {
      return void refuse(res, 415, 'not-an-image', ErrorCode.BadRequest, 'send the image as multipart/form-data (field "file") or as the raw body');
    }
    if (!file || file.length === 0) return void refuse(res, 400, 'no-file', ErrorCode.BadRequest, 'no file in the request: send it in the form field "file"');
    if (file.length > maxBytes) return void tooLarge();
    return file;
  }

  async function upload(req: IncomingMessage, res: ServerResponse, caller: Caller | 'invalid'): Promise<void> {
    if (caller === 'invalid' || caller.kind === 'anonymous') {
      return refuse(res, 401, 'unauthenticated', ErrorCode.Unauthenticated, caller === 'invalid' ? 'invalid or expired token' : 'sign in first');
    }
    if (caller.kind !== 'user') return refuse(res, 403, 'forbidden', ErrorCode.Forbidden, 'only signed-in users upload avatars');
    const file = await imageOf(req, res);
    if (!file) return;
    const ext = sniffImage(file);
    if (!ext) return refuse(res, 415, 'not-an-image', ErrorCode.BadRequest, 'the file is not a PNG, JPEG, WebP or GIF image');
    const name = `${randomBytes(16).toString('hex')}.${ext}`;
    await mkdir(avatarsDir, { recursive: true, mode: 0o700 });
    await writeFile(join(avatarsDir, name), file, { flag: 'wx', mode: 0o600 });
    stats.stored++;
    send(res, 200, { ok: true, data: { url: `/files/avatars/${name}` } });
  }

  async function download(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    const name = LOCAL_AVATAR_PATH.exec(pathname)?.[1];
    let image: Buffer | undefined;
    if (name) {
      try {
        image = await readFile(join(avatarsDir, name));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    if (!name || !image) return send(res, 404, err(ErrorCode.NotFound, 'no such avatar'));
    res.writeHead(200, {
      'content-type': AVATAR_TYPES[name.slice(name.lastIndexOf('.') + 1) as AvatarExt],
      'content-length': image.length,
      // A name is never reused for other bytes.
      'cache-control': 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
    });
    res.end(req.method === 'HEAD' ? undefined : image);
  }

  return {
    stats,
    /** Answers a request under `/files/`; `caller` identifies the sender (asked only for uploads). */
    async handle(req: IncomingMessage, res: ServerResponse, pathname: string, caller: () => Promise<Caller | 'invalid'>): Promise<void> {
      if (pathname === '/files/avatars') {
        if (req.method !== 'POST') return send(res, 405, err(ErrorCode.BadRequest, 'use POST to upload an avatar'));
        return upload(req, res, await caller());
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, err(ErrorCode.BadRequest, 'use GET'));
      return download(req, res, pathname);
    },
  };
}

export type AvatarFiles = ReturnType<typeof createAvatarFiles>;
