/**
 * The store contract, second half: users, sessions, patients, families, invites, bindings and
 * remote control. Run by `runStoreContract` for every adapter.
 */
import type { Store } from '../../backend/store/types';

const T0 = Date.UTC(2026, 0, 1);
const device = (name: string) => ({
  productKey: 'pk0000test1',
  deviceName: name,
  secret: 's3cret-value',
  bindCode: `B${name.replace(/\W/g, '').toUpperCase()}`.padEnd(10, '0').slice(0, 10),
});
const patient = (id: string, at = T0) => ({ id, name: `patient ${id}`, sex: 'female' as const, notes: '', createdAt: at });

/** A user who owns a new patient for each of `patientIds`. */
async function ownerOfPatients(store: Store, openid: string, patientIds: readonly string[]) {
  const owner = await store.userForOpenid(openid, 'owner', T0);
  for (const id of patientIds) await store.createPatient(patient(id), owner.id);
  return owner;
}

export function runPeopleContract(getStore: () => Store): void {
  describe('users and sessions', () => {
    test('a user is created on first sight of an openid and found again; the profile can change', async () => {
      const store = getStore();
      const a = await store.userForOpenid('openid-a', '张三', T0);
      expect(await store.userForOpenid('openid-a', 'other name', T0 + 1)).toEqual(a);
      expect(await store.findUserByOpenid('openid-a')).toEqual(a);
      expect(await store.findUserByOpenid('openid-b')).toBeUndefined();
      const b = await store.userForOpenid('openid-b', '李四', T0);
      expect(b.id).not.toBe(a.id);
      expect(await store.updateUser(a.id, { avatarUrl: 'cloud://env.bucket/avatars/a.png' })).toEqual({ ...a, avatarUrl: 'cloud://env.bucket/avatars/a.png' });
      expect(await store.updateUser(a.id, { name: '张三丰' })).toEqual({ ...a, name: '张三丰', avatarUrl: 'cloud://env.bucket/avatars/a.png' });
      expect(await store.updateUser('u_nobody', { name: 'x' })).toBeUndefined();
    });

    test('first sign-ins racing for one openid make one user', async () => {
      const store = getStore();
      const users = await Promise.all([1, 2, 3, 4].map((i) => store.userForOpenid('openid-race', `n${i}`, T0)));
      expect(new Set(users.map((u) => u.id)).size).toBe(1);
    });

    test('sessions are stored and revoked once', async () => {
      const store = getStore();
      const u = await store.userForOpenid('dev:alice', 'alice', T0);
      await store.createSession({ id: 's1', userId: u.id, createdAt: T0, expiresAt: T0 + 1000 });
      expect(await store.getSession('s1')).toEqual({ id: 's1', userId: u.id, createdAt: T0, expiresAt: T0 + 1000 });
      await store.revokeSession('s1', T0 + 10);
      await store.revokeSession('s1', T0 + 20);
      expect((await store.getSession('s1'))?.revokedAt).toBe(T0 + 10);
      expect(await store.getSession('nope')).toBeUndefined();
    });
  });

  describe('patients, families and invites', () => {
    test('the creator owns the patient; profiles update; members list owner first', async () => {
      const store = getStore();
      const owner = await store.userForOpenid('o', 'owner', T0);
      const fam = await store.userForOpenid('f', 'family', T0);
      await store.createPatient({ ...patient('p1'), birthDate: '1950-02-03' }, owner.id);
      await store.createPatient(patient('p2', T0 + 5), owner.id);
      expect(await store.getPatient('p1')).toEqual({ ...patient('p1'), birthDate: '1950-02-03' });
      await store.updatePatient('p1', { name: '王奶奶', sex: 'female', notes: 'COPD' });
      expect(await store.getPatient('p1')).toEqual({ id: 'p1', name: '王奶奶', sex: 'female', notes: 'COPD', createdAt: T0 });
      expect((await store.patientsOf(owner.id)).map((p) => [p.id, p.role])).toEqual([
        ['p1', 'owner'],
        ['p2', 'owner'],
      ]);
      expect(await store.roleOf('p1', owner.id)).toBe('owner');
      expect(await store.roleOf('p1', fam.id)).toBeUndefined();

      await store.createInvite({ code: 'INV1', patientId: 'p1', createdBy: owner.id, createdAt: T0, expiresAt: T0 + 1000 });
      expect(await store.redeemInvite('INV1', owner.id, T0 + 1)).toEqual({ outcome: 'already-member', patientId: 'p1' });
      expect(await store.redeemInvite('INV1', fam.id, T0 + 2)).toEqual({ outcome: 'joined', patientId: 'p1' });
      expect(await store.redeemInvite('INV1', fam.id, T0 + 3)).toEqual({ outcome: 'used' });
      expect(await store.redeemInvite('NOPE', fam.id, T0 + 3)).toEqual({ outcome: 'unknown' });
      await store.createInvite({ code: 'INV2', patientId: 'p2', createdBy: owner.id, createdAt: T0, expiresAt: T0 + 1000 });
      expect(await store.redeemInvite('INV2', fam.id, T0 + 1000)).toEqual({ outcome: 'expired' });

      await store.updateUser(fam.id, { avatarUrl: 'cloud://env.bucket/avatars/f.png' });
      const members = await store.members('p1');
      expect(members.map((m) => [m.userId, m.userName, m.role, m.since])).toEqual([
        [owner.id, 'owner', 'owner', T0],
        [fam.id, 'family', 'family', T0 + 2],
      ]);
      expect(members.map((m) => m.avatarUrl)).toEqual([undefined, 'cloud://env.bucket/avatars/f.png']);
      expect(await store.removeMember('p1', owner.id)).toBe(false); // the owner cannot be removed
      expect(await store.removeMember('p1', fam.id)).toBe(true);
      expect(await store.removeMember('p1', fam.id)).toBe(false);
      expect(await store.roleOf('p1', fam.id)).toBeUndefined();
      // A removed member cannot come back with the code they joined with.
      expect(await store.redeemInvite('INV1', fam.id, T0 + 4)).toEqual({ outcome: 'used' });
      expect(await store.roleOf('p1', fam.id)).toBeUndefined();
    });

    test("a patient's phone and emergency contacts are kept in order, replaced as a whole and removed", async () => {
      const store = getStore();
      const owner = await store.userForOpenid('o', 'owner', T0);
      const contacts = [
        { name: '张丽', relation: '女儿', phone: '+86-138-0013-8000' },
        { name: '社区医生', phone: '0571-88886666' },
      ];
      await store.createPatient({ ...patient('p1'), phone: '13900001111', emergencyContacts: contacts }, owner.id);
      expect(await store.getPatient('p1')).toEqual({ ...patient('p1'), phone: '13900001111', emergencyContacts: contacts });
      expect((await store.patientsOf(owner.id))[0]).toEqual({ ...patient('p1'), phone: '13900001111', emergencyContacts: contacts, role: 'owner' });
      // A shorter list replaces the longer one (no element-wise merge).
      await store.updatePatient('p1', {
        name: 'patient p1',
        sex: 'female',
        notes: '',
        phone: '13900002222',
        emergencyContacts: [{ name: '邻居', phone: '110' }],
      });
      expect(await store.getPatient('p1')).toEqual({ ...patient('p1'), phone: '13900002222', emergencyContacts: [{ name: '邻居', phone: '110' }] });
      await store.updatePatient('p1', { name: 'patient p1', sex: 'female', notes: '' });
      expect(await store.getPatient('p1')).toEqual(patient('p1'));
    });

    test('two people racing for one invite: exactly one joins', async () => {
      const store = getStore();
      const owner = await store.userForOpenid('o', 'owner', T0);
      await store.createPatient(patient('p1'), owner.id);
      await store.createInvite({ code: 'RACE', patientId: 'p1', createdBy: owner.id, createdAt: T0, expiresAt: T0 + 10_000 });
      const people = await Promise.all(['x', 'y', 'z'].map((n) => store.userForOpenid(n, n, T0)));
      const outcomes = await Promise.all(people.map((u) => store.redeemInvite('RACE', u.id, T0 + 1)));
      expect(outcomes.map((o) => o.outcome).sort()).toEqual(['joined', 'used', 'used']);
      expect(await store.members('p1')).toHaveLength(2);
    });
  });

  describe('bindings', () => {
    test('binding moves a device between patients; history keeps every binding; users see current devices', async () => {
      const store = getStore();
      const owner = await ownerOfPatients(store, 'o', ['p1', 'p2']);
      const d = await store.createDevice(device('bed-1'), T0);
      const { bindCode, ...record } = d;
      expect(await store.deviceByBindCode(bindCode)).toEqual(record);
      expect(await store.deviceByBindCode('NOPE000000')).toBeUndefined();
      expect(await store.currentBinding(d.id)).toBeUndefined();
      await store.bindDevice(d.id, 'p1', owner.id, T0 + 10);
      expect(await store.currentBinding(d.id)).toEqual({ deviceId: d.id, patientId: 'p1', from: T0 + 10, boundBy: owner.id });
      expect(await store.devicesOfUser(owner.id)).toEqual([d.id]);
      await store.bindDevice(d.id, 'p2', owner.id, T0 + 20);
      expect(await store.bindingsOfPatient('p1')).toEqual([{ deviceId: d.id, patientId: 'p1', from: T0 + 10, to: T0 + 20, boundBy: owner.id }]);
      expect((await store.currentBinding(d.id))?.patientId).toBe('p2');
      expect(await store.unbindDevice(d.id, T0 + 30)).toBe(true);
      expect(await store.unbindDevice(d.id, T0 + 40)).toBe(false);
      expect(await store.currentBinding(d.id)).toBeUndefined();
      expect(await store.bindingsOfPatient('p2')).toEqual([{ deviceId: d.id, patientId: 'p2', from: T0 + 20, to: T0 + 30, boundBy: owner.id }]);
      expect(await store.devicesOfUser(owner.id)).toEqual([]);
    });

    test('currentBindings: one per bound device, the current one, none for unbound devices', async () => {
      const store = getStore();
      const owner = await ownerOfPatients(store, 'o-cb', ['cb-1', 'cb-2']);
      const a = await store.createDevice(device('cb-a'), T0);
      const b = await store.createDevice(device('cb-b'), T0);
      const c = await store.createDevice(device('cb-c'), T0);
      await store.bindDevice(a.id, 'cb-1', owner.id, T0 + 1);
      await store.bindDevice(a.id, 'cb-2', owner.id, T0 + 2); // moved: only the new binding is current
      await store.bindDevice(b.id, 'cb-1', owner.id, T0 + 3);
      await store.bindDevice(c.id, 'cb-1', owner.id, T0 + 4);
      await store.unbindDevice(c.id, T0 + 5);
      const mine = (await store.currentBindings()).filter((x) => [a.id, b.id, c.id].includes(x.deviceId));
      expect(mine.sort((x, y) => x.from - y.from)).toEqual([
        { deviceId: a.id, patientId: 'cb-2', from: T0 + 2, boundBy: owner.id },
        { deviceId: b.id, patientId: 'cb-1', from: T0 + 3, boundBy: owner.id },
      ]);
      // The same for the devices asked about, in one read: unbound and unknown ones absent.
      const some = await store.currentBindingsOf([c.id, a.id, 'pk0000test1/nobody', b.id, a.id]);
      expect(Object.fromEntries(some)).toEqual({ [a.id]: mine[0], [b.id]: mine[1] });
      expect(await store.currentBindingsOf([])).toEqual(new Map());
    });
  });

  describe('remote control', () => {
    test('desired and reported settings are kept apart; the audit reads newest first', async () => {
      const store = getStore();
      const d = await store.createDevice(device('bed-1'), T0);
      expect(await store.deviceState(d.id)).toEqual({});
      await store.setReported(d.id, { enabled: true, intervalS: 60 }, T0 + 1);
      await store.setDesired(d.id, { enabled: false, intervalS: 30 }, T0 + 2, 'u1');
      await store.setDesired(d.id, { enabled: true, intervalS: 10 }, T0 + 3, 'u2');
      expect(await store.deviceState(d.id)).toEqual({
        desired: { enabled: true, intervalS: 10, at: T0 + 3, by: 'u2' },
        reported: { enabled: true, intervalS: 60, at: T0 + 1 },
      });
      const entry = { userId: 'u1', deviceId: d.id, action: 'set', params: { enabled: true }, result: 'acked' as const, detail: '' };
      await store.appendAudit({ ...entry, at: T0 + 1, patientId: 'p1' });
      await store.appendAudit({ ...entry, at: T0 + 2, action: 'measureNow', params: {} });
      await store.appendAudit({ ...entry, at: T0 + 2, action: 'third', result: 'timeout' });
      const audit = await store.auditOf(d.id, 10);
      expect(audit.map((a) => a.action)).toEqual(['third', 'measureNow', 'set']);
      expect(audit[2]).toEqual({ ...entry, at: T0 + 1, patientId: 'p1' });
      expect(await store.auditOf(d.id, 1)).toHaveLength(1);
    });

    test("a device's reply to a command is kept for the command waiting for it", async () => {
      const store = getStore();
      const d = await store.createDevice(device('bed-1'), T0);
      expect(await store.commandReply(d.id, '4294967295')).toBeUndefined();
      await store.recordCommandReply({ deviceId: d.id, id: '4294967295', code: 200, data: { MeasureEnabled: 1, MeasureInterval: 30 }, at: T0 });
      await store.recordCommandReply({ deviceId: d.id, id: '7', code: 460, message: 'bad params', data: {}, at: T0 + 1 });
      expect(await store.commandReply(d.id, '4294967295')).toEqual({
        deviceId: d.id,
        id: '4294967295',
        code: 200,
        data: { MeasureEnabled: 1, MeasureInterval: 30 },
        at: T0,
      });
      expect(await store.commandReply(d.id, '7')).toEqual({ deviceId: d.id, id: '7', code: 460, message: 'bad params', data: {}, at: T0 + 1 });
      // Whatever keys the device chose are kept as they were.
      await store.recordCommandReply({ deviceId: d.id, id: '8', code: 200, data: { $where: 1, 'a.b': { c: [1, 'x'] } }, at: T0 });
      expect((await store.commandReply(d.id, '8'))?.data).toEqual({ $where: 1, 'a.b': { c: [1, 'x'] } });
      // A redelivered reply replaces the first.
      await store.recordCommandReply({ deviceId: d.id, id: '7', code: 200, data: { a: 1 }, at: T0 + 2 });
      expect((await store.commandReply(d.id, '7'))?.code).toBe(200);
    });
  });
}
