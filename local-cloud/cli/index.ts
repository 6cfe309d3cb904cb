/**
 * `npm run cli -- <command>`: operate the local system.
 *
 *   device create [--name N] [--product-key PK] [--label L] [--strict]   → credentials as JSON
 *   device list [--json]                                                 → devices, online, last reading, firmware, attributes
 *   history <deviceId> [--from -1h] [--to now] [--max-points 500] [--json]
 *   secrets new-key [--name ID]                                          → a new key line for SECRETS_KEY / secrets.key
 *   secrets reseal                                                       → device secrets moved to the current key (docs/security.md)
 *   history <deviceId> --format csv|fhir [--from -1h] [--to now] [--tz ZONE]   → the export, on stdout
 *
 * Options: --url (default http://127.0.0.1:$HTTP_PORT), --data-dir (default $DATA_DIR or ./data),
 * --vars-file FILE (variables to load first, e.g. STORE=cloudbase with CloudBase API keys; never
 * commit it). `STORE` picks the store the CLI works on (see invoker.ts).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { DeviceStatus } from '../../backend/store/types';
import type { ExportPage, HistoryResult } from '../../core/api';
import { EXPORT_FORMATS, type ExportFormat, type FhirBundle, joinCsvPages, mergeBundles } from '../../core/export';
import { openStoreFromEnv, storeKindOf } from '../../backend/runtime/environment';
import { newKeySpec } from '../../backend/secret-box';
import { secureDataDir } from '../stack/data-dir';
import { createInvoker, type Invoke } from './invoker';
import { formatTime, joinRelativeTimes, parseTimeArg } from './time-arg';

const USAGE = `usage:
  npm run cli -- device create [--name NAME] [--product-key PK] [--label TEXT] [--strict]
  npm run cli -- device list [--json]
  npm run cli -- history <deviceId> [--from -1h] [--to now] [--max-points 500] [--json]
  npm run cli -- secrets new-key [--name ID]
  npm run cli -- secrets reseal
  npm run cli -- history <deviceId> --format csv|fhir [--from -1h] [--to now] [--tz Asia/Shanghai] > file
options: --url http://127.0.0.1:3000  --data-dir ./data  --vars-file FILE
  STORE=cloudbase (in the environment or --vars-file) works on a CloudBase environment instead:
  CLOUDBASE_ENV, TENCENTCLOUD_SECRETID, TENCENTCLOUD_SECRETKEY (see docs/deploy.md)`;

class UsageError extends Error {}

/**
 * `--vars-file`: adds the variables of a dotenv file to `process.env` (Node's own parser,
 * `process.loadEnvFile`; variables already set in the shell win), which keeps API keys out of
 * shell history. Not named `--env-file`: Node 20 claims that flag anywhere on the command line,
 * even after the script, and exits when the file is missing.
 */
function loadEnvFile(file: string): void {
  const load = (process as { loadEnvFile?: (path: string) => void }).loadEnvFile;
  if (!load) throw new Error('--vars-file needs Node.js 20.12 or later');
  if (!existsSync(file)) throw new Error(`--vars-file ${file}: no such file`);
  load(resolve(file));
}

function unwrap<T>(r: Awaited<ReturnType<Invoke>>): T {
  if (!r.ok) throw new Error(`${r.code}: ${r.message}`);
  return r.data as T;
}

const fmt = (v: number | undefined, unit: string) => (v === undefined ? '—' : `${v}${unit}`);

function printDevices(devices: DeviceStatus[]): void {
  if (devices.length === 0) return void console.log('no devices yet: npm run cli -- device create');
  for (const d of devices) {
    const r = d.lastReading;
    const last = r ? `${formatTime(r.ts)}  ${fmt(r.temperature, '°C')}  ${fmt(r.heartRate, ' bpm')}  SpO2 ${fmt(r.spo2, '%')}` : 'no readings';
    const bad = Object.values(d.rejections).reduce((a, b) => a + (b ?? 0), 0);
    const fw = d.firmwareVersion ? `  fw ${d.firmwareVersion}` : '';
    console.log(
      `${d.online ? '●' : '○'} ${d.id.padEnd(28)} ${(d.online ? 'online' : 'offline').padEnd(8)} ${String(d.readings).padStart(8)} readings  ` +
        `last: ${last}${fw}${bad ? `  (${bad} rejected)` : ''}`,
    );
    const attrs = Object.entries(d.attributes ?? {});
    if (attrs.length) console.log(`    ${attrs.map(([k, v]) => `${k}=${String(v)}`).join('  ')}`);
  }
}

function printHistory(h: HistoryResult): void {
  const of = 'deviceId' in h ? h.deviceId : h.patientId;
  if (h.kind === 'raw') {
    console.log(`${h.readings.length} readings of ${of}${h.next ? ` (more from ${h.next})` : ''}`);
    for (const r of h.readings)
      console.log(`${formatTime(r.ts)}  ${fmt(r.temperature, '°C').padEnd(7)}  ${fmt(r.heartRate, ' bpm').padEnd(8)}  ${fmt(r.spo2, '%')}`);
    return;
  }
  console.log(`${h.buckets.length} buckets of ${h.widthMs / 1000} s for ${of} (min/avg/max)`);
  const s = (v?: { min: number; avg: number; max: number }) => (v ? `${v.min}/${v.avg}/${v.max}` : '—');
  for (const b of h.buckets)
    console.log(`${formatTime(b.t)}  n=${String(b.n).padEnd(5)} T ${s(b.temperature).padEnd(17)} HR ${s(b.heartRate).padEnd(14)} SpO2 ${s(b.spo2)}`);
}

