/**
 * @jest-environment node
 *
 * The alert words a family reads (common/alerts) and the settings page's rules in words: what,
 * how serious (a word with every colour), since when, who acknowledged, escalation, the status
 * line never saying 一切正常 under an unresolved alert, the WeChat quota, the thresholds.
 */
import { defaultRules } from '../../core/alerts';
import { alertSummary, alertTitle, alertView, applyAlert, quotaView, snoozeView, sortAlerts, withAlerts } from '../../miniprogram/common/alerts';
import { kindSwitches, toggledDisabled, vitalRules } from '../../miniprogram/family/alert-settings/view-model';
import { callRows } from '../../miniprogram/family/patient/view-model';
import { alertFixture, ALERT_ACKED, ALERT_ACTIVE, ALERT_ESCALATED, ALERTS_PAST, NOW, SNOOZE_OFFLINE } from '../../preview/fixtures';

const NAMES = { u_sis: '张丽', u_me: '张伟' };

describe('alert words', () => {
  test.each([
    [{ kind: 'spo2' as const, value: 88 }, '血氧 88%，偏低'],
    [{ kind: 'heartRate' as const, value: 118 }, '心率 118 次/分，偏快'],
    [{ kind: 'heartRate' as const, value: 38 }, '心率 38 次/分，偏慢'],
    [{ kind: 'temperature' as const, value: 38.6 }, '体温 38.6°C，偏高'],
    [{ kind: 'temperature' as const, value: 34.8 }, '体温 34.8°C，偏低'],
    [{ kind: 'combined' as const, value: 6, partial: true }, '综合评分偏高（6 分），仅含 3 项体征'],
    [{ kind: 'no-data' as const }, '设备没有发来新数据'],
    [{ kind: 'offline' as const }, '设备离线'],
    [{ kind: 'check-sensor' as const }, '测不到心率和血氧，请检查传感器是否戴好'],
  ])('%j reads %s', (a, title) => {
    expect(alertTitle(a)).toBe(title);
  });

  test('an active alert: severity word, since when, nobody has confirmed, confirm allowed', () => {
    expect(alertView(ALERT_ACTIVE, NAMES, 'u_me', NOW)).toMatchObject({
      severity: 'urgent',
      severityWord: '紧急',
      state: 'active',
      stateText: '还没有人确认',
      escalated: '',
      canAck: true,
    });
    expect(alertView(ALERT_ACTIVE, NAMES, 'u_me', NOW).since).toMatch(/^从今天 \d\d:\d\d 开始$/);
  });

  test('escalated, acknowledged (by someone else, by me) and resolved alerts say so', () => {
    expect(alertView(ALERT_ESCALATED, NAMES, 'u_me', NOW).escalated).toBe('还没有人确认，已再次提醒全家 2 次');
    expect(alertView(ALERT_ESCALATED, NAMES, 'u_me', NOW).stateText).toBe(''); // said once, by the escalation line
    const acked = alertView(ALERT_ACKED, NAMES, 'u_me', NOW);
    expect(acked).toMatchObject({ state: 'acked', canAck: false, escalated: '', note: '“已打电话，妈妈说在休息”' });
    expect(acked.stateText).toMatch(/^张丽已确认（今天 \d\d:\d\d）$/);
    expect(alertView(ALERT_ACKED, NAMES, 'u_sis', NOW).stateText).toMatch(/^我已确认/);
    const resolved = alertView(ALERTS_PAST[0], NAMES, 'u_me', NOW);
    expect(resolved).toMatchObject({ state: 'resolved', canAck: false, severityWord: '注意' });
    expect(resolved.stateText).toMatch(/^已恢复（昨天 \d\d:\d\d），我已确认（昨天 \d\d:\d\d）$/);
    // An escalated alert that was acknowledged is no longer "waiting".
    expect(alertView({ ...ALERT_ESCALATED, ack: { by: 'u_sis', at: NOW } }, NAMES, 'u_me', NOW).escalated).toBe('');
  });

  test('realtime updates replace by id, add new ones and drop resolved ones; the most serious comes first', () => {
    const info = alertFixture({ id: 'i', kind: 'heartRate', severity: 'info', value: 95, startedAt: NOW - 1000 });
    let list = applyAlert([], info);
    list = applyAlert(list, ALERT_ACTIVE);
    expect(sortAlerts(list).map((a) => a.id)).toEqual([ALERT_ACTIVE.id, 'i']);
    list = applyAlert(list, ALERT_ACKED);
    expect(list.filter((a) => a.id === ALERT_ACTIVE.id)).toEqual([ALERT_ACKED]);
    list = applyAlert(list, { ...ALERT_ACKED, resolvedAt: NOW });
    expect(list.map((a) => a.id)).toEqual(['i']);
  });

  test('我的 summarises how many alerts wait for someone, and the status line never says 一切正常 under an alert', () => {
    expect(alertSummary([])).toBeUndefined();
    expect(alertSummary([ALERT_ESCALATED])).toEqual({ level: 'urgent', text: '紧急 · 1 条提醒还没有人确认' });
    expect(alertSummary([ALERT_ACKED])).toEqual({ level: 'urgent', text: '紧急 · 1 条提醒已有家人确认，尚未恢复' });
    const ok = { level: 'ok', title: '一切正常', detail: '最新数据 09:59:40' };
    expect(withAlerts(ok, [])).toBe(ok);
    expect(withAlerts(ok, [ALERT_ACTIVE])).toEqual({ level: 'attention', title: '需要关注：血氧 88%，偏低', detail: '最新数据 09:59:40' });
    // Below the monitor page's banner the card does not repeat the alert next to tiles showing newer values.
    expect(withAlerts(ok, [ALERT_ACTIVE], { belowBanner: true })).toEqual({
      level: 'attention',
      title: '最新测量在正常范围',
      detail: '最新数据 09:59:40 · 提醒尚未解除，见上方',
    });
    expect(withAlerts(ok, [], { belowBanner: true })).toBe(ok);
    const offline = { level: 'offline', title: '设备离线 45 分钟', detail: '' };
    expect(withAlerts(offline, [ALERT_ACTIVE])).toBe(offline);
    expect(withAlerts(offline, [ALERT_ACTIVE], { belowBanner: true })).toBe(offline);
  });

  test('snoozes and the WeChat quota in words', () => {
    expect(snoozeView(SNOOZE_OFFLINE, NAMES, 'u_me', NOW).text).toMatch(/^设备离线提醒已暂停到今天 \d\d:\d\d（张丽设置）$/);
    expect(quotaView(null, {})).toMatchObject({ level: 'off', canSubscribe: false });
    expect(quotaView('t1', { t1: 3 })).toMatchObject({ level: 'ok', canSubscribe: true, text: expect.stringContaining('还可以收到 3 条微信提醒') });
    expect(quotaView('t1', { t1: 0 })).toMatchObject({ level: 'empty', canSubscribe: true, text: expect.stringContaining('微信提醒次数已用完') });
    expect(quotaView('t1', { other: 5 }).level).toBe('empty');
  });
});

