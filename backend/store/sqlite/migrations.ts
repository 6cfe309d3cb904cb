/**
 * Versioned schema. Each entry runs once, in order, inside a transaction; `schema_migrations`
 * records what ran. Never edit a released migration: append a new one. A migration that needs
 * the secrets key (it cannot be SQL alone) gives `run`, called with the store's key ring.
 */
import type { SecretKeys } from '../../secret-box';
import type { Db } from './database';

export interface Migration {
  version: number;
  name: string;
  sql?: string;
  run?: (db: Db, keys: SecretKeys) => void;
  /**
   * Rewrites the file afterwards (checkpoint, VACUUM), so values the migration replaced do not
   * linger in free pages or the WAL.
   */
  scrub?: boolean;
}

/**
 * Version 8: seals device secrets and hashes bind and invite codes in place (the columns keep
 * their names: `devices.secret` holds `s1.…`, `devices.bind_code` and `invites.code` hold `h1.…`).
 * Values already in the new form are left alone, so running it over a half-converted copy is safe.
 */
function sealSecretsAndHashCodes(db: Db, keys: SecretKeys): void {
  const devices = db.prepare('SELECT id, product_key, device_name, secret, bind_code FROM devices').all() as Array<{
    id: number;
    product_key: string;
    device_name: string;
    secret: string;
    bind_code: string | null;
  }>;
  const setDevice = db.prepare('UPDATE devices SET secret = ?, bind_code = ? WHERE id = ?');
  for (const d of devices) {
    const secret = keys.keyIdOf(d.secret) ? d.secret : keys.seal(d.secret, `${d.product_key}/${d.device_name}`);
    const code = d.bind_code === null || keys.keyIdOf(d.bind_code) ? d.bind_code : keys.hash(d.bind_code);
    setDevice.run(secret, code, d.id);
  }
  const invites = db.prepare('SELECT code FROM invites').all() as Array<{ code: string }>;
  const setInvite = db.prepare('UPDATE invites SET code = ? WHERE code = ?');
  for (const i of invites) if (!keys.keyIdOf(i.code)) setInvite.run(keys.hash(i.code), i.code);
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'devices, readings, per-minute rollups, message ids, rejections',
    sql: `
      CREATE TABLE devices (
        id INTEGER PRIMARY KEY,
        product_key TEXT NOT NULL,
        device_name TEXT NOT NULL,
        secret TEXT NOT NULL,
        label TEXT NOT NULL DEFAULT '',
        login_policy TEXT NOT NULL DEFAULT 'compat',
        created_at INTEGER NOT NULL,
        online INTEGER NOT NULL DEFAULT 0,
        presence_at INTEGER,
        last_ts INTEGER,
        reading_count INTEGER NOT NULL DEFAULT 0,
        UNIQUE (product_key, device_name)
      );
      -- One row per device and measurement time; vitals measured at the same instant share it.
      CREATE TABLE readings (
        device_id INTEGER NOT NULL,
        ts INTEGER NOT NULL,
        temperature REAL,
        heart_rate REAL,
        spo2 REAL,
        received_at INTEGER NOT NULL,
        PRIMARY KEY (device_id, ts)
      ) WITHOUT ROWID;
      -- Per-minute aggregates, recomputed from readings for every minute a batch touches, so
      -- long-range history reads 1/60 of the rows (or fewer) and redelivery cannot skew them.
      CREATE TABLE readings_1m (
        device_id INTEGER NOT NULL,
        minute INTEGER NOT NULL,
        n INTEGER NOT NULL,
        t_n INTEGER NOT NULL, t_sum REAL NOT NULL, t_min REAL, t_max REAL,
        h_n INTEGER NOT NULL, h_sum REAL NOT NULL, h_min REAL, h_max REAL,
        s_n INTEGER NOT NULL, s_sum REAL NOT NULL, s_min REAL, s_max REAL,
        PRIMARY KEY (device_id, minute)
      ) WITHOUT ROWID;
      CREATE TABLE message_ids (
        device_id INTEGER NOT NULL,
        msg_id TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        PRIMARY KEY (device_id, msg_id, fingerprint)
      ) WITHOUT ROWID;
      CREATE INDEX message_ids_by_age ON message_ids (received_at);
      CREATE TABLE rejections (
        device_key TEXT NOT NULL,
        kind TEXT NOT NULL,
        count INTEGER NOT NULL,
        first_at INTEGER NOT NULL,
        last_at INTEGER NOT NULL,
        last_detail TEXT NOT NULL,
        PRIMARY KEY (device_key, kind)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    name: 'users, sessions, patients, family members, invites, device bindings',
    sql: `
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        openid TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users (id),
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        revoked_at INTEGER
      );
      CREATE TABLE patients (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        birth_date TEXT,
        sex TEXT NOT NULL,
        notes TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE patient_members (
        patient_id TEXT NOT NULL REFERENCES patients (id),
        user_id TEXT NOT NULL REFERENCES users (id),
        role TEXT NOT NULL,
        since INTEGER NOT NULL,
        PRIMARY KEY (patient_id, user_id)
      ) WITHOUT ROWID;
      CREATE INDEX patient_members_by_user ON patient_members (user_id);
      CREATE TABLE invites (
        code TEXT PRIMARY KEY,
        patient_id TEXT NOT NULL REFERENCES patients (id),
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        redeemed_by TEXT,
        redeemed_at INTEGER
      );
      -- The code printed on the device's label; whoever holds it may bind the device.
      ALTER TABLE devices ADD COLUMN bind_code TEXT;
      UPDATE devices SET bind_code = upper(hex(randomblob(5))) WHERE bind_code IS NULL;
      CREATE UNIQUE INDEX devices_by_bind_code ON devices (bind_code);
      -- Binding history: readings belong to the patient bound at their measurement time.
      CREATE TABLE device_bindings (
        device_id INTEGER NOT NULL REFERENCES devices (id),
        patient_id TEXT NOT NULL REFERENCES patients (id),
        bound_at INTEGER NOT NULL,
        unbound_at INTEGER,
        bound_by TEXT NOT NULL,
        PRIMARY KEY (device_id, bound_at)
      );
      CREATE INDEX device_bindings_by_patient ON device_bindings (patient_id);
    `,
  },
  {
    version: 3,
    name: 'desired and reported device state, command audit',
    sql: `
      CREATE TABLE device_state (
        device_id INTEGER PRIMARY KEY REFERENCES devices (id),
        desired_enabled INTEGER,
        desired_interval_s INTEGER,
        desired_at INTEGER,
        desired_by TEXT,
        reported_enabled INTEGER,
        reported_interval_s INTEGER,
        reported_at INTEGER
      );
      CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        user_id TEXT NOT NULL,
        patient_id TEXT,
        device_id TEXT NOT NULL,
        action TEXT NOT NULL,
        params TEXT NOT NULL,
        result TEXT NOT NULL,
        detail TEXT NOT NULL
      );
      CREATE INDEX audit_by_device ON audit (device_id, at);
    `,
  },
  {
    version: 4,
    name: 'user avatars',
    sql: `
      -- A CloudBase file id or a URL the function host serves; NULL until the user picks one.
      ALTER TABLE users ADD COLUMN avatar_url TEXT;
    `,
  },
  {
    version: 5,
    name: 'device replies to commands (for commands sent through an external broker)',
    sql: `
      CREATE TABLE command_replies (
        device_id INTEGER NOT NULL REFERENCES devices (id),
        id TEXT NOT NULL,
        code INTEGER NOT NULL,
        message TEXT,
        data TEXT NOT NULL,
        at INTEGER NOT NULL,
        PRIMARY KEY (device_id, id)
      ) WITHOUT ROWID;
      CREATE INDEX command_replies_by_age ON command_replies (at);
    `,
  },
  {
    version: 6,
    name: 'alerts: rules and their history, condition states, alerts with deliveries, snoozes, WeChat subscription quota',
    sql: `
      CREATE TABLE alert_rules (
        patient_id TEXT PRIMARY KEY,
        rules TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        updated_by TEXT NOT NULL
      );
      CREATE TABLE alert_rule_changes (
        id INTEGER PRIMARY KEY,
        patient_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        by TEXT NOT NULL,
        changes TEXT NOT NULL
      );
      CREATE INDEX alert_rule_changes_by_patient ON alert_rule_changes (patient_id, at);
      -- The state machine of each patient's conditions between evaluations (JSON).
      CREATE TABLE alert_conditions (
        patient_id TEXT NOT NULL,
        key TEXT NOT NULL,
        state TEXT NOT NULL,
        PRIMARY KEY (patient_id, key)
      ) WITHOUT ROWID;
      -- One row per alert (episode); the record itself, with its delivery history, as JSON.
      CREATE TABLE alerts (
        id TEXT PRIMARY KEY,
        patient_id TEXT NOT NULL,
        raised_at INTEGER NOT NULL,
        active INTEGER NOT NULL,
        body TEXT NOT NULL
      );
      CREATE INDEX alerts_by_patient ON alerts (patient_id, raised_at, id);
      CREATE INDEX alerts_active ON alerts (active, patient_id);
      CREATE TABLE alert_snoozes (
        patient_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        until INTEGER NOT NULL,
        by TEXT NOT NULL,
        at INTEGER NOT NULL,
        PRIMARY KEY (patient_id, kind)
      ) WITHOUT ROWID;
      CREATE TABLE subscribe_quota (
        user_id TEXT NOT NULL,
        template_id TEXT NOT NULL,
        remaining INTEGER NOT NULL,
        PRIMARY KEY (user_id, template_id)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 7,
    name: 'device firmware version and latest attributes (non-vital properties, tags)',
    sql: `
      ALTER TABLE devices ADD COLUMN firmware_version TEXT;
      -- JSON object of the latest value per key; NULL until the device posts one.
      ALTER TABLE devices ADD COLUMN attributes TEXT;
    `,
  },
  {
    version: 8,
    name: 'device secrets sealed (AES-256-GCM), bind and invite codes stored as keyed hashes (HMAC-SHA256)',
    run: sealSecretsAndHashCodes,
    scrub: true,
  },
  {
    version: 9,
    name: 'operators disable devices (their logins are refused from then on)',
    sql: `
      -- ms since the epoch; NULL while the device may sign in.
      ALTER TABLE devices ADD COLUMN disabled_at INTEGER;
    `,
  },
  {
    version: 10,
    name: "patient's phone and emergency contacts (one-tap call from the mini program)",
    sql: `
      ALTER TABLE patients ADD COLUMN phone TEXT;
      -- JSON array of {name, relation?, phone}; NULL when there are none.
      ALTER TABLE patients ADD COLUMN emergency_contacts TEXT;
    `,
  },
  {
    version: 11,
    name: 'per-hour rollups (second history level), backfilled from the per-minute ones',
    sql: `
      -- Per-hour aggregates of readings_1m, kept up to date with every batch, so a history
      -- whose buckets are whole hours (30 days in 500 points: 2 h) reads one row per hour instead
      -- of sixty (docs/performance.md).
      CREATE TABLE readings_1h (
        device_id INTEGER NOT NULL,
        hour INTEGER NOT NULL,
        n INTEGER NOT NULL,
        t_n INTEGER NOT NULL, t_sum REAL NOT NULL, t_min REAL, t_max REAL,
        h_n INTEGER NOT NULL, h_sum REAL NOT NULL, h_min REAL, h_max REAL,
        s_n INTEGER NOT NULL, s_sum REAL NOT NULL, s_min REAL, s_max REAL,
        PRIMARY KEY (device_id, hour)
      ) WITHOUT ROWID;
      INSERT INTO readings_1h
        SELECT device_id, cast(minute / 60 AS INTEGER), sum(n),
          sum(t_n), total(t_sum), min(t_min), max(t_max),
          sum(h_n), total(h_sum), min(h_min), max(h_max),
          sum(s_n), total(s_sum), min(s_min), max(s_max)
        FROM readings_1m GROUP BY device_id, cast(minute / 60 AS INTEGER);
    `,
  },
  {
    version: 12,
    name: 'per-device reading counters in a narrow table of their own',
    sql: `
      -- Every stored message updates its device's counters. In \`devices\` (secret, label, codes,
      -- attributes) ~25 devices share a page, so a batch from 30 devices dirtied ~25 pages there, each
      -- written whole to the WAL and again at the checkpoint; here ~300 share one
      -- (docs/performance.md, "Third round").
      CREATE TABLE device_counters (
        device_id INTEGER PRIMARY KEY,
        reading_count INTEGER NOT NULL,
        last_ts INTEGER
      );
      INSERT INTO device_counters SELECT id, reading_count, last_ts FROM devices WHERE reading_count > 0 OR last_ts IS NOT NULL;
      ALTER TABLE devices DROP COLUMN reading_count;
      ALTER TABLE devices DROP COLUMN last_ts;
    `,
  },
  {
    version: 13,
    name: 'reading rows remember the message that wrote them',
    sql: `
      -- A message whose readings carry the device's own times is recognised on redelivery by the
      -- rows it wrote (same key at the same instants, within 24 h) instead of by a row of its own in
      -- message_ids, one index entry fewer per message (docs/performance.md, "Fifth round").
      -- received_at now tells when the message that created the row arrived (renewed when that
      -- message comes back after 24 h).
      ALTER TABLE readings ADD COLUMN msg_key INTEGER;
    `,
  },
  {
    version: 14,
    name: 'the last login timestamp taken per strict device',
    sql: `
      -- A strict device's login timestamp is single-use (docs/protocol.md, freshness and replay);
      -- kept here, not in the login checker's memory, so it holds across restarts and processes.
      CREATE TABLE device_logins (
        device_id INTEGER PRIMARY KEY REFERENCES devices (id),
        last_ts INTEGER NOT NULL
      );
    `,
  },
  {
    version: 15,
    name: 'MQTT client ids and the identity that holds each',
    sql: `
      -- For a broker whose login checks share no memory (EMQX over HTTP): a client id stays with the
      -- identity that last logged in with it, so no other can take its session (docs/security.md).
      CREATE TABLE client_ids (
        client_id TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 16,
    name: "each device's newest minute is rolled up once it is complete",
    sql: `
      -- Readings of a device's newest minute (this minute onwards) are kept out of readings_1m and
      -- readings_1h until a reading of a later minute arrives; then that minute is summed once
      -- from its rows. A message then writes no rollup page, where it wrote two; history queries
      -- read raw rows from this minute on (backend/store/sqlite/pending-minute.ts,
      -- docs/performance.md, "Eighth round"). NULL: every reading is in the rollups (as before).
      ALTER TABLE device_counters ADD COLUMN pending_minute INTEGER;
    `,
  },
];
