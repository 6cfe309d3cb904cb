/**
 * The pages' pure rules, as tables: when a tile is stale, what a command's answer tells the user,
 * how history is summarised, how codes from scans and ranges from presets are read.
 */
import { err, ErrorCode } from '../../core';
import type { Result } from '../../core';
import type { CommandReply, HistoryResult } from '../../core/api';
import { outcomeOf, staleAfterMs, tileOf, mergeLatest, type Latest } from '../../miniprogram/pages/monitor/view-model';
import { resolutionNote, summarize } from '../../miniprogram/pages/history/view-model';
import { codeFromScan, inviteText, memberRows } from '../../miniprogram/family/patient/view-model';
import { describe as describePatient, nicknameFrom } from '../../miniprogram/pages/me/view-model';
import { avatarSource } from '../../miniprogram/services/avatar';
import { initialOf } from '../../miniprogram/components/user-avatar/model';
import { profileFrom } from '../../miniprogram/components/profile-form/model';
import { presetRange } from '../../miniprogram/components/range-picker/model';
import { startOfDay, dayLabel } from '../../miniprogram/common/time';
import { durationText, levelWord, normalRangeText, patientStatus, type Snapshot, snapshotOf } from '../../miniprogram/common/status';
import { changedByText, connectionLine } from '../../miniprogram/pages/monitor/view-model';
import { dailyBuckets, dayRows, historyQuery, rangeLabel } from '../../miniprogram/pages/history/view-model';
import { patientItem } from '../../miniprogram/pages/me/view-model';
import { DEVICE, PATIENTS } from '../../preview/fixtures';
import { NORMAL_RANGES, rangeLevel } from '../../core/vitals';
import { defaultRules } from '../../core/alerts';
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
    expect(tileOf('temperature', { ts: NOW - 44 * 60_000, value: 36.44 }, true, 60, NOW)).toMatchObject({
      value: '36.4',
      state: 'stale',
      time: expect.stringContaining('44 分钟前'),
    });
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
    const raw: HistoryResult = {
      patientId: 'p',
      from: 0,
      to: 10,
      kind: 'raw',
      readings: [
        { ts: 1, heartRate: 60 },
        { ts: 2, heartRate: 90, spo2: 97 },
      ],
    };
    expect(summarize(raw).map((s) => [s.vital, s.n, s.min, s.avg, s.max])).toEqual([
      ['temperature', 0, '--', '--', '--'],
      ['heartRate', 2, '60', '75', '90'],
      ['spo2', 1, '97', '97', '97'],
    ]);
    const buckets: HistoryResult = {
      patientId: 'p',
      from: 0,
      to: 10,
      kind: 'buckets',
      widthMs: 3_600_000,
      buckets: [
        { t: 0, n: 3, heartRate: { min: 60, avg: 70, max: 80, n: 3 } },
        { t: 3_600_000, n: 1, heartRate: { min: 90, avg: 90, max: 90, n: 1 } },
      ],
    };
    expect(summarize(buckets)[1]).toMatchObject({ n: 4, min: '60', avg: '75', max: '90' });
    const note = resolutionNote(buckets);
    expect(note).toMatch(/^每个点为 1 小时内的平均值，浅蓝阴影为最低–最高范围；/);
    expect(note).toContain('浅蓝阴影为最低–最高范围；绿色区域为正常范围；曲线中断处表示那段时间没有数据');
    expect(resolutionNote(raw)).toMatch(/^每个点为一次测量；/);
    expect(resolutionNote(buckets, true)).toMatch(/^每个点为一天的平均值/);
  });

  test('preset 24h spans a day ending now', () => {
    expect(presetRange('24h', NOW)).toEqual({ from: NOW - 86_400_000, to: NOW });
  });

  test.each([
    ['7d', 6],
    ['30d', 29],
  ] as const)('preset %s covers whole calendar days, today included', (preset, daysBack) => {
    expect(presetRange(preset, NOW)).toEqual({ from: startOfDay(NOW) - daysBack * 86_400_000, to: NOW });
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
    expect(memberRows(members, 'me', true, noPicture).map((m) => [m.name, m.isMe, m.removable])).toEqual([
      ['张伟', true, false],
      ['张丽', false, true],
    ]);
    expect(memberRows(members, 'sis', false, noPicture).every((m) => !m.removable)).toBe(true);
  });

  test('a member row shows the avatar the member chose, resolved for this mode, or none', () => {
    const members = [
      { patientId: 'p', userId: 'me', userName: '张伟', avatarUrl: '/files/avatars/0123456789abcdef0123456789abcdef.png', role: 'owner' as const, since: 0 },
      { patientId: 'p', userId: 'sis', userName: '张丽', role: 'family' as const, since: 0 },
    ];
    const local = (ref: string | undefined) => avatarSource(ref, 'local', 'http://192.168.1.10:3000/');
    expect(memberRows(members, 'me', true, local).map((m) => m.avatarSrc)).toEqual([
      'http://192.168.1.10:3000/files/avatars/0123456789abcdef0123456789abcdef.png',
      '',
    ]);
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

  const blank = { name: '王', sexIndex: 0, birthDate: '', notes: '', phone: '', contacts: [] as Array<{ name: string; relation: string; phone: string }> };
  const contact = (name: string, phone: string, relation = '') => ({ name, relation, phone });
  test.each([
    [{ ...blank, name: ' ' }, '请填写姓名'],
    [{ ...blank, name: 'x'.repeat(33) }, '姓名最多 32 个字'],
    [{ ...blank, notes: 'x'.repeat(501) }, '备注最多 500 字'],
    [{ ...blank, phone: '138 abc' }, '电话只能填数字、+ 和 -，例如 13800138000 或 0571-88886666'],
    [{ ...blank, contacts: [contact('', '110', '邻居')] }, '请填写第 1 位紧急联系人的称呼'],
    [{ ...blank, contacts: [contact('张丽', '13800138000'), contact('邻居', '12')] }, '第 2 位紧急联系人的电话只能填数字、+ 和 -'],
    [{ ...blank, contacts: Array.from({ length: 6 }, (_, i) => contact(`人${i}`, '110')) }, '紧急联系人最多 5 位'],
  ])('the profile form refuses %j', (form, message) => {
    expect(profileFrom(form)).toEqual({ ok: false, message });
  });

  test('the profile form sends the phone and contacts (empty rows dropped, spaces out of numbers), and empty ones to clear them', () => {
    const form = {
      ...blank,
      phone: '139 0000 1111',
      contacts: [contact(' 张丽 ', '+86-138-0013-8000', '女儿'), contact('', ''), contact('社区医生', '0571 8888 6666')],
    };
    expect(profileFrom(form)).toEqual({
      ok: true,
      profile: {
        name: '王',
        sex: 'female',
        notes: '',
        phone: '13900001111',
        emergencyContacts: [
          { name: '张丽', relation: '女儿', phone: '+86-138-0013-8000' },
          { name: '社区医生', phone: '057188886666' },
        ],
      },
    });
    expect(profileFrom(blank)).toEqual({ ok: true, profile: { name: '王', sex: 'female', notes: '', phone: '', emergencyContacts: [] } });
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
    expect(patientTabs(list, current)).toEqual({
      patients: [
        { id: 'a', name: '王秀英' },
        { id: 'b', name: '李建国' },
      ],
      patientId: chosen,
    });
  });
  test('no patients: no choice', () => {
    expect(patientTabs([], 'a')).toEqual({ patients: [], patientId: '' });
  });
});