/** A device's history exported through `history.export` (the console's conversion), all pages joined. */
async function exportDevice(invoke: Invoke, req: { deviceId: string; format: string; from: number; to: number; timeZone: string }): Promise<string> {
  if (!EXPORT_FORMATS.includes(req.format as ExportFormat)) throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}`);
  const pages: ExportPage[] = [];
  let from = req.from;
  for (;;) {
    const page = unwrap<ExportPage>(await invoke('history', { action: 'export', ...req, from }));
    pages.push(page);
    if (page.next === undefined || page.next <= from) break;
    from = page.next;
  }
  if (req.format === 'csv') return joinCsvPages(pages.map((p) => (p.format === 'csv' ? p.csv : '')));
  const bundle = mergeBundles(
    pages.flatMap((p): FhirBundle[] => (p.format === 'fhir' ? [p.bundle] : [])),
    Date.now(),
  );
  return `${JSON.stringify(bundle, null, 2)}\n`;
}

async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: joinRelativeTimes(argv),
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      'data-dir': { type: 'string' },
      'vars-file': { type: 'string' },
      name: { type: 'string' },
      'product-key': { type: 'string' },
      label: { type: 'string' },
      strict: { type: 'boolean' },
      from: { type: 'string' },
      to: { type: 'string' },
      'max-points': { type: 'string' },
      format: { type: 'string' },
      tz: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals.length === 0) throw new UsageError('');
  const [cmd, sub] = positionals;
  if (values['vars-file']) loadEnvFile(values['vars-file']);
  const dataDir = resolve(values['data-dir'] ?? process.env.DATA_DIR ?? './data');
  const url = values.url ?? `http://127.0.0.1:${process.env.HTTP_PORT ?? 3000}`;
  if (cmd === 'secrets' && sub === 'new-key') {
    // Not written anywhere: the operator puts it first in SECRETS_KEY or the key file (docs/security.md).
    console.log(newKeySpec(values.name ?? `k${new Date().toISOString().slice(0, 10).replace(/-/g, '')}`));
    return;
  }
  if (cmd === 'secrets' && sub === 'reseal') {
    // Straight on the store (not through a function): only the operator holding the keys may.
    if (storeKindOf(process.env) === 'sqlite') secureDataDir(dataDir);
    const store = await openStoreFromEnv({ ...process.env, DATA_DIR: dataDir });
    try {
      const r = await store.resealSecrets();
      console.log(
        `${r.converted} secrets and codes moved to the current key; ${r.codesUnderOldKeys} bind or invite codes still hashed under an older key` +
          (r.codesUnderOldKeys ? ' (keep that key in the ring for lookups, or reissue those codes)' : ' (older keys may be removed)'),
      );
    } finally {
      await store.close();
    }
    return;
  }
  const invoker = await createInvoker({ url, dataDir });
  try {
    if (cmd === 'device' && sub === 'create') {
      const event: Record<string, unknown> = { action: 'create', loginPolicy: values.strict ? 'strict' : 'compat' };
      if (values.name) event.deviceName = values.name;
      if (values['product-key']) event.productKey = values['product-key'];
      if (values.label) event.label = values.label;
      console.log(JSON.stringify(unwrap(await invoker.invoke('devices', event)), null, 2));
    } else if (cmd === 'device' && sub === 'list') {
      const devices = unwrap<DeviceStatus[]>(await invoker.invoke('devices', { action: 'list' }));
      if (values.json) console.log(JSON.stringify(devices, null, 2));
      else printDevices(devices);
    } else if (cmd === 'history' && sub && values.format !== undefined) {
      const now = Date.now();
      process.stdout.write(
        await exportDevice(invoker.invoke, {
          deviceId: sub,
          format: values.format,
          from: parseTimeArg(values.from ?? '-1h', now),
          to: parseTimeArg(values.to ?? 'now', now),
          timeZone: values.tz ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC',
        }),
      );
    } else if (cmd === 'history' && sub) {
      const now = Date.now();
      const event = {
        deviceId: sub,
        from: parseTimeArg(values.from ?? '-1h', now),
        to: parseTimeArg(values.to ?? 'now', now),
        maxPoints: values['max-points'] === undefined ? undefined : Number(values['max-points']),
      };
      const h = unwrap<HistoryResult>(await invoker.invoke('history', event));
      if (values.json) console.log(JSON.stringify(h, null, 2));
      else printHistory(h);
    } else {
      throw new UsageError(`unknown command: ${positionals.join(' ')}`);
    }
  } finally {
    await invoker.close();
  }
}

run(process.argv.slice(2)).catch((e: unknown) => {
  if (e instanceof UsageError) {
    if (e.message) console.error(`error: ${e.message}`);
    console.error(USAGE);
  } else console.error(`error: ${(e as Error).message}`);
  process.exit(e instanceof UsageError && !e.message ? 0 : 1);
});
