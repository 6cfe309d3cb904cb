/**
 * @jest-environment node
 *
 * The components rendered by miniprogram-simulate: given properties, the right values and states
 * show; taps emit the events the pages listen to (and nothing while a command is in flight).
 */
import { renderComponent, textOf, allText } from './helpers/render';
import { alertView } from '../../miniprogram/common/alerts';
import { ALERT_ACKED, ALERT_ACTIVE, ALERT_ESCALATED, NOW } from '../../preview/fixtures';

type Comp = ReturnType<typeof renderComponent>;
const settle = () => new Promise((r) => setTimeout(r, 10));

function events(comp: Comp) {
  const seen: Array<[string, unknown]> = [];
  const inst = comp.instance as unknown as { triggerEvent(name: string, detail: unknown): void };
  const original = inst.triggerEvent.bind(inst);
  inst.triggerEvent = (name, detail) => {
    seen.push([name, detail]);
    original(name, detail);
  };
  return seen;
}
const call = (comp: Comp, name: string, arg?: unknown) => (comp.instance as unknown as Record<string, (a: unknown) => void>)[name](arg);

describe('vital-tile', () => {
  const tile = { vital: 'heartRate', label: '心率', unit: '次/分', value: '74', time: '09:59:40', range: '正常 51–90' };
  test.each([
    ['fresh', ''],
    ['stale', '数据较旧'],
    ['offline', '设备离线'],
    ['empty', '暂无数据'],
  ])('in state %s it shows the value with the marker "%s"', async (state, note) => {
    const comp = renderComponent('components/vital-tile/index', { ...tile, state });
    await settle();
    expect(textOf(comp, '.value')).toBe('74');
    expect(textOf(comp, '.unit')).toBe('次/分');
    expect(textOf(comp, '.range')).toBe('正常 51–90');
    expect(comp.querySelector('.flag')).toBeFalsy();
    expect(textOf(comp, '.time')).toBe('09:59:40');
    expect(comp.querySelector('.note') ? textOf(comp, '.note') : '').toBe(note);
  });

  test('a value outside the normal range is marked with a word, not colour alone', async () => {
    const comp = renderComponent('components/vital-tile/index', { ...tile, value: '112', state: 'fresh', flag: '偏快' });
    await settle();
    expect(textOf(comp, '.flag')).toBe('偏快');
    expect(comp.querySelector('.tile')!.dom!.className).toContain('alarm');
  });

  test('a tap asks to chart its vital', async () => {
    const comp = renderComponent('components/vital-tile/index', { ...tile, state: 'fresh' });
    const seen = events(comp);
    comp.querySelector('.tile')!.dispatchEvent('tap');
    await settle();
    expect(seen).toEqual([['select', { vital: 'heartRate' }]]);
  });
});

describe('device-control', () => {
  test('shows presence, the interval in words and the last outcome', async () => {
    const comp = renderComponent('components/device-control/index', {
      online: false,
      enabled: true,
      intervalS: 300,
      outcome: { kind: 'queued', text: '设备离线：设置已保存' },
      deviceLabel: '卧室床旁终端',
    });
    await settle();
    expect(textOf(comp, '.presence')).toBe('设备离线');
    expect(textOf(comp, '.value')).toBe('5 分钟');
    expect(textOf(comp, '.outcome')).toBe('设备离线：设置已保存');
    expect(allText(comp)).toContain('卧室床旁终端');
    expect(comp.querySelector('.changed')).toBeFalsy();
  });

  test('shows who last changed the settings', async () => {
    const comp = renderComponent('components/device-control/index', {
      online: true,
      enabled: true,
      intervalS: 60,
      changed: '张丽于 09:00:00 修改了设置',
    });
    await settle();
    expect(textOf(comp, '.changed')).toBe('张丽于 09:00:00 修改了设置');
    expect(textOf(comp, '.presence')).toBe('设备在线');
  });

  test('switch, interval and "measure now" emit their commands', async () => {
    const comp = renderComponent('components/device-control/index', { online: true, enabled: true, intervalS: 60 });
    const seen = events(comp);
    call(comp, 'onToggle', { detail: { value: false } });
    call(comp, 'onInterval', { detail: { value: 4 } });
    call(comp, 'onInterval', { detail: { value: 2 } });
    comp.querySelector('.measure')!.dispatchEvent('tap');
    await settle();
    // Choosing the interval already in use sends nothing.
    expect(seen).toEqual([
      ['toggle', { enabled: false }],
      ['interval', { intervalS: 600 }],
      ['measure', {}],
    ]);
  });

  test('while a command is pending, nothing else can be sent', async () => {
    const comp = renderComponent('components/device-control/index', {
      online: true,
      enabled: true,
      intervalS: 60,
      pending: 'measure',
      outcome: { kind: 'pending', text: '正在请求设备测量…' },
    });
    const seen = events(comp);
    await settle();
    expect(textOf(comp, '.measure')).toBe('正在测量…');
    call(comp, 'onToggle', { detail: { value: false } });
    call(comp, 'onInterval', { detail: { value: 0 } });
    comp.querySelector('.measure')!.dispatchEvent('tap');
    await settle();
    expect(seen).toEqual([]);
  });

  test.each([
    ['automatic measurement is switched off', { online: true, enabled: false }],
    ['the device is offline', { online: false, enabled: true }],
  ])('"measure now" is off while %s', async (_why, props) => {
    const comp = renderComponent('components/device-control/index', { ...props, intervalS: 60 });
    const seen = events(comp);
    comp.querySelector('.measure')!.dispatchEvent('tap');
    await settle();
    expect(comp.querySelector('.measure')!.dom!.className).toContain('disabled');
    expect(seen).toEqual([]);
    expect(comp.querySelector('.hint') !== undefined).toBe(!props.online);
  });
});

