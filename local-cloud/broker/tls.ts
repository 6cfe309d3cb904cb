/**
 * The broker's TLS certificate: read from files (`MQTT_TLS_CERT`, `MQTT_TLS_KEY`), or, for local
 * use only, a self-signed pair generated once into the data folder. Pure Node: an ECDSA P-256 key
 * from node:crypto and a minimal X.509 v3 certificate encoded here (DER), valid for `localhost`,
 * 127.0.0.1, ::1 and the machine's host name, for 10 years.
 */
import { createPrivateKey, generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

// --- DER, just what a certificate needs ---
const len = (n: number): Buffer => {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
};
const tlv = (tag: number, body: Buffer): Buffer => Buffer.concat([Buffer.from([tag]), len(body.length), body]);
const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const int = (b: Buffer) => tlv(0x02, b[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
const oid = (dotted: string): Buffer => {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [a! * 40 + b!];
  for (const n of rest) {
    const groups: number[] = [];
    for (let v = n; ; v = Math.floor(v / 128)) {
      groups.unshift(v % 128);
      if (v < 128) break;
    }
    groups.forEach((g, i) => out.push(i < groups.length - 1 ? g | 0x80 : g));
  }
  return tlv(0x06, Buffer.from(out));
};
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
const time = (d: Date) => {
  // UTCTime up to 2049, GeneralizedTime after (RFC 5280 §4.1.2.5).
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${iso}Z`));
};
const explicit = (n: number, body: Buffer) => tlv(0xa0 + n, body);
const ipBytes = (ip: string) => (ip.includes(':') ? Buffer.from(ip === '::1' ? [...Array(15).fill(0), 1] : []) : Buffer.from(ip.split('.').map(Number)));

const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));

/** A self-signed certificate and its private key, PEM. */
export function selfSignedPair(commonName = 'rpm local broker', now = new Date()): { cert: string; key: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const name = seq(set(seq(oid('2.5.4.3'), utf8(commonName))));
  const dns = ['localhost', hostname()].filter((h, i, a) => h && a.indexOf(h) === i);
  const san = seq(...dns.map((h) => tlv(0x82, Buffer.from(h))), ...['127.0.0.1', '::1'].map((ip) => tlv(0x87, ipBytes(ip))));
  const extensions = explicit(
    3,
    seq(
      seq(oid('2.5.29.17'), tlv(0x04, san)), // subjectAltName
      seq(oid('2.5.29.19'), tlv(0x04, seq())), // basicConstraints: not a CA
    ),
  );
  // A positive INTEGER in minimal DER (X.690 §8.3.2): a first byte of 0x00 followed by a byte
  // below 0x80 is "illegal padding" to OpenSSL, which refused one certificate in ~256.
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x3f) | 0x40;
  const until = new Date(now.getTime() + 10 * 365 * 86_400_000);
  const tbs = seq(
    explicit(0, int(Buffer.from([2]))), // v3
    int(serial),
    ECDSA_SHA256,
    name,
    seq(time(new Date(now.getTime() - 86_400_000)), time(until)),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    extensions,
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = seq(tbs, ECDSA_SHA256, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const cert = `-----BEGIN CERTIFICATE-----\n${der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END CERTIFICATE-----\n`;
  return { cert, key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
}

export interface TlsFiles {
  /** PEM certificate (chain) file. */
  certFile?: string;
  /** PEM private key file. */
  keyFile?: string;
}

/**
 * The broker's certificate and key: from the files when both are given (a mismatch or an
 * unreadable file is an error), otherwise a self-signed pair kept in `$dataDir/tls/` (made on
 * first use, owner-only), with a warning: devices must then trust it explicitly.
 */
export function loadTlsPair(files: TlsFiles, dataDir: string, warn: (m: string) => void): { cert: string; key: string; selfSigned: boolean } {
  if (files.certFile || files.keyFile) {
    if (!files.certFile || !files.keyFile) throw new Error('MQTT_TLS_CERT and MQTT_TLS_KEY must be given together');
    const cert = readFileSync(files.certFile, 'utf8');
    const key = readFileSync(files.keyFile, 'utf8');
    if (!new X509Certificate(cert).checkPrivateKey(createPrivateKey(key)))
      throw new Error(`MQTT_TLS_KEY (${files.keyFile}) is not the key of MQTT_TLS_CERT (${files.certFile})`);
    return { cert, key, selfSigned: false };
  }
  const dir = join(dataDir, 'tls');
  const certFile = join(dir, 'broker-cert.pem');
  const keyFile = join(dir, 'broker-key.pem');
  if (!existsSync(certFile) || !existsSync(keyFile)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const pair = selfSignedPair();
    writeFileSync(keyFile, pair.key, { mode: 0o600 });
    writeFileSync(certFile, pair.cert, { mode: 0o600 });
    chmodSync(dir, 0o700);
  }
  warn(
    `MQTT over TLS uses a self-signed certificate (${certFile}), for local use only: devices must be given it to trust; ` +
      'set MQTT_TLS_CERT and MQTT_TLS_KEY for a real one',
  );
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), selfSigned: true };
}
