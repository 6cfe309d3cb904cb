/**
 * `history.export` through the real function host: only the patient's followers may export, pages
 * cover the range without losing or repeating a reading, and the joined CSV and merged FHIR Bundle
 * hold every reading (the Bundle validated with @medplum/core).
 */
import type { Stack } from '../../local-cloud/stack';
import { CSV_HEADER, joinCsvPages, mergeBundles, type FhirBundle } from '../../core/export';
import { functionClient } from '../helpers/http';
import { fhirIssues, loadFhirDefinitions } from '../helpers/fhir';
import { createDevice, startStack, tempDir } from '../helpers/stack';

type Json = Record<string, unknown>;

describe('history.export', () => {
  let dir: ReturnType<typeof tempDir>;
  let stack: Stack;
  const clock = Date.UTC(2026, 10, 30, 8, 0, 0);
  const { call, data, login } = functionClient(() => stack.ports.http);

  beforeAll(async () => {
    loadFhirDefinitions();
    dir = tempDir();
    stack = await startStack(dir.path, { now: () => clock });
  });
  afterAll(async () => {
    await stack.close();
    dir.remove();
  });

  /** A patient with two bound devices; 25 readings a minute apart, two of them at the same instant on both devices. */
  async function patientWithReadings() {
    const alice = await login(`alice${Math.random().toString(36).slice(2, 8)}`);
    const patient = await data('patients', { action: 'create', name: '王奶奶' }, alice);
    const a = await createDevice(stack);
    const b = await createDevice(stack);
    await data('devices', { action: 'bind', patientId: patient.id, code: a.bindCode }, alice);
    await data('devices', { action: 'bind', patientId: patient.id, code: b.bindCode }, alice);
    // Readings belong to a patient from the binding on (attributed by measurement time).
    const start = clock + 1000;
    const readings = Array.from({ length: 25 }, (_, i) => ({ ts: start + i * 60_000, heartRate: 60 + i, spo2: 97 }));
    await stack.store.appendReadings([
      { deviceId: a.deviceId, receivedAt: clock, readings },
      // Same millisecond as reading 10 of device a, on device b: must land on one page with it.
      { deviceId: b.deviceId, receivedAt: clock, readings: [{ ts: start + 10 * 60_000, temperature: 37.1 }] },
    ]);
    return { alice, patientId: patient.id as string, start };
  }

  async function allPages(token: string, event: Json): Promise<Json[]> {
    const pages: Json[] = [];
    let from = event.from as number;
    for (;;) {
      const page = await data('history', { action: 'export', ...event, from }, token);
      pages.push(page);
      if (page.next === undefined) return pages;
      expect(page.next as number).toBeGreaterThan(from);
      from = page.next as number;
    }
  }

  test('CSV pages join into one row per reading, with local time in the asked time zone', async () => {
    const { alice, patientId, start } = await patientWithReadings();
    const pages = await allPages(alice, { patientId, from: start, to: start + 3_600_000, format: 'csv', timeZone: 'Asia/Shanghai', pageSize: 10 });
    expect(pages.length).toBeGreaterThanOrEqual(3);
    const csv = joinCsvPages(pages.map((p) => p.csv as string));
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(CSV_HEADER);
    expect(lines).toHaveLength(1 + 26);
    expect(lines[1]).toBe('2026-11-30T08:00:01.000Z,2026-11-30T16:00:01.000+08:00,,60,97');
    // The two readings of the same instant, both present once.
    expect(lines.filter((l) => l.startsWith('2026-11-30T08:10:01.000Z'))).toHaveLength(2);
    expect(pages.reduce((n, p) => n + (p.readings as number), 0)).toBe(26);
  });

  test('FHIR pages merge into a valid Bundle with every vital of every reading', async () => {
    const { alice, patientId, start } = await patientWithReadings();
    const pages = await allPages(alice, { patientId, from: start, to: start + 3_600_000, format: 'fhir', pageSize: 7 });
    const bundle = mergeBundles(
      pages.map((p) => p.bundle as FhirBundle),
      clock,
    );
    expect(bundle.entry).toHaveLength(25 * 2 + 1);
    expect(fhirIssues(bundle).filter((i) => i.startsWith('error'))).toEqual([]);
    expect(bundle.entry.filter((e) => e.resource.code.coding[0].code === '8310-5').map((e) => e.resource.valueQuantity)).toEqual([
      { value: 37.1, unit: '°C', system: 'http://unitsofmeasure.org', code: 'Cel' },
    ]);
    expect(bundle.entry[0].resource.subject.display).toBe('王奶奶');
  });

  test('only followers may export; bad input gets a clear error', async () => {
    const { patientId, start, alice } = await patientWithReadings();
    const bob = await login('bob-export');
    const code = async (event: Json, token: string) =>
      ((await call('history', { action: 'export', patientId, from: start, to: start + 3_600_000, format: 'csv', ...event }, token)).body as Json).code ?? 'OK';
    expect(await code({}, bob)).toBe('NOT_FOUND');
    // As for `query`: a patient's history is for people, who are users (operators read devices).
    expect(await code({}, stack.adminToken)).toBe('UNAUTHENTICATED');
    expect(await code({ format: 'xml' }, alice)).toBe('BAD_REQUEST');
    expect(await code({ timeZone: 'Mars/Base' }, alice)).toBe('BAD_REQUEST');
    expect(await code({ pageSize: 5000 }, alice)).toBe('BAD_REQUEST');
    expect(await code({ to: start }, alice)).toBe('BAD_REQUEST');
    expect(await code({}, alice)).toBe('OK');
  });

  test('operators export a device by its id (as with query); people may not', async () => {
    const { alice, start } = await patientWithReadings();
    const devices = (await data('devices', { action: 'list' }, stack.adminToken)) as unknown as Array<{ id: string; readings: number }>;
    const device = devices.find((d) => d.readings === 25)!;
    const event = { action: 'export', deviceId: device.id, from: start, to: start + 3_600_000, format: 'fhir' };
    const page = await data('history', event, stack.adminToken);
    expect(page.deviceId).toBe(device.id);
    expect((page.bundle as FhirBundle).entry).toHaveLength(50);
    expect(fhirIssues(page.bundle).filter((i) => i.startsWith('error'))).toEqual([]);
    expect(((await call('history', event, alice)).body as Json).code).toBe('FORBIDDEN');
  });
});
