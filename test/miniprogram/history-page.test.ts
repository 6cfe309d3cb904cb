/**
 * @jest-environment node
 *
 * 历史记录: readings a device published over MQTT come back as a summary and one chart per vital;
 * presets and custom ranges ask for the right span; bucketed answers draw min–max bands.
 */
import { buildRequest, topics } from '../../core/alink';
import { err, ErrorCode } from '../../core';
import type { HistoryQuery } from '../../miniprogram/services/api';
import { fixtureServices, NOW } from '../../preview/fixtures';
import { dayLabel, startOfDay } from '../../miniprogram/common/time';
import { connectDevice, publish } from '../helpers/stack';
import { until } from '../helpers/until';
import { useLocalStack } from './helpers/services';
import { ownerWithDevice } from './helpers/family';
import { allText, openPage } from './helpers/render';

const stack = useLocalStack();

type Series = { name: string; data: Array<[number, number | null]> };
const DAY = 86_400_000;

test('readings the device sent today are summarised and charted per vital', async () => {
  const { phone, creds } = await ownerWithDevice(stack(), 'hist-real');
  const device = await connectDevice(stack(), creds);
  // Measured after the binding (readings are attributed by measurement time) and not in the future.
  await new Promise((r) => setTimeout(r, 60));
  const t0 = Date.now() - 40;
  const sent = [
    { HeartRate: 70, SpO2: 97, BodyTemperature: 36.5 },
    { HeartRate: 80, SpO2: 95, BodyTemperature: 36.9 },
    { HeartRate: 90, SpO2: 96, BodyTemperature: 37.3 },
  ];
  for (const [i, p] of sent.entries()) {
    const params = Object.fromEntries(Object.entries(p).map(([k, v]) => [k, { value: v, time: t0 + i * 10 }]));
    await publish(device, topics.propertyPost(creds), buildRequest(String(i), 'thing.event.property.post', params));
  }
  await device.endAsync(true);

  const { page, charts } = openPage('history', phone.services);
  await until(() => page.data.state === 'ready', 'the history');
  expect(page.data.preset).toBe('today');
  const byVital = Object.fromEntries(page.data.summaries.map((s: { vital: string }) => [s.vital, s]));
  expect(byVital.heartRate).toMatchObject({ n: 3, min: '70', avg: '80', max: '90' });
  expect(byVital.spo2).toMatchObject({ n: 3, min: '95', avg: '96', max: '97' });
  expect(byVital.temperature).toMatchObject({ n: 3, min: '36.5', avg: '36.9', max: '37.3' });
  await until(() => charts.byId.size === 3, 'three charts');
  const hr = (charts.last('chart-heartRate')!.series as Series[])[0];
  expect(hr.data.map((p) => p[1])).toEqual([70, 80, 90]);
  expect(allText(page)).toContain('每个点为一次测量');
});

test('a day range without readings shows the empty state', async () => {
  const { phone } = await ownerWithDevice(stack(), 'hist-empty');
  const { page } = openPage('history', phone.services);
  await until(() => page.data.state !== 'loading', 'the answer');
  expect(page.data.state).toBe('empty');
  expect(allText(page)).toContain('这段时间没有测量数据');
});

test.each([
  ['24h', DAY, DAY],
  // Whole calendar days, today included: from midnight 6 (29) days ago.
  ['7d', 6 * DAY, 7 * DAY],
  ['30d', 29 * DAY, 30 * DAY],
])('the %s preset asks for that span ending now', async (preset, least, most) => {
  const asked: HistoryQuery[] = [];
  const base = fixtureServices();
  const services = fixtureServices({ api: { history: (q) => (asked.push(q), base.api.history(q)) } });
  const { page } = openPage('history', services);
  await until(() => page.data.state === 'ready', 'today');
  (page.instance as unknown as { onPreset(e: unknown): void }).onPreset({ detail: { preset } });
  await until(() => asked.length === 2 && page.data.state === 'ready', 'the preset');
  expect(asked[1].to - asked[1].from).toBeGreaterThanOrEqual(least);
  expect(asked[1].to - asked[1].from).toBeLessThanOrEqual(most + 1);
  expect(asked[1].to).toBeGreaterThanOrEqual(NOW);
  if (preset !== '24h') expect(new Date(asked[1].from).getHours()).toBe(0);
});

