/**
 * A patient's phone and emergency contacts (#13, one-tap call from the mini program) through the
 * real local stack: `patients.create` / `update` / `get` over the function host, validation with
 * clear BAD_REQUEST messages, owner-only changes, and the list replaced as a whole.
 */
import { functionClient } from '../helpers/http';
import { useStack } from '../helpers/stack';

type Json = Record<string, unknown>;

describe('patient phone and emergency contacts', () => {
  const stack = useStack({}, 'all');
  const { call, data, login } = functionClient(() => stack().ports.http);
  const contacts = [
    { name: '张丽', relation: '女儿', phone: '+86-138-0013-8000' },
    { name: ' 社区医生 ', phone: '0571-88886666' },
  ];

  test('stored on create, seen by family, replaced and removed by the owner only', async () => {
    const owner = await login('contacts-owner');
    const fam = await login('contacts-family');
    const p = await data('patients', { action: 'create', name: '王秀英', phone: ' 13900001111 ', emergencyContacts: contacts }, owner);
    expect(p).toMatchObject({ phone: '13900001111', emergencyContacts: [contacts[0], { name: '社区医生', phone: '0571-88886666' }] });
    const invite = await data('patients', { action: 'createInvite', patientId: p.id }, owner);
    await data('patients', { action: 'redeemInvite', code: invite.code }, fam);
    const seen = await data('patients', { action: 'get', patientId: p.id }, fam);
    expect(seen.emergencyContacts).toHaveLength(2);
    expect(seen.phone).toBe('13900001111');

    const refused = await call('patients', { action: 'update', patientId: p.id, phone: '110' }, fam);
    expect(refused.body).toMatchObject({ ok: false, code: 'FORBIDDEN' });

    // A name-only update keeps both; a new list replaces the old one; null / [] remove them.
    await data('patients', { action: 'update', patientId: p.id, notes: '高血压' }, owner);
    expect(await data('patients', { action: 'get', patientId: p.id }, owner)).toMatchObject({ phone: '13900001111', emergencyContacts: expect.any(Array) });
    await data('patients', { action: 'update', patientId: p.id, emergencyContacts: [{ name: '邻居', phone: '110' }] }, owner);
    expect((await data('patients', { action: 'get', patientId: p.id }, owner)).emergencyContacts).toEqual([{ name: '邻居', phone: '110' }]);
    await data('patients', { action: 'update', patientId: p.id, phone: null, emergencyContacts: [] }, owner);
    const cleared = await data('patients', { action: 'get', patientId: p.id }, owner);
    expect(cleared.phone).toBeUndefined();
    expect(cleared.emergencyContacts).toBeUndefined();
  });

  const six = Array.from({ length: 6 }, (_, i) => ({ name: `联系人${i}`, phone: `1390000000${i}` }));
  test.each<[string, Json, RegExp]>([
    ['letters in the phone', { phone: '139-abc' }, /"phone" may hold only digits, a leading "\+" and "-"/],
    ['a plus in the middle', { phone: '139+0000' }, /"phone" may hold only digits/],
    ['a phone too short', { phone: '12' }, /3–20 characters/],
    ['six contacts', { emergencyContacts: six }, /at most 5 contacts/],
    ['contacts not a list', { emergencyContacts: { name: 'x', phone: '110' } }, /must be a list of \{name, relation\?, phone\}/],
    ['a contact without a name', { emergencyContacts: [{ name: ' ', phone: '110' }] }, /"emergencyContacts\[0\]\.name" must be 1–32 characters/],
    [
      'a contact with a bad phone',
      { emergencyContacts: [contacts[0], { name: '邻居', phone: '电话' }] },
      /"emergencyContacts\[1\]\.phone" may hold only digits/,
    ],
    [
      'a long relation',
      { emergencyContacts: [{ name: '邻居', relation: '住在楼下的老朋友的儿子和他的家人们', phone: '110' }] },
      /"emergencyContacts\[0\]\.relation" must be at most 16 characters/,
    ],
  ])('%s is BAD_REQUEST with a clear message and changes nothing', async (_what, change, message) => {
    const owner = await login('contacts-validator');
    const p = await data('patients', { action: 'create', name: '李建国', phone: '13900001111' }, owner);
    const r = await call('patients', { action: 'update', patientId: p.id, ...change }, owner);
    expect(r.body).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
    expect(r.body.message).toMatch(message);
    expect((await data('patients', { action: 'get', patientId: p.id }, owner)).phone).toBe('13900001111');
  });
});