describe('status-view', () => {
  test.each([
    ['loading', {}, '加载中…'],
    ['empty', { title: '还没有数据' }, '还没有数据'],
    ['error', { message: '网络不可用', action: '重试' }, '!出错了网络不可用重试'],
  ])('%s shows its text', async (state, props, text) => {
    const comp = renderComponent('components/status-view/index', { state, ...props });
    await settle();
    expect(allText(comp).replace(/\s/g, '')).toBe(text);
  });

  test('the action button emits action', async () => {
    const comp = renderComponent('components/status-view/index', { state: 'error', action: '重试' });
    const seen = events(comp);
    comp.querySelector('.action')!.dispatchEvent('tap');
    await settle();
    expect(seen).toEqual([['action', {}]]);
  });
});

describe('range-picker', () => {
  test('presets emit their key', async () => {
    const comp = renderComponent('components/range-picker/index', { selected: 'today' });
    const seen = events(comp);
    comp.querySelectorAll('.preset')[2].dispatchEvent('tap');
    await settle();
    expect(seen).toEqual([['preset', { preset: '7d' }]]);
  });

  test('a custom range ending before it starts is refused with a message', async () => {
    const comp = renderComponent('components/range-picker/index', { selected: 'custom', customFrom: '2026-11-10', customTo: '2026-11-12' });
    const seen = events(comp);
    call(comp, 'onTo', { detail: { value: '2026-11-05' } });
    await settle();
    expect(textOf(comp, '.error')).toBe('结束日期不能早于开始日期');
    call(comp, 'onTo', { detail: { value: '2026-11-11' } });
    await settle();
    expect(comp.querySelector('.error')).toBeUndefined();
    expect(seen).toHaveLength(1);
    const [, detail] = seen[0] as [string, { from: number; to: number; toText: string }];
    expect(detail.toText).toBe('2026-11-11');
    expect(detail.to - detail.from).toBe(2 * 86_400_000);
  });
});

describe('profile-form', () => {
  test('a name is required; a valid form emits the profile', async () => {
    const comp = renderComponent('components/profile-form/index', { initial: null, today: '2026-11-27' });
    const seen = events(comp);
    call(comp, 'onSubmit');
    await settle();
    expect(textOf(comp, '.error')).toBe('请填写姓名');
    call(comp, 'onInput', { detail: { value: '  李建国 ' }, currentTarget: { dataset: { field: 'name' } } });
    call(comp, 'onSex', { detail: { value: 1 } });
    call(comp, 'onSubmit');
    await settle();
    expect(seen).toEqual([['submit', { profile: { name: '李建国', sex: 'male', notes: '', phone: '', emergencyContacts: [] } }]]);
  });

  test('editing starts from the current profile', async () => {
    const comp = renderComponent('components/profile-form/index', { initial: { name: '王秀英', sexIndex: 0, birthDate: '1948-03-12', notes: '高血压' } });
    await settle();
    expect(comp.instance.data.form).toEqual({ name: '王秀英', sexIndex: 0, birthDate: '1948-03-12', notes: '高血压' });
    expect(allText(comp)).toContain('1948-03-12');
  });
});

