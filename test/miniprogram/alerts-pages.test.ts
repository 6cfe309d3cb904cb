/**
 * @jest-environment node
 *
 * Alerts in the mini program (#12): the banner on 实时监测 (loaded and live over the realtime
 * topic, acknowledged with one tap), the alerts page (active and past with paging, acknowledge
 * with a note, snooze per kind), the settings page (thresholds for the owner, read-only for
 * family, the WeChat opt-in and its quota) and each patient's alerts in 我的. Services come from
 * the preview fixtures; every call a page makes is recorded.
 */
import { err, ErrorCode } from '../../core';
import type { AlertRecord } from '../../core/alerts';
import type { Api } from '../../miniprogram/services/api';
import { ALERT_ACKED, ALERT_ACTIVE, ALERT_ESCALATED, ALERTS_PAST, alertFixture, fixtureApi, fixtureServices, NOW, TEMPLATE_ID } from '../../preview/fixtures';
import { until } from '../helpers/until';
import { recordingUi } from './helpers/platform';
import { allText, openPage, textOf } from './helpers/render';

beforeEach(() => jest.resetModules());

type Calls = Array<[string, unknown[]]>;

/** The fixture API with some calls replaced, recording every alert call with its arguments. */
function recordedApi(over: Partial<Api> = {}): { api: Partial<Api>; calls: Calls } {
  const calls: Calls = [];
  const base = { ...fixtureApi(), ...over };
  const api: Partial<Api> = {};
  for (const k of [
    'activeAlerts',
    'alertHistory',
    'acknowledgeAlert',
    'snoozeAlerts',
    'snoozes',
    'alertRules',
    'setAlertRules',
    'alertsSubscribed',
    'alertQuota',
  ] as const) {
    (api as Record<string, unknown>)[k] = (...args: unknown[]) => {
      calls.push([k, args]);
      return (base[k] as (...a: unknown[]) => unknown)(...args);
    };
  }
  return { api: { ...over, ...api }, calls };
}

const active = (list: AlertRecord[]) => ({ activeAlerts: async () => ({ ok: true as const, data: list }) });

