/**
 * @jest-environment node
 *
 * 实时监测 against the real stack: the page's services talk HTTP to the function host and MQTT
 * over WebSocket to the broker; the device is a real MQTT client or an emulated terminal.
 */
import { buildRequest, topics } from '../../core/alink';
import { createDevice as createTerminal, type EmulatedDevice } from '../../device-emulator/device';
import { createSteadySource } from '../../device-emulator/vitals/steady-source';
import type { MqttClient } from 'mqtt';
import { connectDevice, publish } from '../helpers/stack';
import { until } from '../helpers/until';
import { ownerWithDevice } from './helpers/family';
import { allText, openPage, textOf } from './helpers/render';
import { type phoneServices, useLocalStack } from './helpers/services';

const stack = useLocalStack();
const cleanups: Array<() => Promise<unknown> | unknown> = [];
beforeEach(() => jest.resetModules());
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

type Page = ReturnType<typeof openPage>;
const tileTexts = (page: Page['page']) => page.querySelectorAll('.tile-cell').map((t) => (t.dom?.textContent ?? '').replace(/\s+/g, ' ').trim());

function open(services: ReturnType<typeof phoneServices>['services']) {
  const opened = openPage('monitor', services);
  cleanups.push(() => opened.inst.onUnload?.());
  return opened;
}

test('a reading the device publishes over MQTT updates the tiles and the live chart', async () => {
  const { phone, creds } = await ownerWithDevice(stack(), 'mon-live');
  const device: MqttClient = await connectDevice(stack(), creds);
  cleanups.push(() => device.endAsync(true));
  const { page, charts } = open(phone.services);
  await until(() => page.data.state === 'ready' && page.data.live === 'live', 'the page to go live');
  expect(tileTexts(page)[1]).toContain('--');

  await publish(device, topics.propertyPost(creds), buildRequest('1', 'thing.event.property.post', { BodyTemperature: 38.4, HeartRate: 118, SpO2: 91 }));
  await until(() => tileTexts(page)[1].includes('118'), 'the heart-rate tile');
  expect(tileTexts(page)).toEqual([expect.stringContaining('38.4'), expect.stringContaining('118'), expect.stringContaining('91')]);
  expect(page.querySelector('.tile-cell')!.instance!.data.state).toBe('fresh');
  const series = (charts.last('live')!.series as Array<{ data: Array<[number, number]> }>)[0].data;
  expect(series.at(-1)?.[1]).toBe(118);
});

test('tapping a tile charts that vital', async () => {
  const { phone, creds } = await ownerWithDevice(stack(), 'mon-tap');
  const device = await connectDevice(stack(), creds);
  cleanups.push(() => device.endAsync(true));
  await publish(device, topics.propertyPost(creds), buildRequest('1', 'thing.event.property.post', { BodyTemperature: 36.9, SpO2: 96 }));
  const { page, charts } = open(phone.services);
  await until(() => page.data.state === 'ready', 'the page');
  page.querySelectorAll('.tile-cell')[2].dispatchEvent('select', { detail: { vital: 'spo2' } });
  await until(() => page.data.vital === 'spo2', 'the selection');
  const s = (charts.last('live')!.series as Array<{ name: string; data: Array<[number, number]> }>)[0];
  expect(s.name).toBe('血氧');
  expect(s.data.map((p) => p[1])).toEqual([96]);
});

test('a device that is not connected shows as offline on its tiles and the control block', async () => {
  const { phone } = await ownerWithDevice(stack(), 'mon-off');
  const { page } = open(phone.services);
  await until(() => page.data.state === 'ready', 'the page');
  expect(page.data.tiles.map((t: { state: string }) => t.state)).toEqual(['offline', 'offline', 'offline']);
  expect(textOf(page, '.control')).toContain('设备离线');
});

test('switching measurement off reaches the terminal, and the page shows it was confirmed', async () => {
  const { phone, creds } = await ownerWithDevice(stack(), 'mon-cmd');
  const terminal: EmulatedDevice = createTerminal({
    brokerUrl: `mqtt://127.0.0.1:${stack().ports.mqtt}`,
    credentials: creds,
    source: createSteadySource(),
    reconnectBaseMs: 50,
  });
  cleanups.push(() => terminal.stop());
  await terminal.start();
  const { page } = open(phone.services);
  await until(() => page.data.state === 'ready' && page.data.control.online, 'the page with the device online');
  page.querySelector('.control')!.dispatchEvent('toggle', { detail: { enabled: false } });
  await until(() => page.data.control.pending === 'enabled', 'the command to be sent');
  expect(textOf(page, '.control')).toContain('正在发送到设备，等待确认');
  await until(() => page.data.control.pending === '', 'the command to finish');
  expect(page.data.control.outcome).toEqual({ kind: 'done', text: '设备已确认新的设置' });
  expect(terminal.settings().enabled).toBe(false);
  expect(textOf(page, '.control')).toContain('设备已确认新的设置');
});

test('"measure now" on a terminal makes it measure, and the new reading arrives on the tiles', async () => {
  const { phone, creds } = await ownerWithDevice(stack(), 'mon-measure');
  const terminal = createTerminal({
    brokerUrl: `mqtt://127.0.0.1:${stack().ports.mqtt}`,
    credentials: creds,
    source: createSteadySource(),
    reconnectBaseMs: 50,
  });
  cleanups.push(() => terminal.stop());
  await terminal.start();
  const { page } = open(phone.services);
  await until(() => page.data.state === 'ready' && page.data.live === 'live', 'the page to go live');
  const before = page.data.tiles[1].value;
  page.querySelector('.control')!.dispatchEvent('measure', {});
  await until(() => page.data.control.pending === 'measure', 'the command to be sent');
  await until(() => page.data.control.pending === '', 'the command');
  expect(page.data.control.outcome.kind).toBe('done');
  await until(() => page.data.tiles[1].value !== before && page.data.tiles[1].state === 'fresh', 'the new heart rate on its tile');
});

test("another family's device is not shown and its readings never reach this page", async () => {
  const mine = await ownerWithDevice(stack(), 'mon-a');
  const theirs = await ownerWithDevice(stack(), 'mon-b');
  const device = await connectDevice(stack(), theirs.creds);
  cleanups.push(() => device.endAsync(true));
  const { page } = open(mine.phone.services);
  await until(() => page.data.state === 'ready' && page.data.live === 'live', 'the page');
  await publish(device, topics.propertyPost(theirs.creds), buildRequest('1', 'thing.event.property.post', { HeartRate: 150 }));
  await new Promise((r) => setTimeout(r, 100));
  expect(page.data.devices.map((d: { id: string }) => d.id)).toEqual([mine.creds.deviceId]);
  expect(allText(page)).not.toContain('150');
});
