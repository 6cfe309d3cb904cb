/**
 * @jest-environment node
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { err, ErrorCode } from '../../core';
import { createServices } from '../../miniprogram/services/index';
import { fixtureServices } from '../../preview/fixtures';
import type { PatientItem } from '../../miniprogram/pages/me/view-model';
import { tempDir } from '../helpers/stack';
import { until } from '../helpers/until';
import { nodePlatform } from './helpers/platform';
import { openPage, textOf, allText } from './helpers/render';
import { localConfig, phoneServices, useLocalStack } from './helpers/services';

const stack = useLocalStack();
beforeEach(() => jest.resetModules());

test('a new user is guided to add a patient or redeem an invite', async () => {
  const { services } = phoneServices(stack(), 'newcomer');
  const { page } = openPage('me', services);
  await until(() => page.data.state === 'ready', 'page ready');
  expect(allText(page)).toContain('欢迎使用家人健康守护');
  expect(allText(page)).toContain('添加家人');
  expect(allText(page)).toContain('加入家庭');
});

type Inst = Record<string, (...a: never[]) => unknown>;

test('adding a patient through the form stores the profile and opens the patient page', async () => {
  const { services, ui } = phoneServices(stack(), 'adder');
  const { page } = openPage('me', services);
  await until(() => page.data.state === 'ready', 'page ready');
  (page.instance as unknown as Inst).onStartCreate();
  await until(() => page.querySelector('.create-form') !== undefined, 'the form');
  const form = page.querySelector('.create-form')!.instance as unknown as {
    onInput(e: unknown): void;
    onBirth(e: unknown): void;
    onSex(e: unknown): void;
    onSubmit(): void;
  };
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
  expect(ui.navigations).toEqual([`/family/patient/index?id=${encodeURIComponent(list.ok ? list.data[0].id : '')}`]);
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
  // The status line comes from the real devices.mine: no device bound yet.
  expect(textOf(page, '.pstatus')).toContain('还没有绑定设备');
});

test('each followed patient has a status line: all well, or the device offline for how long', async () => {
  const { DEVICE, NOW } = await import('../../preview/fixtures');
  const services = fixtureServices({
    api: {
      myDevices: async () => ({
        ok: true,
        data: [
          { ...DEVICE, patientId: 'p_mom' },
          { ...DEVICE, id: 'rpm/dad', patientId: 'p_dad', online: false, presenceAt: NOW - 45 * 60_000, lastReading: { ts: NOW - 46 * 60_000, heartRate: 70 } },
        ],
      }),
    },
  });
  const { page } = openPage('me', services);
  await until(() => page.data.state === 'ready', 'page ready');
  expect(page.data.patients.map((p: PatientItem) => [p.name, p.status?.level, p.status?.title])).toEqual([
    ['王秀英', 'ok', '一切正常'],
    ['李建国', 'offline', '设备离线 45 分钟'],
  ]);
  expect(allText(page)).toContain('设备离线 45 分钟');
});

test('without the devices the list still shows the patients', async () => {
  const services = fixtureServices({ api: { myDevices: async () => err(ErrorCode.Unavailable, 'down') } });
  const { page } = openPage('me', services);
  await until(() => page.data.state === 'ready', 'page ready');
  expect(page.data.patients.map((p: PatientItem) => [p.name, p.status])).toEqual([
    ['王秀英', undefined],
    ['李建国', undefined],
  ]);
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

describe('avatar and nickname', () => {
  /** A real 1×1 PNG. */
  const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
  let files: ReturnType<typeof tempDir>;
  beforeAll(() => (files = tempDir('rpm-chosen-')));
  afterAll(() => files.remove());
  /** A temporary file as WeChat's chooseAvatar hands it over. */
  const chosen = (name: string, bytes: Buffer) => {
    const path = join(files.path, name);
    writeFileSync(path, bytes);
    return path;
  };
  type ProfileInst = {
    onChooseAvatar(e: unknown): Promise<void>;
    onEditName(): void;
    onNameInput(e: unknown): void;
    onNameBlur(e: unknown): void;
    onNameConfirm(e: unknown): Promise<void>;
    onNameSubmit(e: unknown): Promise<void>;
  };

  test('a user without an avatar sees the first character of their name and where to set one', async () => {
    const { services } = phoneServices(stack(), 'no-avatar');
    const { page } = openPage('me', services);
    await until(() => page.data.state === 'ready', 'page ready');
    expect(textOf(page, '.my-avatar')).toBe('N');
    expect(page.querySelector('.my-avatar')!.querySelector('.picture')).toBeUndefined();
    expect(textOf(page, '.avatar-hint')).toBe('设置头像');
    expect(textOf(page, '.edit-name')).toBe('修改昵称');
  });

  test('choosing an avatar uploads it to the local host through the services, stores it on the profile and shows it', async () => {
    const { services, ui } = phoneServices(stack(), 'avatar-chooser');
    const { page } = openPage('me', services);
    await until(() => page.data.state === 'ready', 'page ready');
    // The chooseAvatar button's event, as WeChat fires it.
    page.querySelector('.avatar-button')!.dispatchEvent('chooseavatar', { detail: { avatarUrl: chosen('tmp_avatar.png', PNG) } });
    await until(() => ui.toasts.includes('头像已更新'), 'the avatar to be saved');
    const base = `http://127.0.0.1:${stack().ports.http}`;
    expect(page.data.avatarSrc).toMatch(new RegExp(`^${base}/files/avatars/[0-9a-f]{32}\\.png$`));
    expect(page.data.profileError).toBe('');
    const picture = page.querySelector('.my-avatar')!.querySelector('.picture');
    // The simulator keeps built-in tags' attributes off the DOM: the avatar's own data says what <image> shows.
    expect(picture).toBeDefined();
    expect(page.querySelector('.my-avatar')!.data.src).toBe(page.data.avatarSrc);
    expect(textOf(page, '.avatar-hint')).toBe('更换头像');
    // Stored on the profile, kept in the session, and served by the host.
    const me = await services.api.me();
    expect(me.ok && me.data.user.avatarUrl).toBe(page.data.avatarSrc.slice(base.length));
    expect(services.session.user()?.avatarUrl).toBe(page.data.avatarSrc.slice(base.length));
    const served = await fetch(page.data.avatarSrc);
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).toBe(true);
  });

  test('saving a nickname with the 保存 button calls updateProfile and shows the name', async () => {
    const { services, ui } = phoneServices(stack(), 'nick-submit');
    const { page } = openPage('me', services);
    await until(() => page.data.state === 'ready', 'page ready');
    const inst = page.instance as unknown as ProfileInst;
    inst.onEditName();
    await until(() => page.querySelector('.name-input') !== undefined, 'the nickname field');
    expect(page.data.nameInput).toBe('nick-submit');
    inst.onNameInput({ detail: { value: '  李娜 ' } });
    // The form's value is what WeChat's nickname check left in the field.
    await inst.onNameSubmit({ detail: { value: { nickname: '  李娜 ' } } });
    expect(page.data.profileError).toBe('');
    expect(textOf(page, '.who .name')).toBe('李娜');
    expect(textOf(page, '.my-avatar')).toBe('李');
    expect(page.querySelector('.name-input')).toBeUndefined();
    expect(ui.toasts).toContain('昵称已保存');
    const me = await services.api.me();
    expect(me.ok && me.data.user.name).toBe('李娜');
    expect(services.session.user()?.name).toBe('李娜');
  });

  test("the WeChat nickname picked above the keyboard (seen on blur) is saved with the keyboard's 完成", async () => {
    const { services } = phoneServices(stack(), 'nick-confirm');
    const { page } = openPage('me', services);
    await until(() => page.data.state === 'ready', 'page ready');
    const inst = page.instance as unknown as ProfileInst;
    inst.onEditName();
    inst.onNameBlur({ detail: { value: '微信里的王芳' } });
    expect(page.data.nameInput).toBe('微信里的王芳');
    await inst.onNameConfirm({ detail: { value: '微信里的王芳' } });
    expect(textOf(page, '.who .name')).toBe('微信里的王芳');
    const me = await services.api.me();
    expect(me.ok && me.data.user.name).toBe('微信里的王芳');
  });

  test.each([
    ['an empty nickname', '   ', '请填写昵称'],
    ['a nickname over 32 characters', '名'.repeat(33), '昵称最多 32 个字'],
  ])('%s is explained in Chinese and nothing is saved', async (_what, value, message) => {
    const { services } = phoneServices(stack(), `nick-bad-${value.length}`);
    const { page } = openPage('me', services);
    await until(() => page.data.state === 'ready', 'page ready');
    const inst = page.instance as unknown as ProfileInst;
    inst.onEditName();
    await inst.onNameSubmit({ detail: { value: { nickname: value } } });
    expect(textOf(page, '.profile-error')).toBe(message);
    const me = await services.api.me();
    expect(me.ok && me.data.user.name).toBe(`nick-bad-${value.length}`);
  });

  test.each([
    ['a file that is not a picture', 'tmp_note.png', Buffer.from('not a picture at all'), '这张图片用不了，请换一张照片（JPG 或 PNG）'],
    ['a picture over 512 KB', 'tmp_big.png', Buffer.concat([PNG, Buffer.alloc(600 * 1024)]), '图片太大了（不能超过 512 KB），请换一张'],
  ])('choosing %s is refused by the host and explained in Chinese', async (_what, name, bytes, message) => {
    const { services, ui } = phoneServices(stack(), `bad-avatar-${name.length}`);
    const { page } = openPage('me', services);
    await until(() => page.data.state === 'ready', 'page ready');
    await (page.instance as unknown as ProfileInst).onChooseAvatar({ detail: { avatarUrl: chosen(name, bytes) } });
    expect(textOf(page, '.profile-error')).toBe(message);
    expect(page.data.avatarSrc).toBe('');
    expect(page.data.avatarBusy).toBe(false);
    expect(ui.toasts).not.toContain('头像已更新');
    const me = await services.api.me();
    expect(me.ok && me.data.user.avatarUrl).toBeUndefined();
  });

  test('an upload that cannot reach the host says so in Chinese', async () => {
    const services = fixtureServices({ avatars: { upload: async () => err(ErrorCode.Unavailable, '网络不可用：uploadFile:fail timeout') } });
    const { page } = openPage('me', services);
    await until(() => page.data.state === 'ready', 'page ready');
    await (page.instance as unknown as ProfileInst).onChooseAvatar({ detail: { avatarUrl: 'wxfile://tmp_1.jpg' } });
    expect(textOf(page, '.profile-error')).toBe('头像没有上传成功，请检查网络后再试');
  });

  test('a nickname the function refuses is explained in Chinese', async () => {
    const services = fixtureServices({ api: { updateProfile: async () => err(ErrorCode.BadRequest, '"name" must be 1–32 characters') } });
    const { page } = openPage('me', services);
    await until(() => page.data.state === 'ready', 'page ready');
    const inst = page.instance as unknown as ProfileInst;
    inst.onEditName();
    await inst.onNameSubmit({ detail: { value: { nickname: '新名字' } } });
    expect(textOf(page, '.profile-error')).toBe('昵称为 1–32 个字，请修改后再保存');
    expect(page.querySelector('.name-input')).toBeDefined();
  });

  test('in CloudBase mode the avatar goes to cloud storage under avatars/<user id>/ and the file id is stored and shown', async () => {
    // wx.cloud stand-in: functions run on the real stack as a WeChat user; uploads are recorded.
    const uploads: Array<{ cloudPath: string; filePath: string }> = [];
    const np = nodePlatform({
      cloud: {
        callFunction: async ({ name, data }) => ({ result: await stack().invoke(name, data, { kind: 'user', openid: 'o-cloud-avatar' }) }),
        uploadFile: async (o) => (uploads.push(o), { fileID: `cloud://prod-4g1x.7072-prod-4g1x-1300000000/${o.cloudPath}` }),
      },
    });
    const services = createServices(np.platform, { ...localConfig(stack()), mode: 'cloud' });
    const { page } = openPage('me', services);
    await until(() => page.data.state === 'ready', 'page ready');
    await (page.instance as unknown as ProfileInst).onChooseAvatar({ detail: { avatarUrl: 'wxfile://tmp_c8e1.jpg' } });
    const me = await services.api.me();
    if (!me.ok) throw new Error(me.message);
    expect(uploads).toEqual([
      { cloudPath: expect.stringMatching(new RegExp(`^avatars/${me.data.user.id}/\\d+-[0-9a-z]+\\.jpg$`)), filePath: 'wxfile://tmp_c8e1.jpg' },
    ]);
    expect(me.data.user.avatarUrl).toBe(`cloud://prod-4g1x.7072-prod-4g1x-1300000000/${uploads[0].cloudPath}`);
    expect(page.data.avatarSrc).toBe(me.data.user.avatarUrl);
    expect(page.data.profileError).toBe('');
  });
});