describe('实时监测 banner', () => {
  test('shows the active alert with severity word, what and since when; one tap acknowledges it', async () => {
    const { api, calls } = recordedApi(active([ALERT_ACTIVE]));
    const services = fixtureServices({ api });
    const { page } = openPage('monitor', services);
    await until(() => page.data.state === 'ready' && page.data.alerts.length === 1, 'the banner');
    const banner = textOf(page, '.banner');
    expect(banner).toContain('紧急');
    expect(banner).toContain('血氧 88%，偏低');
    expect(banner).toMatch(/从今天 \d\d:\d\d 开始/);
    expect(banner).toContain('还没有人确认');
    // The status line does not say 一切正常 while the alert is unresolved, nor repeat the banner.
    expect(page.data.status).toMatchObject({ level: 'attention', title: '最新测量在正常范围' });
    expect(textOf(page, '.status-card')).toContain('提醒尚未解除，见上方');
    expect(textOf(page, '.status-card')).not.toContain('88%');
    // The page listens on the patient's alert topic.
    expect(services.realtime.watchedPatients.at(-1)).toEqual(['p_mom']);

    page.querySelector('.banner')!.dispatchEvent('ack', { detail: { id: ALERT_ACTIVE.id } });
    await until(() => page.data.alerts[0]?.state === 'acked', 'the acknowledgement');
    expect(calls).toContainEqual(['acknowledgeAlert', [ALERT_ACTIVE.id]]);
    expect(textOf(page, '.banner')).toMatch(/我已确认（今天 \d\d:\d\d）/);
    expect(page.data.alerts[0].canAck).toBe(false);
  });

  test("alerts arrive, change and resolve over the realtime topic; other patients' alerts are not shown here", async () => {
    const services = fixtureServices();
    const { page } = openPage('monitor', services);
    await until(() => page.data.state === 'ready', 'the page');
    expect(page.querySelector('.banner .alert')).toBeUndefined();
    services.realtime.emit({ type: 'alert', patientId: 'p_dad', reason: 'raise', alert: { ...ALERT_ACTIVE, id: 'dad', patientId: 'p_dad' } });
    services.realtime.emit({ type: 'alert', patientId: 'p_mom', reason: 'raise', alert: ALERT_ACTIVE });
    await until(() => page.data.alerts.length === 1, 'the raised alert');
    expect(page.data.alerts[0].id).toBe(ALERT_ACTIVE.id);
    services.realtime.emit({ type: 'alert', patientId: 'p_mom', reason: 'escalate', alert: ALERT_ESCALATED });
    await until(() => page.data.alerts[0]?.escalated !== '', 'the escalation');
    expect(textOf(page, '.banner')).toContain('还没有人确认，已再次提醒全家 2 次');
    services.realtime.emit({ type: 'alert', patientId: 'p_mom', reason: 'acknowledge', alert: ALERT_ACKED });
    await until(() => page.data.alerts[0]?.state === 'acked', 'the acknowledgement by 张丽');
    expect(textOf(page, '.banner')).toContain('张丽已确认');
    services.realtime.emit({ type: 'alert', patientId: 'p_mom', reason: 'resolve', alert: { ...ALERT_ACKED, resolvedAt: NOW } });
    await until(() => page.data.alerts.length === 0, 'the resolution');
    expect(page.data.status?.title).toBe('一切正常');
  });

  test('someone else acknowledged first: their acknowledgement is shown, not an error', async () => {
    let first = true;
    const services = fixtureServices({
      api: {
        activeAlerts: async () => {
          const list = first ? [ALERT_ACTIVE] : [ALERT_ACKED];
          first = false;
          return { ok: true, data: list };
        },
        acknowledgeAlert: async () => err(ErrorCode.Conflict, 'already acknowledged'),
      },
    });
    const { page } = openPage('monitor', services);
    await until(() => page.data.state === 'ready' && page.data.alerts.length === 1, 'the banner');
    page.querySelector('.banner')!.dispatchEvent('ack', { detail: { id: ALERT_ACTIVE.id } });
    await until(() => page.data.alerts[0]?.state === 'acked', 'the other acknowledgement');
    expect(page.data.alertError).toBe('');
    expect(textOf(page, '.banner')).toContain('张丽已确认');
  });

  test('a failed acknowledgement says why and keeps the button', async () => {
    const services = fixtureServices({ api: { ...active([ALERT_ACTIVE]), acknowledgeAlert: async () => err(ErrorCode.Unavailable, 'offline') } });
    const { page } = openPage('monitor', services);
    await until(() => page.data.state === 'ready' && page.data.alerts.length === 1, 'the banner');
    page.querySelector('.banner')!.dispatchEvent('ack', { detail: { id: ALERT_ACTIVE.id } });
    await until(() => page.data.alertError !== '', 'the error');
    expect(textOf(page, '.banner')).toContain('网络或服务暂不可用，请稍后重试');
    expect(page.data.alerts[0].canAck).toBe(true);
  });

  test('查看全部提醒 opens the alerts page of the shown patient', async () => {
    const ui = recordingUi();
    const services = fixtureServices({ api: active([ALERT_ACTIVE]), ui });
    const { page } = openPage('monitor', services);
    await until(() => page.data.state === 'ready' && page.data.alerts.length === 1, 'the banner');
    page.querySelector('.banner')!.dispatchEvent('open', {});
    await until(() => ui.navigations.length > 0, 'the navigation');
    expect(ui.navigations).toEqual(['/family/alerts/index?id=p_mom']);
  });
});