test('a bucketed range draws the average over a min–max band and explains the resolution', async () => {
  const services = fixtureServices();
  const { page, charts } = openPage('history', services);
  await until(() => page.data.state === 'ready', 'today');
  (page.instance as unknown as { onPreset(e: unknown): void }).onPreset({ detail: { preset: '7d' } });
  await until(() => page.data.note.includes('一天的平均值'), 'the daily summary');
  await until(() => (charts.byId.get('chart-spo2')?.length ?? 0) >= 2, 'the redraw');
  const series = charts.last('chart-spo2')!.series as Array<Series & { data: unknown[]; markArea?: unknown }>;
  expect(series.map((s) => s.name)).toEqual(['最低', '范围', '平均']);
  // One point per day (7 days, one of them without data), over the normal range's band.
  expect(series[2].data.filter((p) => Array.isArray(p) && p[1] !== null)).toHaveLength(6);
  expect(series[2].markArea).toBeDefined();
  expect(allText(page)).toContain('阴影为当天最低–最高');
  // The daily summary: newest day first, natural names, the missing day and the fever explained.
  expect(page.data.days.map((d: { day: string }) => d.day)).toEqual([0, 1, 2, 3, 4, 5, 6].map((n) => dayLabel(startOfDay(NOW) - n * DAY + 3_600_000, NOW)));
  expect(page.data.days.slice(0, 2).map((d: { day: string }) => d.day)).toEqual(['今天', '昨天']);
  expect(page.data.days[2]).toMatchObject({ level: 'attention', summary: '体温偏高 4 小时，心率偏快 4 小时' });
  expect(page.data.days[4]).toMatchObject({ level: 'nodata', summary: '没有数据：设备离线或测量已关闭' });
  expect(allText(page)).toMatch(/最近 7 天（\d+月\d+日–今天）/);
});

test('30 days list the newest 7 days first, the rest on request', async () => {
  const { page } = openPage('history', fixtureServices());
  await until(() => page.data.state === 'ready', 'today');
  (page.instance as unknown as { onPreset(e: unknown): void }).onPreset({ detail: { preset: '30d' } });
  await until(() => page.data.days.length === 30, 'the daily summary');
  expect(allText(page)).toContain('显示全部 30 天');
  (page.instance as unknown as { onShowAllDays(): void }).onShowAllDays();
  expect(page.data.daysShown).toBe(30);
});

test('a custom range loads whole days, the end day included', async () => {
  const asked: HistoryQuery[] = [];
  const base = fixtureServices();
  const services = fixtureServices({ api: { history: (q) => (asked.push(q), base.api.history(q)) } });
  const { page } = openPage('history', services);
  await until(() => page.data.state === 'ready', 'today');
  (page.instance as unknown as { onCustom(e: unknown): void }).onCustom({
    detail: { from: Date.UTC(2026, 10, 1), to: Date.UTC(2026, 10, 3), fromText: '2026-11-01', toText: '2026-11-02' },
  });
  await until(() => asked.length === 2, 'the custom range');
  expect(asked[1]).toMatchObject({ from: Date.UTC(2026, 10, 1), to: Date.UTC(2026, 10, 3) });
  expect(page.data.customTo).toBe('2026-11-02');
});

test('a failed load shows the error with a retry', async () => {
  let fail = true;
  const base = fixtureServices();
  const services = fixtureServices({
    api: { history: (q) => (fail ? Promise.resolve(err(ErrorCode.Unavailable, '网络不可用：timeout')) : base.api.history(q)) },
  });
  const { page } = openPage('history', services);
  await until(() => page.data.state === 'error', 'the error');
  expect(allText(page)).toContain('网络或服务暂不可用，请稍后重试');
  fail = false;
  (page.instance as unknown as { onStatusAction(): void }).onStatusAction();
  await until(() => page.data.state === 'ready', 'the retry');
});
