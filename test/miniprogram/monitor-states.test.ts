/**
 * @jest-environment node
 *
 * 实时监测 in the states a real stack cannot hold still: waiting for the device, a command that
 * times out, the backend unreachable, no patients yet. Services come from the preview fixtures.
 */
import { err, ErrorCode } from '../../core';
import type { Result } from '../../core';
import type { CommandReply } from '../../core/api';
import { DEVICE, fixtureServices, never, NOW } from '../../preview/fixtures';
import { createManualClock } from '../helpers/manual-clock';
import { until } from '../helpers/until';
import { openPage, textOf } from './helpers/render';
import { recordingUi } from './helpers/platform';
import { readingTime, whenText } from '../../miniprogram/common/time';
import type { Tile } from '../../miniprogram/pages/monitor/view-model';

beforeEach(() => jest.resetModules());

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

test('"measure now" shows pending until the device answers, then the timeout as a failure', async () => {
  const reply = deferred<Result<CommandReply>>();
  const services = fixtureServices({ api: { measureNow: () => reply.promise } });
  const { page } = openPage('monitor', services);
  await until(() => page.data.state === 'ready', 'the page');
  page.querySelector('.control')!.dispatchEvent('measure', {});
  await until(() => page.data.control.pending === 'measure', 'pending');
  expect(textOf(page, '.control')).toContain('正在测量');
  expect(textOf(page, '.control')).toContain('正在请求设备测量');
  reply.resolve({ ok: true, data: { result: 'timeout', detail: 'no reply in time', offline: false } });
  await until(() => page.data.control.pending === '', 'the answer');
  expect(page.data.control.outcome).toEqual({ kind: 'failed', text: '设备未响应（超时），请稍后重试' });
});

test('a setting an offline device could not take is kept as queued, and the switch stays as chosen', async () => {
  const services = fixtureServices({
    api: {
      setMeasurement: async () => ({
        ok: true,
        data: { result: 'timeout', detail: 'device offline', offline: true, desired: { enabled: false, intervalS: 60 }, pending: true },
      }),
    },
  });
  const { page } = openPage('monitor', services);
  await until(() => page.data.state === 'ready', 'the page');
  page.querySelector('.control')!.dispatchEvent('toggle', { detail: { enabled: false } });
  await until(() => page.data.control.outcome?.kind === 'queued', 'the outcome');
  expect(page.data.control.enabled).toBe(false);
  expect(textOf(page, '.control')).toContain('设备上线后自动生效');
});

test('a command the backend refused puts the switch back', async () => {
  const services = fixtureServices({ api: { setMeasurement: async () => err(ErrorCode.Unavailable, 'device control is not configured on this host') } });
  const { page } = openPage('monitor', services);
  await until(() => page.data.state === 'ready', 'the page');
  page.querySelector('.control')!.dispatchEvent('interval', { detail: { intervalS: 300 } });
  await until(() => page.data.control.outcome?.kind === 'failed', 'the outcome');
  expect(page.data.control.intervalS).toBe(60);
});

test('an unreachable backend shows an error with a retry that loads again', async () => {
  let fail = true;
  const base = fixtureServices();
  const services = fixtureServices({ api: { patients: () => (fail ? Promise.resolve(err(ErrorCode.Unavailable, '网络不可用')) : base.api.patients()) } });
  const { page } = openPage('monitor', services);
  await until(() => page.data.state === 'error', 'the error');
  expect(page.dom!.textContent).toContain('网络或服务暂不可用，请稍后重试');
  fail = false;
  (page.instance as unknown as { onStatusAction(): void }).onStatusAction();
  await until(() => page.data.state === 'ready', 'the retry');
});

test('while loading, the page says so', async () => {
  const { page } = openPage('monitor', fixtureServices({ api: { patients: never } }));
  await new Promise((r) => setTimeout(r, 20));
  expect(page.data.state).toBe('loading');
  expect(page.dom!.textContent).toContain('加载中');
});

