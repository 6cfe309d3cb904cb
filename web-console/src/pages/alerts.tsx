/** The patient's alerts: open ones, then the latest of the history (`alerts.active`, `alerts.history`). */
import { useEffect, useState } from 'preact/hooks';
import type { AlertRecord } from '../../../core/alerts';
import { must, type Call } from '../api';
import { dateTimeText } from '../time';

/** `alerts.history`'s answer (backend/store AlertPage). */
interface AlertPage {
  alerts: AlertRecord[];
  next?: string;
}

const SEVERITY: Record<string, string> = { low: '低', medium: '中', high: '高' };

/** `version` changes when an alert notice arrives over MQTT: the list is read again. */
export function Alerts(props: { call: Call; patientId: string; version?: number }) {
  const [active, setActive] = useState<AlertRecord[]>([]);
  const [past, setPast] = useState<AlertRecord[]>([]);
  const [error, setError] = useState('');
  useEffect(() => {
    Promise.all([
      must(props.call<AlertRecord[]>('alerts', { action: 'active', patientId: props.patientId })),
      must(props.call<AlertPage>('alerts', { action: 'history', patientId: props.patientId, limit: 20 })),
    ])
      .then(([a, h]) => {
        setActive(a);
        setPast(h.alerts.filter((x) => !a.some((y) => y.id === x.id)));
      })
      .catch((e: Error) => setError(e.message));
  }, [props.patientId, props.version]);
  const row = (a: AlertRecord) => (
    <tr key={a.id}>
      <td>{dateTimeText(a.raisedAt)}</td>
      <td>{SEVERITY[a.severity] ?? a.severity}</td>
      <td>{a.message}</td>
      <td>{a.resolvedAt ? `已结束 ${dateTimeText(a.resolvedAt)}` : a.ack ? '已确认' : '进行中'}</td>
    </tr>
  );
  return (
    <div class="card" data-testid="alerts">
      <h3>提醒</h3>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {!active.length && !past.length ? (
        <p class="muted">还没有提醒。</p>
      ) : (
        <table>
          <tbody>
            {active.map(row)}
            {past.map(row)}
          </tbody>
        </table>
      )}
    </div>
  );
}
