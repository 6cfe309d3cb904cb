import { createHmac } from 'node:crypto';
import { buildLogin, parseClientId, parseUsername, signContent } from '../../core/alink';

describe('Alink login', () => {
  test.each([
    ['abc|securemode=3,signmethod=hmacsha256,timestamp=1700000000000|', { id: 'abc', secureMode: 3, signMethod: 'hmacsha256', timestamp: '1700000000000' }],
    ['12345|securemode=2,signmethod=hmacsha1,timestamp=789|', { id: '12345', secureMode: 2, signMethod: 'hmacsha1', timestamp: '789' }],
    ['dev1|securemode=3,signmethod=HmacSha1|', { id: 'dev1', secureMode: 3, signMethod: 'hmacsha1', timestamp: undefined }],
  ])('parses clientId %s', (clientId, expected) => {
    expect(parseClientId(clientId)).toEqual({ ok: true, value: expected });
  });

  test.each([
    ['plain-id', /must look like/],
    ['x|securemode=1,signmethod=hmacsha256|', /securemode/],
    ['x|securemode=3,signmethod=hmacmd5|', /signmethod/],
    ['x|securemode=3,signmethod=hmacsha1,timestamp=12ab|', /timestamp/],
    ['x|securemode3|', /malformed/],
  ])('rejects clientId %s', (clientId, message) => {
    const r = parseClientId(clientId);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(message);
  });

  test.each([
    ['bed-01&a1B2c3D4e5F', true],
    ['bed-01', false],
    ['b&a1B2c3D4e5F', false], // device name too short
    ['bed-01&pk!', false],
  ])('username %s valid: %s', (username, valid) => {
    expect(parseUsername(username).ok).toBe(valid);
  });

  test('signs clientId, deviceName, productKey and timestamp in that order without separators', () => {
    expect(signContent({ id: 'c1', deviceName: 'bed-01', productKey: 'pk1', timestamp: '42' })).toBe('clientIdc1deviceNamebed-01productKeypk1timestamp42');
    expect(signContent({ id: 'c1', deviceName: 'bed-01', productKey: 'pk1' })).toBe('clientIdc1deviceNamebed-01productKeypk1');
  });

  test('builds the CONNECT fields a device sends', () => {
    const login = buildLogin({ productKey: 'pk1', deviceName: 'bed-01', deviceSecret: 'sec' }, { id: 'c1', timestamp: 42, signMethod: 'hmacsha1' });
    expect(login).toEqual({
      clientId: 'c1|securemode=3,signmethod=hmacsha1,timestamp=42|',
      username: 'bed-01&pk1',
      password: createHmac('sha1', 'sec').update('clientIdc1deviceNamebed-01productKeypk1timestamp42').digest('hex'),
    });
  });
});
