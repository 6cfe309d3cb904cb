/** Export a range of the patient's history as CSV or FHIR R4 (`history.export`, page by page). */
import { useState } from 'preact/hooks';
import type { ExportFormat } from '../../../core/export';
import type { Call } from '../api';
import { download, exportHistory } from '../export';
import { browserTimeZone, fromInput, localTime, toInput } from '../time';

export function ExportPanel(props: { call: Call; patientId: string; now: () => number }) {
  const [from, setFrom] = useState(toInput(props.now() - 86_400_000));
  // Up to the end of today, so readings that arrive while the page is open are included.
  const [to, setTo] = useState(toInput(localTime.startOfDay(props.now()) + 86_400_000));
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  async function run(format: ExportFormat) {
    const f = fromInput(from);
    const t = fromInput(to);
    if (f === undefined || t === undefined || t <= f) return setNote('请选择有效的起止时间');
    setBusy(true);
    setNote('导出中…');
    try {
      const file = await exportHistory(props.call, { patientId: props.patientId, from: f, to: t, format, timeZone: browserTimeZone() }, props.now);
      download(file);
      setNote(`已导出 ${file.readings} 条读数（${file.name}）`);
    } catch (e) {
      setNote(`导出失败：${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  }
  return (
    <div class="card" data-testid="export">
      <h3>导出历史数据</h3>
      <label>
        从 <input type="datetime-local" name="exportFrom" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
      </label>
      <label>
        到 <input type="datetime-local" name="exportTo" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
      </label>
      <button type="button" disabled={busy} onClick={() => run('csv')} data-testid="export-csv">
        导出 CSV
      </button>
      <button type="button" disabled={busy} onClick={() => run('fhir')} data-testid="export-fhir">
        导出 FHIR R4
      </button>
      <p class="muted" data-testid="export-note">
        {note}
      </p>
    </div>
  );
}