describe('status at a glance', () => {
  const MIN = 60_000;
  const snap = (over: Partial<Snapshot> = {}): Snapshot => ({
    devices: 1,
    online: true,
    latest: { temperature: { ts: NOW - MIN, value: 36.6 }, heartRate: { ts: NOW - MIN, value: 74 }, spo2: { ts: NOW - MIN, value: 97 } },
    staleAfterMs: 3 * MIN,
    ...over,
  });

  test('the normal ranges are where the alert rules score 0 (a tile never contradicts an alert)', () => {
    const bands = defaultRules().bands;
    for (const key of ['temperature', 'heartRate', 'spo2'] as const) {
      const r = NORMAL_RANGES[key];
      const scored = (v: number) => bands[key].some((b) => (b.min === null || v >= b.min) && (b.max === null || v <= b.max));
      const step = key === 'temperature' ? 0.1 : 1;
      expect(scored(r.low)).toBe(false);
      expect(scored(r.high)).toBe(false);
      expect(scored(Math.round((r.low - step) * 10) / 10)).toBe(true);
      if (key !== 'spo2') expect(scored(Math.round((r.high + step) * 10) / 10)).toBe(true);
    }
    expect(rangeLevel('spo2', 95.6)).toBe('normal');
    expect(rangeLevel('spo2', 95.4)).toBe('low');
    expect(rangeLevel('temperature', 38.04)).toBe('normal');
  });

  test('words and ranges read the way families say them', () => {
    expect(levelWord('heartRate', 112)).toBe('偏快');
    expect(levelWord('heartRate', 45)).toBe('偏慢');
    expect(levelWord('spo2', 91)).toBe('偏低');
    expect(levelWord('temperature', 38.2)).toBe('偏高');
    expect(levelWord('heartRate', 74)).toBe('');
    expect(normalRangeText('temperature')).toBe('正常 36.1–38');
    expect(normalRangeText('heartRate')).toBe('正常 51–90');
    expect(durationText(45 * MIN)).toBe('45 分钟');
    expect(durationText(3 * 3_600_000)).toBe('3 小时');
  });

  test.each<[string, Partial<Snapshot>, string, string]>([
    ['all fine', {}, 'ok', '一切正常'],
    [
      'a low SpO2',
      {
        latest: { spo2: { ts: NOW - MIN, value: 91 }, heartRate: { ts: NOW - MIN, value: 112 } },
      },
      'attention',
      '需要关注：心率偏快、血氧偏低',
    ],
    ['offline since 45 minutes', { online: false, offlineSince: NOW - 45 * MIN }, 'offline', '设备离线 45 分钟'],
    ['offline, no presence time: the last reading', { online: false }, 'offline', '设备离线 1 分钟'],
    ['nothing today', { latest: { heartRate: { ts: startOfDay(NOW) - MIN, value: 70 } } }, 'nodata', '今天还没有数据'],
    ['never any reading', { latest: {} }, 'nodata', '今天还没有数据'],
    ['measurement off', { measuring: false }, 'nodata', '测量已关闭'],
    ['quiet for 20 minutes', { latest: { heartRate: { ts: NOW - 20 * MIN, value: 70 } } }, 'nodata', '已有 20 分钟没有新数据'],
    ['no device', { devices: 0 }, 'nodevice', '还没有绑定设备'],
  ])('%s', (_name, over, level, title) => {
    expect(patientStatus(snap(over), NOW)).toMatchObject({ level, title });
  });

  test('the detail gives the time of the latest reading; offline wins over an old abnormal value', () => {
    expect(patientStatus(snap(), NOW).detail).toMatch(/^最新数据 \d\d:\d\d:\d\d$/);
    const off = patientStatus(snap({ online: false, offlineSince: NOW - 45 * MIN, latest: { spo2: { ts: NOW - 46 * MIN, value: 90 } } }), NOW);
    expect(off).toMatchObject({ level: 'offline', title: '设备离线 45 分钟' });
    expect(off.detail).toMatch(/^最后数据 /);
  });

  test('a snapshot of stored devices: any online device counts, the latest presence change dates the offline state', () => {
    const a = { ...DEVICE, id: 'a', online: false, presenceAt: NOW - 50 * MIN };
    const b = { ...DEVICE, id: 'b', online: false, presenceAt: NOW - 45 * MIN };
    expect(snapshotOf([a, b], MIN)).toMatchObject({ devices: 2, online: false, offlineSince: NOW - 45 * MIN });
    expect(snapshotOf([a, { ...b, online: true }], MIN)).toMatchObject({ online: true, offlineSince: undefined });
    expect(patientItem(PATIENTS[0], NOW, [a]).status).toMatchObject({ level: 'offline', title: '设备离线 50 分钟' });
    expect(patientItem(PATIENTS[0], NOW).status).toBeUndefined();
  });

  test('tiles carry the normal range and a word outside it', () => {
    expect(tileOf('heartRate', { ts: NOW - 1000, value: 112 }, true, 60, NOW)).toMatchObject({ unit: '次/分', range: '正常 51–90', flag: '偏快' });
    expect(tileOf('heartRate', { ts: NOW - 1000, value: 74 }, true, 60, NOW)).toMatchObject({ flag: '' });
  });

  test('the connection line never shows green beside an offline device', () => {
    expect(connectionLine('live', '', true).tone).toBe('live');
    expect(connectionLine('live', '', false)).toEqual({ tone: 'idle', text: '手机已连接，正在等待设备上线' });
    expect(connectionLine('error', '实时连接失败：x', true)).toEqual({ tone: 'error', text: '实时连接失败：x' });
  });

  test('who changed the settings', () => {
    expect(changedByText({ by: 'u_sis', at: NOW - 3_600_000 }, { u_sis: '张丽' }, 'u_me', NOW)).toMatch(/^张丽于今天 \d\d:\d\d修改了设置$/);
    expect(changedByText({ by: 'u_me', at: NOW }, {}, 'u_me', NOW)).toMatch(/^你于今天 /);
    expect(changedByText({ by: 'u_gone', at: NOW }, {}, 'u_me', NOW)).toMatch(/^家人于今天 /);
    expect(changedByText(undefined, {}, 'u_me', NOW)).toBe('');
    // Asked for before the device came to this patient: nobody is named (not even "you" without a user id).
    expect(changedByText({ by: '', at: NOW }, {}, '', NOW)).toMatch(/^设置于今天 \d\d:\d\d修改$/);
  });
});

