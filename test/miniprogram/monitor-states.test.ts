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
    api: { setMeasurement: async () => ({ ok: true, data: { result: 'timeout', detail: 'device offline', offline: true, desired: { enabled: false, intervalS: 60 }, pending: true } }) },
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
  const services = fixtureServices({ clock: clock.now, timer: { setTimeout: (fn, ms) => clock.setTimeout(fn, ms) as number, clearTimeout: (id) => clock.clearTimeout(id) } });
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