describe('sharing and reading', () => {
  test('opened from an invite card: the code is filled in and one tap on 加入 joins', async () => {
    const redeemed: string[] = [];
    const base = fixtureServices();
    const services = fixtureServices({ api: { redeemInvite: (code) => (redeemed.push(code), base.api.redeemInvite(code)) } });
    const { page } = openPage('me', services);
    (page.instance as unknown as { onLoad(q: unknown): void }).onLoad({ invite: 'k7q2m9xd' });
    await until(() => page.data.state === 'ready', 'page ready');
    expect(page.data.redeemCode).toBe('K7Q2M9XD');
    expect(allText(page)).toContain('家人邀请你一起照看');
    await (page.instance as unknown as { onRedeem(): Promise<void> }).onRedeem();
    expect(redeemed).toEqual(['K7Q2M9XD']);
  });

  test("大字模式 is stored and switches the page at once; WeChat's large font turns it on by default", async () => {
    const { createDisplay } = await import('../../miniprogram/services/display');
    const store = new Map<string, unknown>();
    const storage = {
      getStorageSync: (k: string) => store.get(k) ?? '',
      setStorageSync: (k: string, v: unknown) => void store.set(k, v),
      removeStorageSync: (k: string) => void store.delete(k),
    };
    let font: number | undefined = 17;
    const display = createDisplay(storage, () => font);
    expect(display.bigText()).toBe(false);
    font = 22;
    expect(display.bigText()).toBe(true);
    display.setBigText(false);
    expect(display.bigText()).toBe(false);

    const services = { ...fixtureServices(), display };
    const { page } = openPage('me', services);
    await until(() => page.data.state === 'ready', 'page ready');
    expect(page.data.big).toBe(false);
    (page.instance as unknown as { onBigText(e: unknown): void }).onBigText({ detail: { value: true } });
    expect(page.data.big).toBe(true);
    expect(display.bigText()).toBe(true);
    expect(page.querySelector('.page')!.dom!.className).toContain('big');
  });

  test('pull-to-refresh loads again and ends the animation', async () => {
    let stopped = 0;
    let loads = 0;
    const base = fixtureServices();
    const services = fixtureServices({
      ui: { ...base.ui, stopPullDownRefresh: () => void stopped++ },
      api: { patients: () => (loads++, base.api.patients()) },
    });
    const { page } = openPage('me', services);
    await until(() => page.data.state === 'ready', 'page ready');
    const before = loads;
    await (page.instance as unknown as { onPullDownRefresh(): Promise<void> }).onPullDownRefresh();
    expect(loads).toBe(before + 1);
    expect(stopped).toBe(1);
  });
});

describe('privacy', () => {
  test('a privacy request WeChat waits on shows the sheet; 同意 answers with the agree button and hides it', async () => {
    const { createPrivacyGate } = await import('../../miniprogram/services/privacy');
    const privacy = createPrivacyGate();
    const { page } = openPage('me', fixtureServices({ privacy }));
    await until(() => page.data.state === 'ready', 'page ready');
    expect(allText(page)).not.toContain('使用前请阅读隐私说明');
    const answers: unknown[] = [];
    privacy.need((a) => answers.push(a));
    await until(() => allText(page).includes('使用前请阅读隐私说明'), 'the sheet');
    privacy.agree('privacy-agree');
    expect(answers).toEqual([{ event: 'agree', buttonId: 'privacy-agree' }]);
    await until(() => !allText(page).includes('使用前请阅读隐私说明'), 'the sheet to close');
    privacy.need((a) => answers.push(a));
    privacy.decline();
    expect(answers[1]).toEqual({ event: 'disagree' });
  });
});
