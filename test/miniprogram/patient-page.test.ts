/**
 * @jest-environment node
 *
 * 家人详情 against the real stack: profile editing, binding and unbinding devices by their label
 * code, inviting family, and what a family member (not the owner) may do.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDevice } from '../helpers/stack';
import { until } from '../helpers/until';
import { ownerWithDevice } from './helpers/family';
import { allText, openPage, textOf } from './helpers/render';
import { phoneServices, useLocalStack } from './helpers/services';

const stack = useLocalStack();
beforeEach(() => jest.resetModules());

type Fn = (...a: never[]) => unknown;
const call = <T = unknown>(page: { instance: unknown }, name: string, arg?: unknown) => (page.instance as Record<string, Fn>)[name](arg as never) as T;

test('the owner sees the profile, the device with its status and the family', async () => {
  const { phone, patientId } = await ownerWithDevice(stack(), 'pp-owner');
  const { page } = openPage('patient', phone.services, { id: patientId });
  await until(() => page.data.state === 'ready', 'the page');
  expect(allText(page)).toContain('王秀英');
  expect(allText(page)).toContain('女');
  expect(allText(page)).toContain('高血压');
  expect(page.data.devices).toEqual([expect.objectContaining({ label: '卧室床旁终端', online: false })]);
  expect(textOf(page, '.device')).toContain('还没有测量数据');
  expect(page.data.members).toEqual([expect.objectContaining({ name: 'pp-owner', roleText: '管理者', isMe: true, removable: false })]);
  expect(phone.ui.titles).toEqual(['王秀英']);
});

test('binding a device by the code on its label (typed with look-alike letters) adds it', async () => {
  const { phone, patientId } = await ownerWithDevice(stack(), 'pp-bind');
  const second = await createDevice(stack(), { label: '客厅终端' });
  const { page } = openPage('patient', phone.services, { id: patientId });
  await until(() => page.data.state === 'ready', 'the page');
  // People type O for 0 and I for 1, in lower case, with or without the dash.
  const typed = second.bindCode.replace(/0/g, 'O').replace(/1/g, 'I').toLowerCase();
  call(page, 'onBindInput', { detail: { value: typed } });
  await call<Promise<void>>(page, 'onBind');
  expect(page.data.bindError).toBe('');
  expect(page.data.devices.map((d: { label: string }) => d.label).sort()).toEqual(['卧室床旁终端', '客厅终端']);
  expect(phone.ui.toasts).toContain('设备已绑定');
});

test('a scanned label fills in the bind code', async () => {
  const { phone, patientId } = await ownerWithDevice(stack(), 'pp-scan');
  const { page } = openPage('patient', phone.services, { id: patientId });
  await until(() => page.data.state === 'ready', 'the page');
  phone.ui.scanResult = 'https://rpm.example/bind?code=7k3qd-m9x2p';
  await call<Promise<void>>(page, 'onScan');
  expect(page.data.bindCode).toBe('7K3QD-M9X2P');
});

test('a wrong bind code is explained and nothing is bound', async () => {
  const { phone, patientId } = await ownerWithDevice(stack(), 'pp-wrong');
  const { page } = openPage('patient', phone.services, { id: patientId });
  await until(() => page.data.state === 'ready', 'the page');
  call(page, 'onBindInput', { detail: { value: 'ZZZZZ-ZZZZZ' } });
  await call<Promise<void>>(page, 'onBind');
  expect(page.data.bindError).toBe('没有找到该绑定码对应的设备');
  expect(textOf(page, '.error-text')).toBe('没有找到该绑定码对应的设备');
  expect(page.data.devices).toHaveLength(1);
});

test('unbinding asks first; declining keeps the device, confirming removes it', async () => {
  const { phone, patientId, creds } = await ownerWithDevice(stack(), 'pp-unbind');
  const { page } = openPage('patient', phone.services, { id: patientId });
  await until(() => page.data.state === 'ready', 'the page');
  const tap = { currentTarget: { dataset: { id: creds.deviceId, label: '卧室床旁终端' } } };
  phone.ui.confirmAnswer = false;
  await call<Promise<void>>(page, 'onUnbind', tap);
  expect(page.data.devices).toHaveLength(1);
  phone.ui.confirmAnswer = true;
  await call<Promise<void>>(page, 'onUnbind', tap);
  expect(phone.ui.confirms).toEqual(['解绑设备', '解绑设备']);
  expect(page.data.devices).toHaveLength(0);
  expect(allText(page)).toContain('还没有绑定设备');
});

test('the owner edits the profile and the backend keeps it', async () => {
  const { phone, patientId } = await ownerWithDevice(stack(), 'pp-edit');
  const { page } = openPage('patient', phone.services, { id: patientId });
  await until(() => page.data.state === 'ready', 'the page');
  call(page, 'onEdit');
  await call<Promise<void>>(page, 'onSave', {
    detail: { profile: { name: '王秀英', sex: 'female', birthDate: '1948-03-12', notes: '高血压；晚上服药' } },
  });
  expect(page.data.editing).toBe(false);
  const back = await phone.services.api.patient(patientId);
  expect(back.ok && back.data.notes).toBe('高血压；晚上服药');
  expect(allText(page)).toContain('晚上服药');
});

test('an invite lets a relative join; they see the patient without owner controls, and the owner can remove them', async () => {
  const { phone, patientId } = await ownerWithDevice(stack(), 'pp-fam-owner');
  const owner = openPage('patient', phone.services, { id: patientId });
  await until(() => owner.page.data.state === 'ready', 'the owner page');
  await call<Promise<void>>(owner.page, 'onInvite');
  const code = owner.page.data.invite.code as string;
  expect(textOf(owner.page, '.invite-code')).toBe(`${code.slice(0, 4)} ${code.slice(4)}`);
  call(owner.page, 'onCopyInvite');
  expect(phone.ui.copied).toEqual([code]);
  // The WeChat share card opens 我的 with this code filled in.
  expect(textOf(owner.page, '.share')).toBe('发给微信里的家人');
  const card = call<{ title: string; path: string }>(owner.page, 'onShareAppMessage');
  expect(card.path).toBe(`/pages/me/index?invite=${code}`);
  expect(card.title).toMatch(/^邀请你一起照看/);

  const relative = phoneServices(stack(), 'pp-fam-relative');
  const joined = await relative.services.api.redeemInvite(code);
  expect(joined.ok).toBe(true);
  const seen = openPage('patient', relative.services, { id: patientId });
  await until(() => seen.page.data.state === 'ready', 'the relative page');
  expect(seen.page.data.isOwner).toBe(false);
  expect(allText(seen.page)).not.toContain('编辑资料');
  expect(allText(seen.page)).not.toContain('邀请家人');
  expect(allText(seen.page)).toContain('不再关注');

  await call<Promise<void>>(owner.page, 'load');
  const member = owner.page.data.members.find((m: { name: string }) => m.name === 'pp-fam-relative');
  expect(member).toMatchObject({ roleText: '家人', removable: true });
  await call<Promise<void>>(owner.page, 'onRemove', { currentTarget: { dataset: { id: member.userId, name: member.name } } });
  expect(owner.page.data.members.map((m: { name: string }) => m.name)).toEqual(['pp-fam-owner']);
  const after = await relative.services.api.patient(patientId);
  expect(after.ok).toBe(false);
});

test('a page for a patient the user does not follow shows an error, not data', async () => {
  const { patientId } = await ownerWithDevice(stack(), 'pp-private');
  const stranger = phoneServices(stack(), 'pp-stranger');
  const { page } = openPage('patient', stranger.services, { id: patientId });
  await until(() => page.data.state === 'error', 'the error');
  expect(allText(page)).toContain('内容不存在或你已不再关注该家人');
  expect(allText(page)).not.toContain('王秀英');
});

test('family members are shown with the avatar they chose, or the first character of their name', async () => {
  const { phone, patientId } = await ownerWithDevice(stack(), 'pp-avatar-owner');
  const picture = join(tmpdir(), `rpm-avatar-${process.pid}.png`);
  writeFileSync(picture, Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64'));
  const uploaded = await phone.services.avatars.upload(picture);
  rmSync(picture);
  if (!uploaded.ok) throw new Error(uploaded.message);
  expect((await phone.services.api.updateProfile({ avatarUrl: uploaded.data, name: '张伟' })).ok).toBe(true);
  const invite = await phone.services.api.createInvite(patientId);
  if (!invite.ok) throw new Error(invite.message);
  const guest = phoneServices(stack(), 'pp-avatar-guest');
  expect((await guest.services.api.redeemInvite(invite.data.code)).ok).toBe(true);

  const { page } = openPage('patient', guest.services, { id: patientId });
  await until(() => page.data.state === 'ready', 'the page');
  const [owner, me] = page.querySelectorAll('.member-avatar');
  expect(owner.data.src).toBe(`http://127.0.0.1:${stack().ports.http}${uploaded.data}`);
  expect(owner.querySelector('.picture')).toBeDefined();
  expect(me.data.src).toBe('');
  expect((me.dom?.textContent ?? '').trim()).toBe('P');
  expect(textOf(page, '.member')).toContain('张伟');
});