test('a user without patients is sent to 我的 to add one', async () => {
  const ui = recordingUi();
  const services = fixtureServices({ ui, api: { patients: async () => ({ ok: true, data: [] }) } });
  const { page } = openPage('monitor', services);
  await until(() => page.data.state === 'empty', 'the empty state');
  expect(page.dom!.textContent).toContain('还没有关注的家人');
  (page.instance as unknown as { onStatusAction(): void }).onStatusAction();
  expect(ui.navigations).toEqual(['/pages/me/index']);
});

test('presence from the broker turns the tiles offline and back', async () => {
  const services = fixtureServices();
  const { page } = openPage('monitor', services);
  await until(() => page.data.state === 'ready', 'the page');
  expect(page.data.tiles[0].state).toBe('fresh');
  services.realtime.emit({ type: 'presence', deviceId: DEVICE.id, online: false, at: NOW });
  await until(() => page.data.tiles[0].state === 'offline', 'offline');
  expect(textOf(page, '.control')).toContain('设备离线');
  services.realtime.emit({ type: 'presence', deviceId: DEVICE.id, online: true, at: NOW });
  await until(() => page.data.tiles[0].state === 'fresh', 'online again');
});

test('hiding the page stops the realtime connection; showing it watches the devices again', async () => {
  const services = fixtureServices();
  const stop = jest.spyOn(services.realtime, 'stop');
  const { page, inst } = openPage('monitor', services);
  await until(() => page.data.state === 'ready', 'the page');
  expect(services.realtime.watched).toEqual([[DEVICE.id]]);
  inst.onHide?.();
  expect(stop).toHaveBeenCalledTimes(1);
  inst.onShow?.();
  await until(() => services.realtime.watched.length === 2, 'watching again');
  inst.onUnload?.();
});

test('as time passes without readings, the tiles turn stale and the live chart empties, then scroll no more once hidden', async () => {
  const clock = createManualClock(NOW);
  const services = fixtureServices({
    clock: clock.now,
    timer: { setTimeout: (fn, ms) => clock.setTimeout(fn, ms) as number, clearTimeout: (id) => clock.clearTimeout(id) },
  });
  const { page, charts, inst } = openPage('monitor', services);
  await until(() => page.data.state === 'ready', 'the page');
  expect(page.data.tiles.map((t: { state: string }) => t.state)).toEqual(['fresh', 'fresh', 'fresh']);
  expect(page.data.liveEmpty).toBe(false);
  clock.advance(4 * 60_000);
  expect(page.data.tiles.map((t: { state: string }) => t.state)).toEqual(['stale', 'stale', 'stale']);
  expect(page.data.tiles[1].time).toBe('4 分钟前');
  clock.advance(7 * 60_000);
  await until(() => page.data.liveEmpty === true, 'the chart to empty');
  expect(charts.last('live')!.xAxis).toMatchObject({ max: NOW + 11 * 60_000 });
  inst.onHide?.();
  expect(clock.pending()).toBe(0);
});

