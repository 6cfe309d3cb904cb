/**
 * Sign-in. On the local stack: the development sign-in (`auth.login` with a code of your choosing;
 * the same code is the same user). On CloudBase the console would use CloudBase web
 * authentication instead (docs/web-console.md) — not implemented here.
 */
import { useState } from 'preact/hooks';
import type { LoginResult } from '../../../core/api';
import type { Call } from '../api';
import { sessionOf, type Session } from '../session';

export function SignIn(props: { call: Call; onSignedIn(s: Session): void }) {
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError('');
    const r = await props.call<LoginResult>('auth', { action: 'login', code: code.trim(), name: name.trim() || code.trim() });
    setBusy(false);
    if (!r.ok) return setError(r.message);
    const s = sessionOf(r.data);
    if (!s) return setError('this host gave no session token (CloudBase sign-in is not available in the console yet)');
    props.onSignedIn(s);
  }
  return (
    <form class="card narrow" onSubmit={submit} data-testid="sign-in">
      <h2>登录</h2>
      <p class="muted">本地开发登录：输入任意登录码，同一登录码即同一用户。</p>
      <label>
        登录码 <input name="code" value={code} onInput={(e) => setCode(e.currentTarget.value)} required maxLength={64} autoComplete="username" />
      </label>
      <label>
        昵称 <input name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} maxLength={32} />
      </label>
      <button type="submit" disabled={busy || !code.trim()}>
        登录
      </button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
