/**
 * What a failed call means to the user, in Chinese. The functions' messages are for developers;
 * the UI switches on the stable error codes (core/result), with a text per situation.
 */
import { type Err, ErrorCode } from '../lib/core';

export type Situation = 'general' | 'redeem' | 'bind' | 'profile' | 'invite' | 'member' | 'avatar' | 'nickname' | 'ack' | 'rules' | 'contacts';

const BY_SITUATION: Partial<Record<Situation, Partial<Record<ErrorCode, string>>>> = {
  redeem: {
    [ErrorCode.BadRequest]: '邀请码为 8 位字母或数字，请检查后重试',
    [ErrorCode.NotFound]: '邀请码不存在，请核对后重试',
    [ErrorCode.Conflict]: '邀请码已被使用或已过期，请让家人重新生成',
  },
  bind: {
    [ErrorCode.BadRequest]: '绑定码为设备标签上的 10 位字母或数字',
    [ErrorCode.NotFound]: '没有找到该绑定码对应的设备',
    [ErrorCode.Conflict]: '该设备已绑定给其他人，需由原管理者先解绑',
    [ErrorCode.Forbidden]: '只有管理者可以绑定设备',
  },
  profile: {
    [ErrorCode.BadRequest]: '请检查填写的内容：姓名 1–32 个字，出生日期不能晚于今天，备注不超过 500 字',
    [ErrorCode.Forbidden]: '只有管理者可以修改资料',
  },
  avatar: {
    [ErrorCode.BadRequest]: '这张图片用不了，请换一张照片（JPG 或 PNG）',
    [ErrorCode.PayloadTooLarge]: '图片太大了（不能超过 512 KB），请换一张',
    [ErrorCode.Unavailable]: '头像没有上传成功，请检查网络后再试',
  },
  nickname: { [ErrorCode.BadRequest]: '昵称为 1–32 个字，请修改后再保存' },
  ack: { [ErrorCode.Conflict]: '已经有家人确认过这条提醒了', [ErrorCode.NotFound]: '这条提醒已不存在或你已不再关注该家人' },
  rules: { [ErrorCode.Forbidden]: '只有管理者可以修改提醒设置', [ErrorCode.BadRequest]: '这个设置不合理，请换一个值' },
  contacts: {
    [ErrorCode.BadRequest]: '请检查电话：只能有数字、+ 和 -，最多 5 位紧急联系人，每位都要有名字和电话',
    [ErrorCode.Forbidden]: '只有管理者可以修改联系电话',
  },
  invite: { [ErrorCode.Forbidden]: '只有管理者可以邀请家人' },
  member: { [ErrorCode.Forbidden]: '只有管理者可以移除家人' },
};

const GENERAL: Record<ErrorCode, string> = {
  [ErrorCode.BadRequest]: '请求有误',
  [ErrorCode.Unauthenticated]: '登录已失效，请重新进入小程序',
  [ErrorCode.Forbidden]: '没有权限执行该操作',
  [ErrorCode.NotFound]: '内容不存在或你已不再关注该家人',
  [ErrorCode.Conflict]: '操作冲突，请刷新后重试',
  [ErrorCode.RateLimited]: '操作太频繁，请稍后再试',
  [ErrorCode.PayloadTooLarge]: '内容过大',
  [ErrorCode.Unavailable]: '网络或服务暂不可用，请稍后重试',
  [ErrorCode.Internal]: '服务出错了，请稍后重试',
};

export function errorText(e: Err, situation: Situation = 'general'): string {
  return BY_SITUATION[situation]?.[e.code] ?? GENERAL[e.code] ?? `操作失败（${e.code}）`;
}
