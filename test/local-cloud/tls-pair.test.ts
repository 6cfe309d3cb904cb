/**
 * The self-signed certificate made for local MQTT over TLS (local-cloud/broker/tls.ts) is valid
 * DER every time: its random serial once made one certificate in ~256 unreadable to OpenSSL
 * ("illegal padding"), which failed `npm start` with TLS at random. Each pair is loaded the way the
 * broker loads it (a TLS secure context) and parsed as X.509.
 */
import { createSecureContext } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { selfSignedPair } from '../../local-cloud/broker/tls';

test('2000 generated pairs all load, with a positive serial and the local names', () => {
  for (let i = 0; i < 2000; i++) {
    const { cert, key } = selfSignedPair();
    expect(() => createSecureContext({ cert, key })).not.toThrow();
    const x = new X509Certificate(cert);
    expect(x.serialNumber).toMatch(/^[4-7][0-9A-F]{31}$/);
    if (i === 0) expect(x.subjectAltName).toContain('DNS:localhost');
  }
});
