/**
 * The pages' pure rules, as tables: when a tile is stale, what a command's answer tells the user,
 * how history is summarised, how codes from scans and ranges from presets are read.
 */
import { err, ErrorCode } from '../../core';
import type { Result } from '../../core';
import type { CommandReply, HistoryResult } from '../../core/api';
import { outcomeOf, staleAfterMs, tileOf, mergeLatest, Latest } from '../../miniprogram/pages/monitor/view-model';
import { resolutionNote, summarize } from '../../miniprogram/pages/history/view-model';
import { codeFromScan, inviteText, memberRows } from '../../miniprogram/pages/patient/view-model';
import { describe as describePatient, nicknameFrom } from '../../miniprogram/pages/me/view-model';
import { avatarSource } from '../../miniprogram/services/avatar';
import { initialOf } from '../../miniprogram/components/user-avatar/model';
import { profileFrom } from '../../miniprogram/components/profile-form/model';
import { presetRange } from '../../miniprogram/components/range-picker/model';
import { patientTabs } from '../../miniprogram/components/patient-tabs/model';
import { errorText } from '../../miniprogram/common/errors';

const NOW = Date.UTC(2026, 10, 27, 2, 0, 0);

describe('tiles', () => {
  test.each([
    ['a reading 30 s old at a 60 s interval', 30_000, 60, true, 'fresh'],
    ['a reading 150 s old at a 60 s interval', 150_000, 60, true, 'fresh'],
    ['a reading 181 s old at a 60 s interval', 181_000, 60, true, 'stale'],
    ['a reading 100 s old at a 10 s interval (never sooner than 2 min)', 100_000, 10, true, 'fresh'],
    ['a reading 25 min old at a 10 min interval', 25 * 60_000, 600, true, 'fresh'],
    ['a fresh reading from an offline device', 1_000, 60, false, 'offline'],
  ])('%s is %s', (_what, age, intervalS, online, state) => {
    expect(tileOf('heartRate', { ts: NOW - age, value: 72 }, online, intervalS, NOW).state).toBe(state);
  });

  test('no reading yet is empty, or offline when the device is', () => {
    expect(tileOf('spo2', undefined, true, 60, NOW)).toMatchObject({ value: '--', state: 'empty', label: '血氧', unit: '%' });
    expect(tileOf('spo2', undefined, false, 60, NOW).state).toBe('offline');
  });

  test('an old reading says how old it is', () => {
    expect(tileOf('temperature', { ts: NOW - 44 * 60_000, value: 36.44 }, true, 60, NOW)).toMatchObject({ value: '36.4', state: 'stale', time: expect.stringContaining('44 分钟前') });
  });

  test('staleness threshold', () => {
    expect([10, 60, 600].map(staleAfterMs)).toEqual([120_000, 180_000, 1_800_000]);
  });

  test('merging keeps the newest value per vital, whatever order readings arrive in', () => {
    const latest: Partial<Record<'heartRate' | 'spo2' | 'temperature', Latest>> = {};
    expect(mergeLatest(latest, { ts: 2, heartRate: 80 })).toEqual(['heartRate']);
    expect(mergeLatest(latest, { ts: 1, heartRate: 70, spo2: 95 })).toEqual(['spo2']);
    expect(latest).toEqual({ heartRate: { ts: 2, value: 80 }, spo2: { ts: 1, value: 95 } });
  });
});

describe('command outcomes', () => {
  const reply = (result: CommandReply['result'], offline = false, detail = 'x'): Result<CommandReply> => ({ ok: true, data: { result, detail, offline } });
  test.each([
    ['enabled', reply('acked'), 'done', '设备已确认新的设置'],
    ['measure', reply('acked'), 'done', '设备已开始测量，结果稍后显示'],
    ['interval', reply('timeout', true), 'queued', '设备离线：设置已保存，设备上线后自动生效'],
    ['interval', reply('timeout'), 'queued', '设备未及时响应：设置已保存，设备重新连接后生效'],
    ['measure', reply('timeout', true), 'failed', '设备离线，无法立即测量'],
    ['measure', reply('timeout'), 'failed', '设备未响应（超时），请稍后重试'],
    ['enabled', reply('rejected', false, 'device replied 460: bad value'), 'failed', '设备拒绝了该指令（device replied 460: bad value）'],
    ['measure', err(ErrorCode.Unavailable, 'down'), 'failed', '发送失败：down'],
  ] as const)('%s → %j is %s', (kind, r, outcome, text) => {
    expect(outcomeOf(kind, r)).toEqual({ kind: outcome, text });
  });
});

