import { createHmac } from 'node:crypto';
import { buildLogin, parseClientId, parseUsername, signContent } from '../../core/alink';

describe('Alink login', () => {
  test.each([
    [
      'abc|securemode=3,signmethod=hmacsha256,timestamp=1700000000000|',
      { id: 'abc', secureMode: 3, signMethod: 'hmacsha256', timestamp: '1700000000000', autoSubscribe: false },
    ],
    ['12345|securemode=2,signmethod=hmacsha1,timestamp=789|', { id: '12345', secureMode: 2, signMethod: 'hmacsha1', timestamp: '789', autoSubscribe: false }],
    ['dev1|securemode=3,signmethod=HmacSha1|', { id: 'dev1', secureMode: 3, signMethod: 'hmacsha1', timestamp: undefined, autoSubscribe: false }],
    // Link SDK 4.x: extra fields, `_ss=1`; no signmethod means hmacmd5; -2 is a documented TLS mode.
    [
      'pk1.bed-01|timestamp=2524608000000,_ss=1,_v=sdk-c-4.1.0,securemode=2,signmethod=hmacsha256,ext=3|',
      { id: 'pk1.bed-01', secureMode: 2, signMethod: 'hmacsha256', timestamp: '2524608000000', autoSubscribe: true },
    ],
    ['chip7|securemode=-2|', { id: 'chip7', secureMode: -2, signMethod: 'hmacmd5', timestamp: undefined, autoSubscribe: false }],
  ])('parses clientId %s', (clientId, expected) => {
    expect(parseClientId(clientId)).toEqual({ ok: true, value: expected });
  });

  test.each([
    ['plain-id', /must look like/],
    ['x|securemode=1,signmethod=hmacsha256|', /securemode/],
    ['x|securemode=3,signmethod=hmacsha512|', /signmethod/],
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

  test('hmacmd5, also implied by a missing signmethod', () => {
    const login = buildLogin(
      { productKey: 'pk1', deviceName: 'bed-01', deviceSecret: 'sec' },
      { id: 'c1', signMethod: 'hmacmd5', omitSignMethod: true, autoSubscribe: true },
    );
    expect(login.clientId).toBe('c1|securemode=3,_ss=1|');
    expect(login.password).toBe(createHmac('md5', 'sec').update('clientIdc1deviceNamebed-01productKeypk1').digest('hex'));
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
