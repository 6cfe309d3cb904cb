/**
 * The web console in headless Chromium (playwright-core, the Chromium of preview/browser.ts) against a real local
 * stack: sign in, follow a patient, bind a device, see a live reading from an emulated terminal
 * arrive over MQTT over WebSocket, open history, export CSV and FHIR (validated with
 * @medplum/core), see an alert appear, and as an operator provision a device and connect it with its credentials.
 */
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../preview/browser';
import { CSV_HEADER, type FhirBundle } from '../../core/export';
import { createDevice as createEmulatedDevice, type EmulatedDevice } from '../../device-emulator/device';
import { createSteadySource } from '../../device-emulator/vitals/steady-source';
import type { Stack } from '../../local-cloud/stack';
import { buildConsole } from '../../scripts/build-console';
import { fhirIssues, loadFhirDefinitions } from '../helpers/fhir';
import { createManualClock } from '../helpers/manual-clock';
import { closed, connectDevice, createDevice, publish, startStack, tempDir } from '../helpers/stack';
import { buildRequest, type DeviceCredentials, topics } from '../../core/alink';
import { until } from '../helpers/until';

jest.setTimeout(90_000);

describe('web console', () => {
  let dir: ReturnType<typeof tempDir>;
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  const devices: EmulatedDevice[] = [];
  const url = (path = '') => `http://127.0.0.1:${stack.ports.http}/console/${path}`;

  beforeAll(async () => {
    loadFhirDefinitions();
    dir = tempDir();
    const consoleDir = join(dir.path, 'console');
    await buildConsole(consoleDir);
    stack = await startStack(join(dir.path, 'data'), { consoleDir });
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const d of devices) await d.stop();
    await browser?.close();
    await stack?.close();
    dir?.remove();
  });
  beforeEach(async () => {
    const context = await browser.newContext({ acceptDownloads: true, timezoneId: 'Asia/Shanghai' });
    page = await context.newPage();
    page.on('pageerror', (e) => console.warn(`page error: ${e.message}`));
  });
  afterEach(async () => {
    await page.context().close();
  });

  async function signIn(code: string) {
    await page.goto(url());
    await page.fill('input[name=code]', code);
    await page.fill('input[name=name]', `${code} 的名字`);
    await page.click('[data-testid=sign-in] button[type=submit]');
    await page.waitForSelector('[data-testid=user-name]');
  }

  async function downloadText(testId: string): Promise<{ name: string; text: string }> {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid=${testId}]`)]);
    const path = await dl.path();
    return { name: dl.suggestedFilename(), text: readFileSync(path, 'utf8') };
  }

  test('a caregiver signs in, sees a live reading arrive, opens history, exports CSV and FHIR, and sees an alert arrive', async () => {
    await signIn('alice');
    // Only the session, only in sessionStorage.
    expect(await page.evaluate(() => [sessionStorage.length, localStorage.length])).toEqual([1, 0]);

    await page.fill('input[name=patientName]', '王奶奶');
    await page.click('form:has(input[name=patientName]) button[type=submit]');
    await page.click('[data-testid=patients] a:has-text("王奶奶")');
    await page.waitForSelector('[data-testid=patient]');
    expect(await page.textContent('[data-testid=status]')).toBe('还没有绑定设备');

    const creds = await createDevice(stack, { label: 'Bed 1' });
    await page.fill('input[name=bindCode]', creds.bindCode);
    await page.click('form:has(input[name=bindCode]) button[type=submit]');
    await page.waitForSelector(`td:has-text("${creds.deviceId}")`);
    await page.waitForSelector('[data-testid=live-state]:has-text("实时")');
    expect(await page.textContent('[data-testid=tile-heartRate] [data-testid=value]')).toBe('--');

    // The terminal measures; the tile changes without a reload: the reading came over MQTT.
    const clock = createManualClock();
    const device = createEmulatedDevice({
      brokerUrl: `mqtt://127.0.0.1:${stack.ports.mqtt}`,
      credentials: creds,
      source: createSteadySource(),
      settings: { intervalS: 1 },
      clock,
    });
    devices.push(device);
    await device.start();
    clock.advance(1000);
    await page.waitForFunction(() => document.querySelector('[data-testid=tile-heartRate] [data-testid=value]')?.textContent !== '--', undefined, {
      timeout: 10_000,
    });
    const shown = Number(await page.textContent('[data-testid=tile-heartRate] [data-testid=value]'));
    expect(shown).toBeGreaterThan(40);
    expect(shown).toBeLessThan(120);
    expect(await page.textContent('[data-testid=status]')).toMatch(/一切正常|需要关注/);
    // The live chart drew on its canvas.
    expect(await page.locator('[data-testid=live-heartRate] canvas').count()).toBe(1);

    clock.advance(1000);
    clock.advance(1000);
    await stack.flow.idle();
    await until(async () => {
      const r = await stack.invoke('devices', { action: 'get', deviceId: creds.deviceId }, { kind: 'admin' });
      return r.ok && (r.data as { readings: number }).readings === 3;
    }, 'three stored readings');
    // The emulator's clock ran ahead of real time; history asks up to the browser's now.
    await until(() => Date.now() > clock.now() + 10, 'real time past the readings', 10_000);

    await page.click('[data-testid=range-today]');
    await page.waitForSelector('[data-testid=history-count]:has-text("3 条读数")');

    const csv = await downloadText('export-csv');
    expect(csv.name).toMatch(/\.csv$/);
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(CSV_HEADER);
    expect(lines).toHaveLength(4);
    for (const l of lines.slice(1))
      expect(l).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z,\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00,[\d.]+,[\d.]+,[\d.]+$/);
    expect(await page.textContent('[data-testid=export-note]')).toContain('已导出 3 条读数');

    const fhir = await downloadText('export-fhir');
    expect(fhir.name).toMatch(/\.fhir\.json$/);
    const bundle = JSON.parse(fhir.text) as FhirBundle;
    expect(bundle.resourceType).toBe('Bundle');
    expect(bundle.entry).toHaveLength(9);
    expect(new Set(bundle.entry.map((e) => e.resource.code.coding[0].code))).toEqual(new Set(['8310-5', '8867-4', '59408-5']));
    expect(fhirIssues(bundle).filter((i) => i.startsWith('error'))).toEqual([]);

    // Three low SpO2 readings in a row raise an alert: the list shows it without a reload (its
    // notice came over MQTT), and the tile says the value is low.
    expect(await page.textContent('[data-testid=alerts]')).toContain('还没有提醒');
    await device.stop();
    const raw = await connectDevice(stack, creds);
    const t = clock.now();
    for (const i of [1, 2, 3]) {
      await publish(
        raw,
        topics.propertyPost(creds),
        buildRequest(`low${i}`, 'thing.event.property.post', { SpO2: { value: 84, time: t + i * 1000 }, HeartRate: { value: 72, time: t + i * 1000 } }),
      );
    }
    await page.waitForSelector('[data-testid=alerts] td:has-text("SpO2")', { timeout: 10_000 });
    await page.waitForSelector('[data-testid=tile-spo2]:has-text("偏低")');
    await raw.endAsync();
  });

  test('an operator sees the fleet, provisions a device with a printable QR label, the device connects, is disabled and gets a new secret', async () => {
    await page.goto(url('#/operators'));
    await page.fill('input[name=adminToken]', stack.adminToken);
    await page.click('[data-testid=admin-sign-in] button[type=submit]');
    await page.waitForSelector('[data-testid=fleet]');
    // The token lives in this tab's session only.
    expect(await page.evaluate(() => localStorage.length)).toBe(0);

    await page.fill('input[name=label]', '床位 7');
    await page.click('form:has(input[name=label]) button[type=submit]');
    await page.waitForSelector('[data-testid=created]');
    const creds = JSON.parse((await page.textContent('[data-testid=credentials]')) ?? '') as DeviceCredentials;
    const bindCode = await page.textContent('[data-testid=bind-code]');
    expect(bindCode).toMatch(/^[A-Z0-9-]{6,}$/);
    const qr = await page.getAttribute('[data-testid=label] img', 'src');
    expect(qr).toMatch(/^data:image\/png;base64,/);
    expect(Buffer.from(qr!.split(',')[1], 'base64').subarray(1, 4).toString()).toBe('PNG');

    // The printed credentials are the device's: it signs in with them.
    const client = await connectDevice(stack, creds);
    try {
      const deviceId = `${creds.productKey}/${creds.deviceName}`;
      await page.reload();
      const row = `tr[data-device="${deviceId}"]`;
      await page.waitForSelector(`${row} [data-testid=online]:has-text("在线")`);
      expect(await page.textContent(row)).toContain('床位 7');

      // Disabling it closes its connection at once.
      const gone = closed(client);
      page.once('dialog', (d) => void d.accept());
      await page.click(`${row} [data-testid=disable]`);
      await gone;
      await page.waitForSelector(`${row} [data-testid=online]:has-text("已停用")`);
      await page.click(`${row} [data-testid=enable]`);
      await page.waitForSelector(`${row} [data-testid=disable]`);

      // A rotated secret is shown once and signs the device in.
      page.once('dialog', (d) => void d.accept());
      await page.click(`${row} [data-testid=rotate]`);
      const secret = (await page.textContent('[data-testid=new-secret]')) ?? '';
      expect(secret).not.toBe(creds.deviceSecret);
      const again = await connectDevice(stack, { ...creds, deviceSecret: secret });
      await again.endAsync(true);
    } finally {
      client.end(true);
    }
  });

  test('the console is served with a content security policy; other paths stay refused', async () => {
    const r = await fetch(url());
    expect(r.status).toBe(200);
    expect(r.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await fetch(url('..%2Fdata%2Fadmin-token'))).status).toBe(404);
    expect((await fetch(url('config.json')).then((x) => x.json())) as unknown).toEqual({ mqttWsPort: stack.ports.mqttWs, mqttWsPath: '/mqtt' });
    // A page on another domain re-bound to this host (DNS rebinding) gets nothing (fetch cannot set Host).
    const status = await new Promise<number>((resolve, reject) =>
      get({ host: '127.0.0.1', port: stack.ports.http, path: '/console/', headers: { host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject),
    );
    expect(status).toBe(403);
  });
});