describe('history', () => {
  test('summaries of raw readings and of buckets weigh every reading once', () => {
    const raw: HistoryResult = { patientId: 'p', from: 0, to: 10, kind: 'raw', readings: [{ ts: 1, heartRate: 60 }, { ts: 2, heartRate: 90, spo2: 97 }] };
    expect(summarize(raw).map((s) => [s.vital, s.n, s.min, s.avg, s.max])).toEqual([
      ['temperature', 0, '--', '--', '--'],
      ['heartRate', 2, '60', '75', '90'],
      ['spo2', 1, '97', '97', '97'],
    ]);
    const buckets: HistoryResult = {
      patientId: 'p', from: 0, to: 10, kind: 'buckets', widthMs: 3_600_000,
      buckets: [
        { t: 0, n: 3, heartRate: { min: 60, avg: 70, max: 80, n: 3 } },
        { t: 3_600_000, n: 1, heartRate: { min: 90, avg: 90, max: 90, n: 1 } },
      ],
    };
    expect(summarize(buckets)[1]).toMatchObject({ n: 4, min: '60', avg: '75', max: '90' });
    expect(resolutionNote(buckets)).toBe('每个点为 1 小时内的平均值，阴影为最低–最高范围；点击图表查看数值');
    expect(resolutionNote(raw)).toBe('每个点为一次测量；点击图表查看数值');
  });

  test.each([
    ['24h', 86_400_000],
    ['7d', 7 * 86_400_000],
    ['30d', 30 * 86_400_000],
  ] as const)('preset %s spans %d ms ending now', (preset, span) => {
    expect(presetRange(preset, NOW)).toEqual({ from: NOW - span, to: NOW });
  });

  test('"today" starts at local midnight', () => {
    const r = presetRange('today', NOW);
    expect(r.to).toBe(NOW);
    expect(new Date(r.from).getHours()).toBe(0);
    expect(NOW - r.from).toBeLessThan(86_400_000);
  });
});

