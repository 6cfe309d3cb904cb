/**
 * The user's avatar: uploading the picture WeChat's avatar fill-in (`<button
 * open-type="chooseAvatar">`) gives as a temporary file, and turning a stored avatar reference into
 * what `<image>` shows.
 *
 * - CloudBase: `wx.cloud.uploadFile` to `avatars/<user id>/<time>-<random>.<ext>`; the reference is
 *   the returned file id (`cloud://…`), which `<image>` shows directly.
 * - Local: `wx.uploadFile` (multipart, field `file`) to the function host's `POST /files/avatars`
 *   with the session token; the reference is the host's path (`/files/avatars/<name>`), shown from
 *   the host the mini program talks to.
 *
 * The reference is then stored with `auth.updateProfile {avatarUrl}`.
 */
import { err, ErrorCode, type Result } from '../lib/core';
import type { Session } from './session';

/** The part of `wx.uploadFile` the local upload uses. */
export type UploadFileFn = (opts: {
  url: string;
  filePath: string;
  name: string;
  header: Record<string, string>;
  timeout: number;
  success: (res: { statusCode: number; data: unknown }) => void;
  fail: (e: { errMsg: string }) => void;
}) => unknown;

/** The part of `wx.cloud` the CloudBase upload uses. */
export interface CloudFiles {
  uploadFile(opts: { cloudPath: string; filePath: string }): Promise<{ fileID: string }>;
}

export interface AvatarOptions {
  mode: 'local' | 'cloud';
  /** Base URL of the local function host (no trailing slash needed). */
  functionsUrl: string;
  uploadFile: UploadFileFn;
  /** Required in `cloud` mode. */
  cloud?: CloudFiles;
  session: Session;
  now: () => number;
  random: () => number;
}

/** What `<image src>` shows for a stored avatar reference in this mode; '' when there is nothing to show. */
export function avatarSource(ref: string | undefined, mode: 'local' | 'cloud', functionsUrl: string): string {
  if (!ref) return '';
  if (mode === 'cloud') return ref.startsWith('cloud://') ? ref : '';
  return ref.startsWith('/files/') ? `${functionsUrl.replace(/\/+$/, '')}${ref}` : '';
}

/** `jpg`, `png` … of a temporary file path; `jpg` when it has none (chooseAvatar gives JPEGs). */
function extensionOf(path: string): string {
  const m = /\.([A-Za-z0-9]{1,5})$/.exec(path);
  return m ? m[1].toLowerCase() : 'jpg';
}

function asUploadResult(body: unknown): Result<string> {
  let parsed = body;
  if (typeof parsed === 'string') {
    try {
      parsed = JSON.parse(parsed);
    } catch {
      parsed = undefined;
    }
  }
  const r = parsed as { ok?: unknown; data?: { url?: unknown }; code?: unknown; message?: unknown } | undefined;
  if (r?.ok === true && typeof r.data?.url === 'string') return { ok: true, data: r.data.url };
  if (r?.ok === false && typeof r.code === 'string' && typeof r.message === 'string') return err(r.code as ErrorCode, r.message);
  return err(ErrorCode.Unavailable, '服务返回了无法识别的结果');
}

export function createAvatars(opts: AvatarOptions) {
  const base = opts.functionsUrl.replace(/\/+$/, '');

  function uploadLocal(filePath: string): Promise<Result<string>> {
    return new Promise((resolve) => {
      const token = opts.session.token();
      opts.uploadFile({
        url: `${base}/files/avatars`,
        filePath,
        name: 'file',
        header: token ? { authorization: `Bearer ${token}` } : {},
        timeout: 30_000,
        success: (res) => resolve(asUploadResult(res.data)),
        fail: (e) => resolve(err(ErrorCode.Unavailable, `网络不可用：${e.errMsg}`)),
      });
    });
  }

  async function uploadCloud(filePath: string, userId: string): Promise<Result<string>> {
    if (!opts.cloud) return err(ErrorCode.Unavailable, 'cloud mode needs wx.cloud');
    const name = `${opts.now()}-${Math.floor(opts.random() * 36 ** 6).toString(36)}.${extensionOf(filePath)}`;
    try {
      const r = await opts.cloud.uploadFile({ cloudPath: `avatars/${userId}/${name}`, filePath });
      return typeof r.fileID === 'string' && r.fileID ? { ok: true, data: r.fileID } : err(ErrorCode.Unavailable, '上传没有返回文件');
    } catch (e) {
      return err(ErrorCode.Unavailable, `上传失败：${(e as { errMsg?: string; message?: string }).errMsg ?? (e as Error).message}`);
    }
  }

  async function upload(filePath: string): Promise<Result<string>> {
    const me = await opts.session.ensure();
    if (!me.ok) return me;
    if (opts.mode === 'cloud') return uploadCloud(filePath, me.data.id);
    const r = await uploadLocal(filePath);
    if (r.ok || r.code !== ErrorCode.Unauthenticated) return r;
    // The session was refused (revoked or expired): sign in again, once.
    opts.session.clear();
    const again = await opts.session.ensure();
    return again.ok ? uploadLocal(filePath) : again;
  }

  return {
    /** Uploads a chosen picture; the reference to store as the user's `avatarUrl`. */
    upload,
    /** What `<image src>` shows for a stored reference ('' = none: show the initial). */
    source: (ref: string | undefined) => avatarSource(ref, opts.mode, base),
  };
}

export type Avatars = ReturnType<typeof createAvatars>;
