/**
 * One patient: status, live tiles and a live chart over MQTT, history with ranges, alerts, members
 * and invites, devices, and export.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { BindResult, DeviceStatus, HistoryResult, PatientDetail } from '../../../core/api';
import { formatVital, liveChartOption, pointsOf, VITAL_ORDER, VITAL_STYLES } from '../../../core/charts';
import { latestOf, levelWord, normalRangeText, patientStatus, snapshotOf } from '../../../core/status';
import type { Reading, VitalKey } from '../../../core/vitals';
import { must, type Call } from '../api';
import { Chart } from '../chart';
import { connectLive, type LiveState } from '../realtime';
import { dateTimeText, localTime } from '../time';
import { Alerts } from './alerts';
import { ExportPanel } from './export-panel';
import { HistoryPanel } from './history-panel';
import { Members } from './members';
import { STALE_AFTER_MS } from './patients';

/** The live chart shows the last 10 minutes, like the mini program's. */
const LIVE_WINDOW_MS = 10 * 60_000;

export function Patient(props: { call: Call; patientId: string; mqttUrl: string | undefined; now: () => number }) {
  const { call, patientId } = props;
  const [detail, setDetail] = useState<PatientDetail | undefined>();
  const [error, setError] = useState('');
  const [live, setLive] = useState<Reading[]>([]);
  const [presence, setPresence] = useState<Record<string, { online: boolean; at: number }>>({});
  const [liveState, setLiveState] = useState<LiveState>('connecting');
  const [tick, setTick] = useState(0);
  const [alertsVersion, setAlertsVersion] = useState(0);

  async function load() {
    try {
      setDetail(await must(call<PatientDetail>('patients', { action: 'get', patientId })));
      setError('');
    } catch (e) {
      setError((e as Error).message);
    }
  }
  useEffect(() => {
    void load();
    // The live chart starts with the stored readings of its window; MQTT adds the new ones.
    const now = props.now();
    must(call<HistoryResult>('history', { action: 'query', patientId, from: now - LIVE_WINDOW_MS, to: now + 1, mode: 'raw', maxPoints: 1000 }))
      .then((h) => {
        if (h.kind === 'raw') setLive((old) => mergeReadings(h.readings, old));
      })
      .catch(() => undefined);
  }, [patientId]);

  const deviceIds = useMemo(
    () =>
      (detail?.devices ?? [])
        .map((d) => d.id)
        .sort()
        .join(','),
    [detail],
  );
  useEffect(() => {
    if (!props.mqttUrl || !deviceIds) return;
    const mine = new Set(deviceIds.split(','));
    const conn = connectLive({
      call,
      url: props.mqttUrl,
      handlers: {
        reading: (deviceId, r) => {
          if (!mine.has(deviceId)) return;
          setLive((old) =>
            mergeReadings(
              old.filter((x) => x.ts >= props.now() - LIVE_WINDOW_MS),
              [r],
            ),
          );
        },
        presence: (deviceId, online, at) => {
          if (mine.has(deviceId)) setPresence((p) => ({ ...p, [deviceId]: { online, at } }));
        },
        state: (s) => setLiveState(s),
        alert: (id) => {
          if (id === patientId) setAlertsVersion((n) => n + 1);
        },
      },
    });
    const t = setInterval(() => setTick((n) => n + 1), 5000);
    return () => {
      clearInterval(t);
      conn.close();
    };
  }, [deviceIds, props.mqttUrl]);

  if (error && !detail)
    return (
      <p class="error" role="alert">
        {error}
      </p>
    );
  if (!detail) return <p class="muted">加载中…</p>;

  const now = props.now();
  const devices: DeviceStatus[] = detail.devices.map((d) => (presence[d.id] ? { ...d, online: presence[d.id].online, presenceAt: presence[d.id].at } : d));
  const snapshot = snapshotOf(devices, STALE_AFTER_MS);
  snapshot.latest = latestOf([...devices.map((d) => d.lastReading), ...live]);
  const status = patientStatus(snapshot, now, localTime);
  void tick;

  return (
    <section data-testid="patient">
      <h2>
        {detail.name}{' '}
        <span class={`badge status-${status.level}`} data-testid="status">
          {status.title}
        </span>
      </h2>
      <p class="muted">{status.detail}</p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="tiles" data-testid="tiles">
        {VITAL_ORDER.map((k) => (
          <Tile key={k} vital={k} latest={snapshot.latest[k]} online={snapshot.online} now={now} />
        ))}
      </div>
      <h3>
        实时曲线{' '}
        <span class="muted" data-testid="live-state">
          {liveStateText(liveState, props.mqttUrl)}
        </span>
      </h3>
      <div class="charts">
        {VITAL_ORDER.map((k) => (
          <Chart key={k} option={liveChartOption(k, pointsOf(live, k), now, LIVE_WINDOW_MS)} height={180} testId={`live-${k}`} />
        ))}
      </div>
      <HistoryPanel call={call} patientId={patientId} now={props.now} />
      <ExportPanel call={call} patientId={patientId} now={props.now} />
      <Alerts call={call} patientId={patientId} version={alertsVersion} />
      <Members call={call} detail={detail} onChanged={load} />
      <Devices call={call} detail={detail} devices={devices} onChanged={load} />
    </section>
  );
}

