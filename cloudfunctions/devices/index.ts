/**
 * `devices`: operators register devices and read every device's status; users bind devices to
 * their patients with the label code and see the devices of the patients they follow. Operators
 * also disable/enable devices and rotate their secrets (handlers/admin.ts).
 */
import { devices } from '../../core/api/contract/devices';
import { adminOnly, defineFunction } from '../../backend/runtime/handler';
import { disable, enable, rotateSecret } from './handlers/admin';
import { bind, mine, unbind } from './handlers/binding';
import { create } from './handlers/create';
import { get, list } from './handlers/read';

const fn = defineFunction('devices', {
  contract: devices,
  actions: {
    create: adminOnly(create),
    list: adminOnly(list),
    get: adminOnly(get),
    disable: adminOnly(disable),
    enable: adminOnly(enable),
    rotateSecret: adminOnly(rotateSecret),
    bind,
    unbind,
    mine,
  },
  defaultAction: 'mine',
  allow: ['admin', 'user'],
});
export const createHandler = fn.createHandler;
export const main = fn.main;
