/** Family members of a patient and invites (`patients.createInvite`; owners only). */
import { useState } from 'preact/hooks';
import type { InviteCreated, PatientDetail } from '../../../core/api';
import type { Call } from '../api';
import { dateTimeText } from '../time';

export function Members(props: { call: Call; detail: PatientDetail; onChanged(): void }) {
  const [invite, setInvite] = useState<InviteCreated | undefined>();
  const [error, setError] = useState('');
  async function createInvite() {
    const r = await props.call<InviteCreated>('patients', { action: 'createInvite', patientId: props.detail.id });
    if (!r.ok) return setError(r.message);
    setInvite(r.data);
    setError('');
  }
  return (
    <div class="card" data-testid="members">
      <h3>家庭成员</h3>
      <ul>
        {props.detail.members.map((m) => (
          <li key={m.userId}>
            {m.userName}{' '}
            <span class="muted">
              {m.role === 'owner' ? '创建者' : '家人'}，自 {dateTimeText(m.since)}
            </span>
          </li>
        ))}
      </ul>
      {props.detail.role === 'owner' && (
        <button type="button" onClick={createInvite}>
          邀请家人
        </button>
      )}
      {invite && (
        <p data-testid="invite">
          邀请码 <code>{invite.code}</code>，有效期至 {dateTimeText(invite.expiresAt)}
        </p>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