describe('patient-tabs and alert-banner', () => {
  test('tabs show only with several patients and tell which one was chosen', async () => {
    const one = renderComponent('components/patient-tabs/index', { patients: [{ id: 'a', name: '王秀英' }], selected: 'a' });
    await settle();
    expect(one.querySelector('.tab')).toBeUndefined();
    const two = renderComponent('components/patient-tabs/index', {
      patients: [
        { id: 'a', name: '王秀英' },
        { id: 'b', name: '李建国' },
      ],
      selected: 'a',
    });
    const seen = events(two);
    two.querySelectorAll('.tab')[0].dispatchEvent('tap');
    two.querySelectorAll('.tab')[1].dispatchEvent('tap');
    await settle();
    expect(seen).toEqual([['select', { id: 'b' }]]);
  });

  test('the alert banner is hidden without alerts; each alert shows severity word, what, since when, and a confirm button until acknowledged', async () => {
    const none = renderComponent('components/alert-banner/index', { alerts: [] });
    await settle();
    expect(none.querySelector('.alert')).toBeUndefined();
    const active = alertView(ALERT_ESCALATED, {}, 'u_me', NOW);
    const acked = alertView({ ...ALERT_ACKED, id: 'other' }, { u_sis: '张丽' }, 'u_me', NOW);
    const some = renderComponent('components/alert-banner/index', { alerts: [active, acked] });
    const seen = events(some);
    await settle();
    const cards = some.querySelectorAll('.alert');
    expect(cards).toHaveLength(2);
    expect(cards[0].dom!.className).toContain('urgent');
    const first = (cards[0].dom!.textContent ?? '').replace(/\s+/g, ' ');
    expect(first).toContain('紧急');
    expect(first).toContain('血氧 88%，偏低');
    expect(first).toContain('开始');
    expect(first).toContain('还没有人确认，已再次提醒全家 2 次');
    const second = cards[1].dom!.textContent ?? '';
    expect(second).toContain('张丽已确认');
    expect(second).toContain('已打电话，妈妈说在休息');
    // Only the unacknowledged alert can be confirmed.
    expect(some.querySelectorAll('.ack')).toHaveLength(1);
    some.querySelector('.ack')!.dispatchEvent('tap');
    some.querySelector('.more')!.dispatchEvent('tap');
    await settle();
    expect(seen).toEqual([
      ['ack', { id: ALERT_ESCALATED.id }],
      ['open', {}],
    ]);
  });

  test('while an acknowledgement is on its way the button says so and does not send twice', async () => {
    const a = alertView(ALERT_ACTIVE, {}, 'u_me', NOW);
    const comp = renderComponent('components/alert-banner/index', { alerts: [a], busy: a.id });
    const seen = events(comp);
    await settle();
    expect(textOf(comp, '.ack')).toBe('正在确认…');
    comp.querySelector('.ack')!.dispatchEvent('tap');
    await settle();
    expect(seen).toEqual([]);
  });
});

describe('user-avatar', () => {
  test('with a picture it shows the picture, in the size asked for', async () => {
    const comp = renderComponent('components/user-avatar/index', { src: 'cloud://env-1.bucket/avatars/u_1/a.jpg', name: '张伟', size: 'large' });
    await settle();
    expect(comp.querySelector('.picture')).toBeDefined();
    expect(comp.querySelector('.initial')).toBeUndefined();
    expect(comp.querySelector('.avatar')?.dom?.className).toContain('large');
  });

  test('without a picture it shows the first character of the name, and 我 without a name', async () => {
    const comp = renderComponent('components/user-avatar/index', { src: '', name: '李娜' });
    await settle();
    expect(textOf(comp, '.initial')).toBe('李');
    const nameless = renderComponent('components/user-avatar/index', { src: '' });
    await settle();
    expect(textOf(nameless, '.initial')).toBe('我');
  });

  test('a picture that does not load falls back to the initial, until another picture is given', async () => {
    const comp = renderComponent('components/user-avatar/index', { src: 'http://127.0.0.1:9/files/avatars/gone.png', name: '王芳' });
    await settle();
    call(comp, 'onError');
    await settle();
    expect(comp.querySelector('.picture')).toBeUndefined();
    expect(textOf(comp, '.initial')).toBe('王');
    call(comp, 'setData', { src: 'cloud://env-1.bucket/avatars/u_1/b.jpg' });
    await settle();
    expect(comp.querySelector('.picture')).toBeDefined();
  });
});
