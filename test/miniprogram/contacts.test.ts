/**
 * @jest-environment node
 *
 * One-tap calls (#13): the patient page lists the patient's own phone and the emergency contacts
 * with a call button each (`wx.makePhoneCall` through the injected `ui.call`), says when there
 * are none, and the owner edits them in the profile form (sent whole, so removals stick).
 */
import { err, ErrorCode } from '../../core';
import type { PatientProfile } from '../../core/api';
import { fixtureServices, patientDetail, PATIENTS } from '../../preview/fixtures';
import { until } from '../helpers/until';
import { recordingUi } from './helpers/platform';
import { allText, openPage } from './helpers/render';

beforeEach(() => jest.resetModules());

const withContacts = () => ({
  ...patientDetail(),
  phone: '13900001111',
  emergencyContacts: [
    { name: '张丽', relation: '女儿', phone: '+86-138-0013-8000' },
    { name: '社区医生', phone: '0571-88886666' },
  ],
});

test('each number has its own call button, the patient first', async () => {
  const ui = recordingUi();
  const { page } = openPage('patient', fixtureServices({ ui, api: { patient: async () => ({ ok: true, data: withContacts() }) } }), { id: 'p_mom' });
  await until(() => page.data.state === 'ready', 'the page');
  const rows = page.querySelectorAll('.call');
  expect(rows.map((r) => (r.dom!.textContent ?? '').replace(/\s+/g, ''))).toEqual([
    '王秀英本人13900001111打电话',
    '张丽（女儿）+86-138-0013-8000打电话',
    '社区医生0571-88886666打电话',
  ]);
  page.querySelectorAll('.call-btn')[1].dispatchEvent('tap');
  page.querySelectorAll('.call-btn')[0].dispatchEvent('tap');
  await until(() => ui.calls.length === 2, 'the calls');
  expect(ui.calls).toEqual(['+86-138-0013-8000', '13900001111']);
});

test('without numbers, family are told the owner has not added any, and the owner how to', async () => {
  const family = openPage('patient', fixtureServices(), { id: 'p_dad' }).page;
  await until(() => family.data.state === 'ready', 'the family page');
  expect(family.querySelector('.call')).toBeUndefined();
  expect(allText(family)).toContain('管理者还没有填写电话和紧急联系人');
  const owner = openPage('patient', fixtureServices(), { id: 'p_mom' }).page;
  await until(() => owner.data.state === 'ready', 'the owner page');
  expect(allText(owner)).toContain('点上方「编辑资料」添加家人的电话和紧急联系人');
});

test('the owner adds a contact and removes another in the form; the whole list is saved', async () => {
  const saved: Array<Partial<PatientProfile>> = [];
  const services = fixtureServices({
    api: {
      patient: async () => ({ ok: true, data: withContacts() }),
      updatePatient: async (id, profile) => {
        saved.push(profile);
        return { ok: true, data: { ...PATIENTS[0], ...profile, id } };
      },
    },
  });
  const { page } = openPage('patient', services, { id: 'p_mom' });
  await until(() => page.data.state === 'ready', 'the page');
  (page.instance as unknown as { onEdit(): void }).onEdit();
  await until(() => page.querySelector('.edit-form') !== undefined, 'the form');
  const form = page.querySelector('.edit-form')!;
  form.querySelectorAll('.remove')[1].dispatchEvent('tap');
  form.querySelector('.add-contact')!.dispatchEvent('tap');
  await until(() => form.querySelectorAll('.contact').length === 2, 'the rows');
  form.querySelectorAll('.contact-name')[1].dispatchEvent('input', { detail: { value: '邻居刘阿姨' } });
  form.querySelectorAll('.contact-phone')[1].dispatchEvent('input', { detail: { value: '139 1234 5678' } });
  form.querySelector('.submit')!.dispatchEvent('tap');
  await until(() => saved.length === 1, 'the save');
  expect(saved[0]).toMatchObject({
    phone: '13900001111',
    emergencyContacts: [
      { name: '张丽', relation: '女儿', phone: '+86-138-0013-8000' },
      { name: '邻居刘阿姨', phone: '13912345678' },
    ],
  });
});

test('a phone the function refuses is explained in words about phones', async () => {
  const refusal = '"emergencyContacts[0].phone" may hold only digits, a leading "+" and "-" (3–20 characters)';
  const services = fixtureServices({ api: { updatePatient: async () => err(ErrorCode.BadRequest, refusal) } });
  const { page } = openPage('patient', services, { id: 'p_mom' });
  await until(() => page.data.state === 'ready', 'the page');
  await (page.instance as unknown as { onSave(e: unknown): Promise<void> }).onSave({ detail: { profile: { name: '王秀英', sex: 'female', notes: '' } } });
  expect(page.data.saveError).toBe('请检查电话：只能有数字、+ 和 -，最多 5 位紧急联系人，每位都要有名字和电话');
});