describe('alert settings in words', () => {
  test("each vital's bands, most serious first, with the severity word", () => {
    const [spo2, pulse, temp] = vitalRules(defaultRules());
    expect(spo2.bands).toEqual([
      { severity: 'urgent', word: '紧急', text: '91% 及以下' },
      { severity: 'warning', word: '注意', text: '92–93%' },
      { severity: 'info', word: '提示', text: '94–95%' },
    ]);
    expect(pulse.bands.map((b) => `${b.word} ${b.text}`)).toEqual([
      '紧急 40 次/分 及以下',
      '紧急 131 次/分 及以上',
      '注意 111–130 次/分',
      '提示 41–50 次/分',
      '提示 91–110 次/分',
    ]);
    expect(temp.bands.map((b) => b.text)).toEqual(['35.0°C 及以下', '39.1°C 及以上', '35.1–36.0°C', '38.1–39.0°C']);
    expect(vitalRules(defaultRules(2))[0].bands[0].text).toBe('83% 及以下');
  });

  test('kinds can be switched off and on again', () => {
    const rules = defaultRules();
    expect(kindSwitches(rules).every((k) => k.on)).toBe(true);
    const off = toggledDisabled(rules, 'offline', false);
    expect(off).toEqual(['offline']);
    expect(toggledDisabled({ ...rules, disabled: off }, 'offline', true)).toEqual([]);
  });
});

test("the numbers to call: the patient's own first, then the contacts with their relation", () => {
  expect(callRows({ name: '王秀英', sex: 'female', notes: '' })).toEqual([]);
  expect(
    callRows({
      name: '王秀英',
      sex: 'female',
      notes: '',
      phone: '13900001111',
      emergencyContacts: [
        { name: '张丽', relation: '女儿', phone: '110' },
        { name: '社区医生', phone: '120' },
      ],
    }),
  ).toEqual([
    { who: '王秀英本人', phone: '13900001111' },
    { who: '张丽（女儿）', phone: '110' },
    { who: '社区医生', phone: '120' },
  ]);
});