describe('people', () => {
  test.each([
    ['7K3QD-M9X2P', '7K3QD-M9X2P'],
    ['7k3qdm9x2p', '7K3QD-M9X2P'],
    ['https://rpm.example/bind?code=7k3qo-m9x2p', '7K3Q0-M9X2P'],
    ['not a code', 'not a code'],
  ])('a scan of %j gives %j', (scan, code) => {
    expect(codeFromScan(scan)).toBe(code);
  });

  test('invite codes are grouped for reading aloud', () => {
    expect(inviteText('K7Q2M9XD')).toBe('K7Q2 M9XD');
  });

  test.each([
    [{ name: '王秀英', sex: 'female' as const, notes: '', birthDate: '1948-03-12' }, '78 岁 · 女'],
    [{ name: '王秀英', sex: 'unknown' as const, notes: '' }, '资料未完善'],
    [{ name: '李建国', sex: 'male' as const, notes: '' }, '男'],
  ])('a profile is described briefly', (p, text) => {
    expect(describePatient(p, NOW)).toBe(text);
  });

  test('only the owner may remove, and never themself or another owner', () => {
    const members = [
      { patientId: 'p', userId: 'me', userName: '张伟', role: 'owner' as const, since: 0 },
      { patientId: 'p', userId: 'sis', userName: '张丽', role: 'family' as const, since: 0 },
    ];
    const noPicture = () => '';
    expect(memberRows(members, 'me', true, noPicture).map((m) => [m.name, m.isMe, m.removable])).toEqual([['张伟', true, false], ['张丽', false, true]]);
    expect(memberRows(members, 'sis', false, noPicture).every((m) => !m.removable)).toBe(true);
  });

  test('a member row shows the avatar the member chose, resolved for this mode, or none', () => {
    const members = [
      { patientId: 'p', userId: 'me', userName: '张伟', avatarUrl: '/files/avatars/0123456789abcdef0123456789abcdef.png', role: 'owner' as const, since: 0 },
      { patientId: 'p', userId: 'sis', userName: '张丽', role: 'family' as const, since: 0 },
    ];
    const local = (ref: string | undefined) => avatarSource(ref, 'local', 'http://192.168.1.10:3000/');
    expect(memberRows(members, 'me', true, local).map((m) => m.avatarSrc)).toEqual(['http://192.168.1.10:3000/files/avatars/0123456789abcdef0123456789abcdef.png', '']);
  });

  test.each([
    [undefined, 'local', ''],
    ['/files/avatars/a.png', 'local', 'http://127.0.0.1:3000/files/avatars/a.png'],
    ['/files/avatars/a.png', 'cloud', ''],
    ['cloud://env-1.bucket/avatars/u_1/a.jpg', 'cloud', 'cloud://env-1.bucket/avatars/u_1/a.jpg'],
    ['cloud://env-1.bucket/avatars/u_1/a.jpg', 'local', ''],
    ['javascript:alert(1)', 'cloud', ''],
  ] as const)('the avatar reference %s shows in %s mode as %j', (ref, mode, src) => {
    expect(avatarSource(ref, mode, 'http://127.0.0.1:3000')).toBe(src);
  });

  test.each([
    ['张伟', '张'],
    ['  alice', 'A'],
    ['😀 笑笑', '😀'],
    ['', '我'],
    ['   ', '我'],
  ])('the avatar without a picture shows the first character of %j', (name, initial) => {
    expect(initialOf(name)).toBe(initial);
  });

  test.each([
    ['  李娜 ', { ok: true, name: '李娜' }],
    ['', { ok: false, message: '请填写昵称' }],
    ['   ', { ok: false, message: '请填写昵称' }],
    ['名'.repeat(33), { ok: false, message: '昵称最多 32 个字' }],
    [undefined, { ok: false, message: '请填写昵称' }],
  ])('the nickname %j is %j', (raw, expected) => {
    expect(nicknameFrom(raw)).toEqual(expected);
  });

  test.each([
    [{ name: ' ', sexIndex: 0, birthDate: '', notes: '' }, '请填写姓名'],
    [{ name: 'x'.repeat(33), sexIndex: 0, birthDate: '', notes: '' }, '姓名最多 32 个字'],
    [{ name: '王', sexIndex: 0, birthDate: '', notes: 'x'.repeat(501) }, '备注最多 500 字'],
  ])('the profile form refuses %j', (form, message) => {
    expect(profileFrom(form)).toEqual({ ok: false, message });
  });

  test('error texts depend on the situation, by code', () => {
    expect(errorText(err(ErrorCode.NotFound, 'no device has this code'), 'bind')).toBe('没有找到该绑定码对应的设备');
    expect(errorText(err(ErrorCode.NotFound, 'no such invite code'), 'redeem')).toBe('邀请码不存在，请核对后重试');
    expect(errorText(err(ErrorCode.RateLimited, 'slow down'))).toBe('操作太频繁，请稍后再试');
  });
});

describe('patient tabs', () => {
  const list = [
    { id: 'a', name: '王秀英', sex: 'female' as const, notes: '', createdAt: 0, role: 'owner' as const },
    { id: 'b', name: '李建国', sex: 'male' as const, notes: '', createdAt: 0, role: 'family' as const },
  ];
  test.each([
    ['the chosen patient is still followed', 'b', 'b'],
    ['the chosen patient is gone (left or removed)', 'gone', 'a'],
    ['nothing chosen yet', '', 'a'],
  ])('%s → %s', (_why, current, chosen) => {
    expect(patientTabs(list, current)).toEqual({ patients: [{ id: 'a', name: '王秀英' }, { id: 'b', name: '李建国' }], patientId: chosen });
  });
  test('no patients: no choice', () => {
    expect(patientTabs([], 'a')).toEqual({ patients: [], patientId: '' });
  });
});
