/**
 * The web console (issue #16): caregivers follow their patients (status, live readings, history,
 * alerts, family, export), operators manage the device fleet. Served by the local function host at
 * `/console/`, same origin as `/functions/`; see docs/web-console.md.
 */
import { render, type VNode } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { createCall } from './api';
import { Operators } from './pages/operators';
import { Patient } from './pages/patient';
import { Patients } from './pages/patients';
import { SignIn } from './pages/sign-in';
import { createSessionStore, type Session } from './session';

/** What the host tells the console (`/console/config.json`): where MQTT over WebSocket listens. */
interface ConsoleConfig {
  mqttWsPort?: number;
  mqttWsPath?: string;
}

type Route = { page: 'patients' } | { page: 'patient'; id: string } | { page: 'operators' };

function routeOf(hash: string): Route {
  const m = /^#\/patient\/(.+)$/.exec(hash);
  if (m) return { page: 'patient', id: decodeURIComponent(m[1]) };
  if (hash === '#/operators') return { page: 'operators' };
  return { page: 'patients' };
}

function mqttUrlOf(config: ConsoleConfig | undefined): string | undefined {
  if (!config?.mqttWsPort) return undefined;
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.hostname}:${config.mqttWsPort}${config.mqttWsPath ?? '/mqtt'}`;
}

function App() {
  const store = useMemo(() => createSessionStore(sessionStorage, Date.now), []);
  const [session, setSession] = useState<Session | undefined>(() => store.session());
  const [adminToken, setAdminToken] = useState<string | undefined>(() => store.adminToken());
  const [route, setRoute] = useState<Route>(() => routeOf(location.hash));
  const [config, setConfig] = useState<ConsoleConfig | undefined>();
  const base = '';
  const userCall = useMemo(() => createCall(base, () => store.session()?.token), []);
  const adminCall = useMemo(() => createCall(base, () => store.adminToken()), []);

  useEffect(() => {
    const on = () => setRoute(routeOf(location.hash));
    window.addEventListener('hashchange', on);
    fetch('config.json')
      .then((r) => r.json() as Promise<ConsoleConfig>)
      .then(setConfig, () => setConfig({}));
    return () => window.removeEventListener('hashchange', on);
  }, []);

  const signIn = (s: Session | undefined) => {
    store.setSession(s);
    setSession(s);
  };
  const signOut = async () => {
    await userCall('auth', { action: 'logout' });
    signIn(undefined);
  };
  const setAdmin = (t: string | undefined) => {
    store.setAdminToken(t);
    setAdminToken(t);
  };

  let body: VNode;
  if (route.page === 'operators') body = <Operators call={adminCall} adminToken={adminToken} setAdminToken={setAdmin} />;
  else if (!session) body = <SignIn call={userCall} onSignedIn={signIn} />;
  else if (route.page === 'patient') body = <Patient key={route.id} call={userCall} patientId={route.id} mqttUrl={mqttUrlOf(config)} now={Date.now} />;
  else body = <Patients call={userCall} now={Date.now} />;

  return (
    <>
      <header>
        <strong>远程监护</strong>
        <nav>
          <a href="#/">我关注的家人</a>
          <a href="#/operators">运维</a>
        </nav>
        {session && (
          <span class="user">
            <span data-testid="user-name">{session.user.name}</span>{' '}
            <button type="button" class="link" onClick={signOut}>
              退出
            </button>
          </span>
        )}
      </header>
      <main>{body}</main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