describe('history by day', () => {
  const H = 3_600_000;
  const D = 24 * H;
  const today = startOfDay(NOW);
  const b = (t: number, hr: [number, number, number], n = 60) => ({ t, n, heartRate: { min: hr[0], avg: hr[1], max: hr[2], n } });
  const result: HistoryResult = {
    patientId: 'p',
    from: today - 2 * D,
    to: NOW,
    kind: 'buckets',
    widthMs: H,
    buckets: [b(today - 2 * D + H, [60, 70, 80]), b(today - 2 * D + 2 * H, [90, 100, 110]), b(today + H, [55, 65, 75])],
  };

  test('hourly buckets merge into local days', () => {
    const days = dailyBuckets(result);
    expect(days.map((d) => d.t)).toEqual([today - 2 * D, today]);
    expect(days[0].heartRate).toEqual({ min: 60, avg: 85, max: 110, n: 120 });
  });

  test('rows: newest first, natural names, hours out of range, days without data explained', () => {
    const rows = dayRows(result, today - 2 * D, NOW, NOW);
    expect(rows.map((r) => [r.day, r.level, r.summary])).toEqual([
      ['今天', 'ok', '全天正常'],
      ['昨天', 'nodata', '没有数据：设备离线或测量已关闭'],
      [dayLabel(today - 2 * D, NOW), 'attention', '心率偏快 1 小时'],
    ]);
    expect(rows[2].cells[1]).toMatchObject({ text: '60–110', flag: '偏快' });
  });

  test('long ranges ask for hourly buckets; short ones for what fits', () => {
    expect(historyQuery('p', NOW - 7 * D, NOW, 300)).toMatchObject({ mode: 'buckets', maxPoints: 300 });
    expect(historyQuery('p', NOW - 30 * D, NOW, 300)).toMatchObject({ mode: 'buckets', maxPoints: 721 });
    expect(historyQuery('p', NOW - D, NOW, 300)).toEqual({ patientId: 'p', from: NOW - D, to: NOW, maxPoints: 300 });
  });

  test('ranges in words', () => {
    expect(rangeLabel(today, NOW, NOW)).toBe('今天');
    expect(rangeLabel(NOW - D, NOW, NOW)).toBe('最近 24 小时');
    expect(rangeLabel(today - 6 * D, NOW, NOW)).toBe('最近 7 天（11月21日–今天）');
    expect(rangeLabel(new Date(2026, 10, 1).getTime(), new Date(2026, 10, 3).getTime(), NOW)).toBe('11月1日–11月2日');
  });
});