/** Readings of both lists, oldest first, one per instant (a later list's reading wins). */
function mergeReadings(a: readonly Reading[], b: readonly Reading[]): Reading[] {
  const byTs = new Map<number, Reading>();
  for (const r of [...a, ...b]) byTs.set(r.ts, { ...byTs.get(r.ts), ...r });
  return [...byTs.values()].sort((x, y) => x.ts - y.ts);
}

function liveStateText(s: LiveState, url: string | undefined): string {
  if (!url) return '（实时连接不可用）';
  return { connecting: '连接中…', live: '● 实时', retrying: '重新连接中…', closed: '' }[s];
}

function Tile(props: { vital: VitalKey; latest: { ts: number; value: number } | undefined; online: boolean; now: number }) {
  const s = VITAL_STYLES[props.vital];
  const l = props.latest;
  const flag = l ? levelWord(props.vital, l.value) : '';
  const state = !l ? 'empty' : !props.online ? 'offline' : props.now - l.ts > STALE_AFTER_MS ? 'stale' : 'fresh';
  return (
    <div class={`tile tile-${state}${flag ? ' tile-flag' : ''}`} data-testid={`tile-${props.vital}`}>
      <div class="tile-label">{s.label}</div>
      <div class="tile-value">
        <span data-testid="value">{formatVital(props.vital, l?.value)}</span> <small>{s.unit}</small> {flag && <em>{flag}</em>}
      </div>
      <div class="muted">{l ? localTime.readingTime(l.ts, props.now) : '暂无数据'}</div>
      <div class="muted">{normalRangeText(props.vital)}</div>
    </div>
  );
}

function Devices(props: { call: Call; detail: PatientDetail; devices: DeviceStatus[]; onChanged(): void }) {
  const [code, setCode] = useState('');
  const [error, setError] = useState('');
  async function bind(e: Event) {
    e.preventDefault();
    const r = await props.call<BindResult>('devices', { action: 'bind', patientId: props.detail.id, code: code.trim() });
    if (!r.ok) return setError(r.message);
    setCode('');
    setError('');
    props.onChanged();
  }
  return (
    <div class="card">
      <h3>设备</h3>
      <table>
        <thead>
          <tr>
            <th>设备</th>
            <th>标签</th>
            <th>状态</th>
            <th>最后数据</th>
          </tr>
        </thead>
        <tbody>
          {props.devices.map((d) => (
            <tr key={d.id}>
              <td>{d.id}</td>
              <td>{d.label}</td>
              <td>{d.online ? '在线' : '离线'}</td>
              <td>{d.lastReading ? dateTimeText(d.lastReading.ts) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.detail.role === 'owner' && (
        <form onSubmit={bind} class="inline">
          <input name="bindCode" placeholder="设备标签上的绑定码" value={code} onInput={(e) => setCode(e.currentTarget.value)} required />
          <button type="submit">绑定设备</button>
        </form>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