describe('at a glance', () => {
  const offline = {
    ...DEVICE,
    online: false,
    presenceAt: NOW - 42 * 60_000,
    lastReading: { ts: NOW - 45 * 60_000, temperature: 36.4, heartRate: 71, spo2: 96 },
  };

  test('a patient whose readings are normal: 一切正常 with the time, and every tile its normal range', async () => {
    const { page } = openPage('monitor', fixtureServices());
    await until(() => page.data.status?.level === 'ok', 'the status');
    expect(textOf(page, '.status-card')).toContain('一切正常');
    expect(textOf(page, '.status-card')).toContain(`最新数据 ${readingTime(NOW - 20_000, NOW)}`);
    expect(page.data.tiles.map((t: Tile) => t.range)).toEqual(['正常 36.1–38', '正常 51–90', '正常 96–100']);
    expect(page.data.tiles[1].unit).toBe('次/分');
    expect(textOf(page, '.live-row')).toContain('实时数据已连接');
  });

  test('a worrying reading turns the status to 需要关注 and marks the tiles with words', async () => {
    const services = fixtureServices();
    const { page } = openPage('monitor', services);
    await until(() => page.data.status?.level === 'ok', 'the status');
    services.realtime.emit({ type: 'reading', deviceId: DEVICE.id, reading: { ts: NOW, temperature: 38.2, heartRate: 112, spo2: 91 } });
    await until(() => page.data.status?.level === 'attention', 'the new status');
    expect(textOf(page, '.status-card')).toContain('需要关注：体温偏高、心率偏快、血氧偏低');
    expect(page.data.tiles.map((t: Tile) => t.flag)).toEqual(['偏高', '偏快', '偏低']);
  });

  test('an offline device: the status, the connection line, the tiles and the control card all say so', async () => {
    const services = fixtureServices({
      api: {
        patient: async (id) => ({
          ok: true,
          data: { ...((await fixtureServices().api.patient(id)) as { ok: true; data: import('../../core/api').PatientDetail }).data, devices: [offline] },
        }),
        controlState: async (deviceId) => ({ ok: true, data: { deviceId, online: false, audit: [] } }),
      },
    });
    const { page } = openPage('monitor', services);
    await until(() => page.data.status?.level === 'offline', 'the status');
    expect(textOf(page, '.status-card')).toContain('设备离线 42 分钟');
    expect(textOf(page, '.live-row')).toContain('正在等待设备上线');
    expect(textOf(page, '.live-row')).not.toContain('实时数据已连接');
    expect(page.data.tiles.every((t: Tile) => t.state === 'offline')).toBe(true);
    expect(textOf(page, '.control')).toContain('设备离线');
    expect(textOf(page, '.control')).not.toContain('设备在线');
  });

  test('a command that finds the device offline turns the chip offline too: chip and message agree', async () => {
    const services = fixtureServices({
      api: {
        setMeasurement: async () => ({
          ok: true,
          data: { result: 'timeout', detail: 'device offline', offline: true, desired: { enabled: true, intervalS: 300 }, pending: true },
        }),
      },
    });
    const { page } = openPage('monitor', services);
    await until(() => page.data.control.online, 'online at first');
    page.querySelector('.control')!.dispatchEvent('interval', { detail: { intervalS: 300 } });
    await until(() => page.data.control.outcome?.kind === 'queued', 'the outcome');
    expect(page.data.control.online).toBe(false);
    expect(textOf(page, '.control')).not.toContain('设备在线');
    expect(page.data.status?.level).toBe('offline');
  });

  test('turning measurement off asks first; cancelling keeps it on', async () => {
    const ui = recordingUi();
    ui.confirmAnswer = false;
    const sent: unknown[] = [];
    const base = fixtureServices();
    const services = fixtureServices({ ui, api: { setMeasurement: (d, s) => (sent.push(s), base.api.setMeasurement(d, s)) } });
    const { page } = openPage('monitor', services);
    await until(() => page.data.state === 'ready', 'the page');
    page.querySelector('.control')!.dispatchEvent('toggle', { detail: { enabled: false } });
    await until(() => ui.confirms.length === 1, 'the question');
    expect(ui.confirms[0]).toBe('关闭自动测量？');
    await new Promise((r) => setTimeout(r, 20));
    expect(sent).toEqual([]);
    expect(page.data.control.enabled).toBe(true);
    ui.confirmAnswer = true;
    page.querySelector('.control')!.dispatchEvent('toggle', { detail: { enabled: false } });
    await until(() => sent.length === 1, 'the command');
    expect(sent[0]).toEqual({ enabled: false });
    await until(() => page.data.control.changed.startsWith('你于'), 'who changed it');
    expect(textOf(page, '.control')).toContain('修改了设置');
  });

  test('the control card shows who last changed the settings', async () => {
    const services = fixtureServices({
      api: {
        controlState: async (deviceId) => ({
          ok: true,
          data: { deviceId, online: true, desired: { enabled: true, intervalS: 300, at: NOW - 3_600_000, by: 'u_sis' }, audit: [] },
        }),
      },
    });
    const { page } = openPage('monitor', services);
    await until(() => page.data.control.changed !== '', 'the change');
    expect(page.data.control.changed).toBe(`张丽于${whenText(NOW - 3_600_000, NOW)}修改了设置`);
  });
});
