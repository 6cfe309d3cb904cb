/**
 * @jest-environment node
 */
import { until } from '../helpers/until';
import { openPage, textOf, allText } from './helpers/render';
import { phoneServices, useLocalStack } from './helpers/services';

const stack = useLocalStack();
beforeEach(() => jest.resetModules());

test('a new user is guided to add a patient or redeem an invite', async () => {
  const { services } = phoneServices(stack(), 'newcomer');
  const { page } = openPage('me', services);
  await until(() => page.data.state === 'ready', 'page ready');
  expect(allText(page)).toContain('欢迎使用家人健康守护');
  expect(allText(page)).toContain('添加被监护人');
  expect(allText(page)).toContain('加入家庭');
});

type Inst = Record<string, (...a: never[]) => unknown>;

test('adding a patient through the form stores the profile and opens the patient page', async () => {
  const { services, ui } = phoneServices(stack(), 'adder');
  const { page } = openPage('me', services);
  await until(() => page.data.state === 'ready', 'page ready');
  (page.instance as unknown as Inst).onStartCreate();
  await until(() => page.querySelector('.create-form') !== undefined, 'the form');
  const form = page.querySelector('.create-form')!.instance as unknown as { onInput(e: unknown): void; onBirth(e: unknown): void; onSex(e: unknown): void; onSubmit(): void };
  form.onSubmit();
  await new Promise((r) => setTimeout(r, 20));
  expect(textOf(page, '.create-form')).toContain('请填写姓名');
  form.onInput({ detail: { value: '王秀英' }, currentTarget: { dataset: { field: 'name' } } });
  form.onSex({ detail: { value: 0 } });
  form.onBirth({ detail: { value: '1948-03-12' } });
  form.onSubmit();
  await until(() => ui.navigations.length === 1, 'the patient page to open');
  const list = await services.api.patients();
  expect(list.ok && list.data.map((p) => [p.name, p.sex, p.role, p.birthDate])).toEqual([['王秀英', 'female', 'owner', '1948-03-12']]);
  expect(ui.navigations).toEqual([`/pages/patient/index?id=${encodeURIComponent(list.ok ? list.data[0].id : '')}`]);
});

test('redeeming a family invite shows the patient as followed, with the family role', async () => {
  const owner = phoneServices(stack(), 'inv-owner');
  const p = await owner.services.api.createPatient({ name: '李建国', sex: 'male', notes: '' });
  if (!p.ok) throw new Error(p.message);
  const invite = await owner.services.api.createInvite(p.data.id);
  if (!invite.ok) throw new Error(invite.message);

  const { services, ui } = phoneServices(stack(), 'inv-guest');
  const { page } = openPage('me', services);
  await until(() => page.data.state === 'ready', 'page ready');
  const inst = page.instance as unknown as { onRedeemInput(e: unknown): void; onRedeem(): Promise<void> };
  inst.onRedeemInput({ detail: { value: `${invite.data.code.slice(0, 4)} ${invite.data.code.slice(4).toLowerCase()}` } });
  await inst.onRedeem();
  expect(page.data.redeemError).toBe('');
  expect(ui.toasts).toEqual(['已加入，可以查看家人的数据了']);
  expect(allText(page)).toContain('李建国');
  expect(textOf(page, '.patient')).toContain('家人');
});

test.each([
  ['an unknown code', 'ZZZZ2345', '邀请码不存在，请核对后重试'],
  ['a malformed code', '12', '邀请码为 8 位字母或数字，请检查后重试'],
  ['nothing', '   ', '请输入家人分享的邀请码'],
])('redeeming %s shows why, in Chinese, and follows no one', async (_what, code, message) => {
  const { services } = phoneServices(stack(), `bad-${code.trim() || 'empty'}`);
  const { page } = openPage('me', services);
  await until(() => page.data.state === 'ready', 'page ready');
  const inst = page.instance as unknown as { onRedeemInput(e: unknown): void; onRedeem(): Promise<void> };
  inst.onRedeemInput({ detail: { value: code } });
  await inst.onRedeem();
  expect(page.data.redeemError).toBe(message);
  expect(textOf(page, '.error-text')).toBe(message);
  expect(page.data.patients).toEqual([]);
});

test('switching the development account signs in as another user', async () => {
  const { services } = phoneServices(stack(), 'first-user');
  const { page } = openPage('me', services);
  await until(() => page.data.state === 'ready', 'page ready');
  const firstId = page.data.userId;
  const inst = page.instance as unknown as { onDevInput(e: unknown): void; onSwitchDev(): Promise<void> };
  inst.onDevInput({ detail: { value: 'second-user' } });
  await inst.onSwitchDev();
  expect(page.data.devCode).toBe('second-user');
  expect(page.data.userId).not.toBe(firstId);
  expect(page.data.userName).toBe('second-user');
});
