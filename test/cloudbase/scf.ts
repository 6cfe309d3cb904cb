/** Running built functions as CloudBase runs them: SCF's environment, the SDK pointed at the stand-in. */
import { randomUUID } from 'node:crypto';
import type { CloudbaseServer } from '../helpers/cloudbase-server';
import { testKeySpec } from '../helpers/secret-keys';

export const APPID = 'wx0123456789abcdef';
export const ENV_ID = 'rpm-test-1a2b3c';

/** What SCF puts in a CloudBase function's environment (temporary keys included), with the SDK sent to `server`. */
export const scfEnvironment = (server: CloudbaseServer): Record<string, string | undefined> => ({
  TENCENTCLOUD_RUNENV: 'SCF',
  TENCENTCLOUD_REGION: 'ap-shanghai',
  SCF_NAMESPACE: server.env,
  TCB_ENV: server.env,
  TENCENTCLOUD_SECRETID: 'scf-temporary-id',
  TENCENTCLOUD_SECRETKEY: 'scf-temporary-key',
  TENCENTCLOUD_SESSIONTOKEN: 'scf-temporary-token',
  CLOUDBASE_SERVICE_URL: server.serviceUrl,
  // The deployer's key for device secrets and codes (cloudbaserc.json's {{env.SECRETS_KEY}}).
  SECRETS_KEY: testKeySpec(),
  STORE: undefined,
});

/** The functions' environment with EMQX as the broker (its REST API at `emqx`) and the webhook's secret. */
export const emqxEnvironment = (
  server: CloudbaseServer,
  emqx: { url: string; apiKey: string; apiSecret: string },
  hookSecret: string,
): Record<string, string | undefined> => ({
  ...scfEnvironment(server),
  BROKER: 'emqx',
  EMQX_API_URL: emqx.url,
  EMQX_API_KEY: emqx.apiKey,
  EMQX_API_SECRET: emqx.apiSecret,
  BROKER_HOOK_SECRET: hookSecret,
});

/** Sets environment variables for the duration of `fn` and restores the previous values. */
export async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(vars);
  try {
    return await fn();
  } finally {
    apply(saved);
  }
}

/** What every invocation context carries besides the caller's variables. */
const invocation = (functionName: string) => ({
  request_id: randomUUID(),
  function_name: functionName,
  function_version: '$LATEST',
  namespace: ENV_ID,
  memory_limit_in_mb: 256,
  time_limit_in_ms: 10_000,
});

/** The older runtime's form: per-invocation variables as "K=V;K=V". */
export function environContext(functionName: string, environ: string) {
  return { ...invocation(functionName), environ };
}

/** The context CloudBase's current runtime passes: per-invocation variables as a JSON string. */
export function environmentContext(functionName: string, vars: Record<string, string>) {
  return {
    ...invocation(functionName),
    environment: JSON.stringify({
      SCF_NAMESPACE: ENV_ID,
      TCB_ENV: ENV_ID,
      TCB_SEQID: randomUUID(),
      TRIGGER_SRC: 'tcb',
      TCB_CONTEXT_KEYS: 'TCB_ENV,TCB_SEQID,TRIGGER_SRC',
      ...vars,
    }),
  };
}

/** A mini program's call: the OPENID and AppID WeChat verified. */
export function wechatCall(functionName: string, openid: string) {
  return environmentContext(functionName, {
    WX_OPENID: openid,
    WX_APPID: APPID,
    WX_UNIONID: '',
    WX_CLIENTIP: '10.1.2.3',
    WX_CLIENTIPV6: '',
    WX_CONTEXT_KEYS: 'WX_OPENID,WX_APPID,WX_UNIONID,WX_CLIENTIP,WX_CLIENTIPV6',
    TCB_SOURCE: 'wx_client',
  });
}
