/** History charts with the mini program's ranges and the same buckets (`history.query`, core/charts). */
import { useEffect, useState } from 'preact/hooks';
import type { HistoryResult } from '../../../core/api';
import { historyChartOption, VITAL_ORDER } from '../../../core/charts';
import { must, type Call } from '../api';
import { Chart } from '../chart';
import { localTime } from '../time';

type RangeKey = 'today' | '24h' | '7d' | '30d';
const RANGES: Array<{ key: RangeKey; label: string }> = [
  { key: 'today', label: '今天' },
  { key: '24h', label: '24 小时' },
  { key: '7d', label: '7 天' },
  { key: '30d', label: '30 天' },
];

export function rangeOf(key: RangeKey, now: number): { from: number; to: number } {
  const day = 86_400_000;
  if (key === 'today') return { from: localTime.startOfDay(now), to: now + 1 };
  return { from: now - (key === '24h' ? day : key === '7d' ? 7 * day : 30 * day), to: now + 1 };
}

export function HistoryPanel(props: { call: Call; patientId: string; now: () => number }) {
  const [range, setRange] = useState<RangeKey>('24h');
  const [result, setResult] = useState<HistoryResult | undefined>();
  const [error, setError] = useState('');
  useEffect(() => {
    let gone = false;
    setResult(undefined);
    must(props.call<HistoryResult>('history', { action: 'query', patientId: props.patientId, ...rangeOf(range, props.now()) }))
      .then((r) => !gone && (setResult(r), setError('')))
      .catch((e: Error) => !gone && setError(e.message));
    return () => {
      gone = true;
    };
  }, [range, props.patientId]);
  const count = result
    ? result.kind === 'raw'
      ? `${result.readings.length} 条读数`
      : `${result.buckets.length} 个区间，每个 ${Math.round(result.widthMs / 60_000)} 分钟`
    : '';
  return (
    <div class="card" data-testid="history">
      <h3>历史记录</h3>
      <div class="segmented">
        {RANGES.map((r) => (
          <button key={r.key} type="button" class={r.key === range ? 'active' : ''} onClick={() => setRange(r.key)} data-testid={`range-${r.key}`}>
            {r.label}
          </button>
        ))}
      </div>
      <p class="muted" data-testid="history-count">
        {count}
      </p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {result && (
        <div class="charts">
          {VITAL_ORDER.map((k) => (
            <Chart key={k} option={historyChartOption(k, result)} height={200} testId={`history-${k}`} />
          ))}
        </div>
      )}
    </div>
  );
}