describe('提醒 page', () => {
  test('active and past alerts; past ones page by page until there are no more', async () => {
    const older = alertFixture({ id: 'p_mom:vital:spo2:old', startedAt: NOW - 9 * 86_400_000, resolvedAt: NOW - 9 * 86_400_000 + 3_600_000 });
    const { api, calls } = recordedApi({
      ...active([ALERT_ESCALATED]),
      // The history lists the active alert too; the page shows it only once.
      alertHistory: async (_p, before) => ({ ok: true, data: before ? { alerts: [older] } : { alerts: [ALERT_ESCALATED, ...ALERTS_PAST], next: 'cursor-1' } }),
    });
    const { page } = openPage('alerts', fixtureServices({ api }), { id: 'p_mom' });
    await until(() => page.data.state === 'ready', 'the page');
    expect(page.data.active.map((a: { id: string }) => a.id)).toEqual([ALERT_ESCALATED.id]);
    expect(page.data.past.map((a: { id: string }) => a.id)).toEqual(ALERTS_PAST.map((a) => a.id));
    const text = allText(page);
    expect(text).toContain('还没有人确认，已再次提醒全家 2 次');
    expect(text).toContain('体温 38.6°C，偏高');
    expect(text).toMatch(/已恢复（昨天 \d\d:\d\d）/);
    expect(textOf(page, '.more')).toBe('加载更早的提醒');
    (page.instance as unknown as { onMore(): Promise<void> }).onMore();
    await until(() => page.data.past.length === 4, 'the next page');
    expect(calls.filter(([k]) => k === 'alertHistory').map(([, a]) => a[1])).toEqual([undefined, 'cursor-1']);
    expect(page.data.next).toBe('');
    expect(page.querySelector('.more')).toBeUndefined();
  });

  test('acknowledge with a note: the note goes with it and is shown', async () => {
    const { api, calls } = recordedApi(active([ALERT_ACTIVE]));
    const { page } = openPage('alerts', fixtureServices({ api }), { id: 'p_mom' });
    await until(() => page.data.state === 'ready', 'the page');
    page.querySelector('.ack-start')!.dispatchEvent('tap');
    await until(() => page.data.acking === ALERT_ACTIVE.id, 'the note form');
    page.querySelector('.note')!.dispatchEvent('input', { detail: { value: ' 我马上过去看看 ' } });
    page.querySelector('.ack-confirm')!.dispatchEvent('tap');
    await until(() => page.data.active[0]?.state === 'acked', 'the acknowledgement');
    expect(calls).toContainEqual(['acknowledgeAlert', [ALERT_ACTIVE.id, '我马上过去看看']]);
    expect(allText(page)).toContain('“我马上过去看看”');
  });

  test('snooze one kind for a chosen time, see it, and end it', async () => {
    let snoozed: Array<{ patientId: string; kind: 'spo2'; until: number; by: string; at: number }> = [];
    const { api, calls } = recordedApi({
      ...active([ALERT_ACTIVE]),
      snoozeAlerts: async (patientId, kind, minutes) => {
        const rec = { patientId, kind: kind as 'spo2', until: NOW + minutes * 60_000, by: 'u_me', at: NOW };
        snoozed = minutes ? [rec] : [];
        return { ok: true, data: rec };
      },
      snoozes: async () => ({ ok: true, data: snoozed }),
    });
    const { page } = openPage('alerts', fixtureServices({ api }), { id: 'p_mom' });
    await until(() => page.data.state === 'ready', 'the page');
    page.querySelector('.snooze-start')!.dispatchEvent('tap');
    await until(() => page.data.snoozeKind === 'spo2', 'the choices');
    expect(allText(page)).toContain('暂停「血氧」的微信提醒多久？');
    page.querySelectorAll('.choice')[1].dispatchEvent('tap');
    await until(() => page.data.snoozes.length === 1, 'the snooze');
    expect(calls).toContainEqual(['snoozeAlerts', ['p_mom', 'spo2', 120]]);
    expect(page.data.snoozes[0].text).toMatch(/^血氧提醒已暂停到今天 \d\d:\d\d（我设置）$/);
    page.querySelector('.end-snooze')!.dispatchEvent('tap');
    await until(() => page.data.snoozes.length === 0, 'the end of the snooze');
    expect(calls).toContainEqual(['snoozeAlerts', ['p_mom', 'spo2', 0]]);
  });

  test('nothing active and no past alerts: the page says so', async () => {
    const { page } = openPage('alerts', fixtureServices({ api: { alertHistory: async () => ({ ok: true, data: { alerts: [] } }) } }), { id: 'p_mom' });
    await until(() => page.data.state === 'ready', 'the page');
    expect(allText(page)).toContain('现在没有需要处理的提醒');
    expect(allText(page)).toContain('还没有过去的提醒');
  });
});

