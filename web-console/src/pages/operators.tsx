/**
 * Operators (admin token, kept in sessionStorage only): the device fleet and provisioning — create
 * a device, show its credentials once, print its label with the bind code as a QR code — and
 * disabling / enabling a device or rotating its secret (the new one shown once).
 */
import QRCode from 'qrcode';
import { useEffect, useState } from 'preact/hooks';
import type { FleetDevice } from '../../../core/api';
import { must, type Call } from '../api';
import { dateTimeText } from '../time';

/** `devices.create`'s answer (cloudfunctions/devices/handlers/create.ts CreatedDevice). */
interface CreatedDevice {
  deviceId: string;
  productKey: string;
  deviceName: string;
  deviceSecret: string;
  loginPolicy: string;
  bindCode: string;
}

export function Operators(props: { call: Call; adminToken: string | undefined; setAdminToken(t: string | undefined): void }) {
  const [token, setToken] = useState('');
  if (!props.adminToken) {
    return (
      <form
        class="card narrow"
        data-testid="admin-sign-in"
        onSubmit={(e) => {
          e.preventDefault();
          props.setAdminToken(token.trim());
        }}
      >
        <h2>运维</h2>
        <p class="muted">输入管理员令牌（本地为 data/admin-token）。令牌只保存在本标签页的会话中。</p>
        <input name="adminToken" type="password" value={token} onInput={(e) => setToken(e.currentTarget.value)} required autoComplete="off" />
        <button type="submit">进入</button>
      </form>
    );
  }
  return <Fleet call={props.call} onForget={() => props.setAdminToken(undefined)} />;
}

function Fleet(props: { call: Call; onForget(): void }) {
  const [devices, setDevices] = useState<FleetDevice[] | undefined>();
  const [error, setError] = useState('');
  const [label, setLabel] = useState('');
  const [created, setCreated] = useState<CreatedDevice | undefined>();
  const [rotated, setRotated] = useState<{ deviceId: string; deviceSecret: string } | undefined>();
  async function act(action: 'disable' | 'enable' | 'rotateSecret', deviceId: string) {
    const questions = {
      disable: `停用 ${deviceId}？它会立即断开，且无法再登录。`,
      enable: '',
      rotateSecret: `更换 ${deviceId} 的密钥？旧密钥立即失效。`,
    };
    const question = questions[action];
    if (question && !window.confirm(question)) return;
    const r = await props.call<{ deviceId: string; deviceSecret?: string }>('devices', { action, deviceId });
    if (!r.ok) return setError(r.message);
    if (action === 'rotateSecret' && r.data.deviceSecret) setRotated({ deviceId, deviceSecret: r.data.deviceSecret });
    void load();
  }
  async function load() {
    try {
      setDevices(await must(props.call<FleetDevice[]>('devices', { action: 'list' })));
      setError('');
    } catch (e) {
      setError((e as Error).message);
    }
  }
  useEffect(() => {
    void load();
    const t = setInterval(() => void load(), 10_000);
    return () => clearInterval(t);
  }, []);
  async function create(e: Event) {
    e.preventDefault();
    const r = await props.call<CreatedDevice>('devices', { action: 'create', label: label.trim() });
    if (!r.ok) return setError(r.message);
    setCreated(r.data);
    setLabel('');
    void load();
  }
  return (
    <section data-testid="fleet">
      <h2>
        设备{' '}
        <button type="button" class="link" onClick={props.onForget}>
          退出运维
        </button>
      </h2>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <form class="card inline" onSubmit={create}>
        <input name="label" placeholder="标签（如 床位 1）" value={label} onInput={(e) => setLabel(e.currentTarget.value)} maxLength={64} />
        <button type="submit">新建设备</button>
      </form>
      {created && <Created device={created} onClose={() => setCreated(undefined)} />}
      {rotated && (
        <div class="card created" data-testid="rotated">
          <h3>{rotated.deviceId} 的新密钥</h3>
          <p class="warn">只显示这一次：现在写入设备。旧密钥已失效。</p>
          <pre data-testid="new-secret">{rotated.deviceSecret}</pre>
          <button type="button" onClick={() => setRotated(undefined)}>
            我已保存，关闭
          </button>
        </div>
      )}
      <table data-testid="devices">
        <thead>
          <tr>
            <th>设备</th>
            <th>标签</th>
            <th>在线</th>
            <th>最后上线/离线</th>
            <th>最后数据</th>
            <th>固件</th>
            <th>读数</th>
            <th>拒收</th>
            <th>绑定的家人</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(devices ?? []).map((d) => (
            <tr key={d.id} data-device={d.id}>
              <td>{d.id}</td>
              <td>{d.label}</td>
              <td data-testid="online">{d.disabledAt ? '已停用' : d.online ? '在线' : '离线'}</td>
              <td>{d.presenceAt ? dateTimeText(d.presenceAt) : '—'}</td>
              <td>{d.lastReading ? dateTimeText(d.lastReading.ts) : '—'}</td>
              <td>{d.firmwareVersion ?? '—'}</td>
              <td data-testid="readings">{d.readings}</td>
              <td title={JSON.stringify(d.rejections)}>{Object.values(d.rejections).reduce((a, b) => a + (b ?? 0), 0)}</td>
              <td>{d.patientId ?? '—'}</td>
              <td>
                {d.disabledAt ? (
                  <button type="button" onClick={() => act('enable', d.id)} data-testid="enable">
                    启用
                  </button>
                ) : (
                  <button type="button" onClick={() => act('disable', d.id)} data-testid="disable">
                    停用
                  </button>
                )}
                <button type="button" onClick={() => act('rotateSecret', d.id)} data-testid="rotate">
                  更换密钥
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The new device's credentials (shown once) and its printable label with the bind code as a QR code. */
function Created(props: { device: CreatedDevice; onClose(): void }) {
  const d = props.device;
  const [qr, setQr] = useState('');
  useEffect(() => {
    QRCode.toDataURL(d.bindCode, { errorCorrectionLevel: 'M', margin: 1, width: 160 }).then(setQr, () => setQr(''));
  }, [d.bindCode]);
  const credentials = JSON.stringify({ productKey: d.productKey, deviceName: d.deviceName, deviceSecret: d.deviceSecret, loginPolicy: d.loginPolicy }, null, 2);
  return (
    <div class="card created" data-testid="created">
      <h3>设备已创建：{d.deviceId}</h3>
      <p class="warn">设备密钥只显示这一次：现在写入设备（或保存为模拟器的凭据文件）。</p>
      <pre data-testid="credentials">{credentials}</pre>
      <div class="label-print" data-testid="label">
        {qr && <img src={qr} alt={`绑定码 ${d.bindCode} 的二维码`} width={160} height={160} />}
        <div>
          <div class="muted">绑定码</div>
          <div class="bind-code" data-testid="bind-code">
            {d.bindCode}
          </div>
          <div class="muted">{d.deviceId}</div>
        </div>
      </div>
      <button type="button" onClick={() => window.print()}>
        打印标签
      </button>
      <button type="button" onClick={props.onClose}>
        我已保存，关闭
      </button>
    </div>
  );
}
