/** Patients I follow: each with the same status line as the mini program, and adding one or joining by invite. */
import { useEffect, useState } from 'preact/hooks';
import type { InviteRedeemed, PatientDetail, PatientSummary } from '../../../core/api';
import { patientStatus, type PatientStatus, snapshotOf } from '../../../core/status';
import { must, type Call } from '../api';
import { localTime } from '../time';

/** A reading older than this on a connected device means it stopped sending (the mini program's default, 5 s × 3, at least 2 min). */
export const STALE_AFTER_MS = 120_000;

type Row = PatientSummary & { status: PatientStatus };

export function Patients(props: { call: Call; now: () => number }) {
  const [rows, setRows] = useState<Row[] | undefined>();
  const [error, setError] = useState('');
  const [name, setName] = useState('');
  const [invite, setInvite] = useState('');

  async function load() {
    try {
      const list = await must(props.call<PatientSummary[]>('patients', { action: 'list' }));
      const details = await Promise.all(list.map((p) => must(props.call<PatientDetail>('patients', { action: 'get', patientId: p.id }))));
      const now = props.now();
      setRows(details.map((d) => ({ ...d, status: patientStatus(snapshotOf(d.devices, STALE_AFTER_MS), now, localTime) })));
      setError('');
    } catch (e) {
      setError((e as Error).message);
    }
  }
  useEffect(() => {
    void load();
    const t = setInterval(() => void load(), 30_000);
    return () => clearInterval(t);
  }, []);

  async function add(e: Event) {
    e.preventDefault();
    const r = await props.call<PatientSummary>('patients', { action: 'create', name: name.trim() });
    if (!r.ok) return setError(r.message);
    setName('');
    void load();
  }
  async function redeem(e: Event) {
    e.preventDefault();
    const r = await props.call<InviteRedeemed>('patients', { action: 'redeemInvite', code: invite.trim() });
    if (!r.ok) return setError(r.message);
    setInvite('');
    void load();
  }

  return (
    <section>
      <h2>我关注的家人</h2>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {rows === undefined ? (
        <p class="muted">加载中…</p>
      ) : rows.length === 0 ? (
        <p class="muted">还没有关注的家人：添加一位，或输入家人发来的邀请码。</p>
      ) : (
        <ul class="patients" data-testid="patients">
          {rows.map((p) => (
            <li key={p.id} class={`status-${p.status.level}`}>
              <a href={`#/patient/${encodeURIComponent(p.id)}`}>{p.name}</a>
              <span class="role">{p.role === 'owner' ? '创建者' : '家人'}</span>
              <span class="status" data-testid="status">
                {p.status.title}
              </span>
              <span class="muted">{p.status.detail}</span>
            </li>
          ))}
        </ul>
      )}
      <div class="row">
        <form class="card" onSubmit={add}>
          <h3>添加家人</h3>
          <input name="patientName" placeholder="姓名" value={name} onInput={(e) => setName(e.currentTarget.value)} required maxLength={32} />
          <button type="submit">添加</button>
        </form>
        <form class="card" onSubmit={redeem}>
          <h3>输入邀请码</h3>
          <input name="invite" placeholder="邀请码" value={invite} onInput={(e) => setInvite(e.currentTarget.value)} required />
          <button type="submit">加入</button>
        </form>
      </div>
    </section>
  );
}