describe('提醒设置 page', () => {
  test('the owner changes the SpO2 scale and switches a kind off; the change goes to setRules', async () => {
    const { api, calls } = recordedApi();
    const { page } = openPage('alert-settings', fixtureServices({ api }), { id: 'p_mom' });
    await until(() => page.data.state === 'ready', 'the page');
    expect(page.data.isOwner).toBe(true);
    expect(allText(page)).toContain('91% 及以下');
    page.querySelectorAll('.choice')[1].dispatchEvent('tap');
    await until(() => page.data.spo2Scale === 2, 'scale 2');
    expect(calls).toContainEqual(['setAlertRules', ['p_mom', { spo2Scale: 2 }]]);
    (page.instance as unknown as { onKind(e: unknown): void }).onKind({ detail: { value: false }, currentTarget: { dataset: { kind: 'offline' } } });
    await until(() => calls.some(([k, a]) => k === 'setAlertRules' && (a[1] as { disabled?: string[] }).disabled !== undefined), 'the switch');
    expect(calls).toContainEqual(['setAlertRules', ['p_mom', { disabled: ['offline'] }]]);
    expect(page.data.changed).toMatch(/^我于今天 \d\d:\d\d修改了提醒设置$/);
  });

  test('family see the thresholds read-only, and taps change nothing', async () => {
    const { api, calls } = recordedApi();
    const { page } = openPage('alert-settings', fixtureServices({ api }), { id: 'p_dad' });
    await until(() => page.data.state === 'ready', 'the page');
    expect(page.data.isOwner).toBe(false);
    expect(allText(page)).toContain('只有管理者可以修改这些设置');
    expect(page.querySelector('switch')).toBeUndefined();
    page.querySelectorAll('.choice')[1].dispatchEvent('tap');
    await new Promise((r) => setTimeout(r, 20));
    expect(calls.filter(([k]) => k === 'setAlertRules')).toEqual([]);
  });

  test('a refused change (the owner role was lost meanwhile) is explained and the controls go back', async () => {
    const { page } = openPage('alert-settings', fixtureServices({ api: { setAlertRules: async () => err(ErrorCode.Forbidden, 'owner only') } }), {
      id: 'p_mom',
    });
    await until(() => page.data.state === 'ready', 'the page');
    page.querySelectorAll('.choice')[1].dispatchEvent('tap');
    await until(() => page.data.saveError !== '', 'the error');
    expect(page.data.saveError).toBe('只有管理者可以修改提醒设置');
    expect(page.data.spo2Scale).toBe(1);
  });

  test('quota run out: the page says so; accepting in WeChat records one more send', async () => {
    const ui = recordingUi();
    let remaining = 0;
    const { api, calls } = recordedApi({
      alertQuota: async () => ({ ok: true, data: { templateId: TEMPLATE_ID, remaining: { [TEMPLATE_ID]: remaining } } }),
      alertsSubscribed: async (templateId, count = 1) => ({ ok: true, data: { templateId, remaining: (remaining += count) } }),
    });
    const { page } = openPage('alert-settings', fixtureServices({ api, ui }), { id: 'p_mom' });
    await until(() => page.data.state === 'ready', 'the page');
    expect(page.data.quota?.level).toBe('empty');
    expect(textOf(page, '.quota')).toContain('微信提醒次数已用完');
    page.querySelector('.subscribe')!.dispatchEvent('tap');
    await until(() => page.data.quota?.level === 'ok', 'the new quota');
    expect(ui.subscribeRequests).toEqual([[TEMPLATE_ID]]);
    expect(calls).toContainEqual(['alertsSubscribed', [TEMPLATE_ID, 1]]);
    expect(textOf(page, '.quota')).toContain('还可以收到 1 条微信提醒');
    expect(textOf(page, '.hint')).toBeTruthy();
  });

  test.each([
    ['reject', '你没有选择「允许」'],
    ['ban', '通知管理'],
    ['fail', '微信没有弹出订阅窗口'],
  ])('an answer of %s records nothing and says what to do', async (answer, words) => {
    const ui = recordingUi();
    ui.subscribeAnswer = answer;
    const { api, calls } = recordedApi();
    const { page } = openPage('alert-settings', fixtureServices({ api, ui }), { id: 'p_mom' });
    await until(() => page.data.state === 'ready', 'the page');
    page.querySelector('.subscribe')!.dispatchEvent('tap');
    await until(() => page.data.subscribeText !== '', 'the answer');
    expect(page.data.subscribeText).toContain(words);
    expect(calls.filter(([k]) => k === 'alertsSubscribed')).toEqual([]);
  });

  test('without a configured template there is no opt-in button, and the page says why', async () => {
    const { page } = openPage(
      'alert-settings',
      fixtureServices({ api: { alertQuota: async () => ({ ok: true, data: { templateId: null, remaining: {} } }) } }),
      { id: 'p_mom' },
    );
    await until(() => page.data.state === 'ready', 'the page');
    expect(page.querySelector('.subscribe')).toBeUndefined();
    expect(textOf(page, '.quota')).toContain('微信提醒还没有开通');
  });
});

test("我的 shows each patient's alerts at a glance", async () => {
  const services = fixtureServices({ api: { activeAlerts: async (id) => ({ ok: true, data: id === 'p_mom' ? [ALERT_ESCALATED] : [] }) } });
  const { page } = openPage('me', services);
  await until(() => page.data.patients.length === 2 && page.data.patients.every((p: { alert?: unknown }) => p.alert !== undefined), 'the alert lines');
  const [mom, dad] = page.data.patients;
  expect(mom.alert).toEqual({ level: 'urgent', text: '紧急 · 1 条提醒还没有人确认' });
  expect(mom.status?.title).toBe('需要关注：血氧 88%，偏低');
  expect(dad.alert).toBeNull();
  expect(allText(page)).toContain('没有待处理的提醒');
});
