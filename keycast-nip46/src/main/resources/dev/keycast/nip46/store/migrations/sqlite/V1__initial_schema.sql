-- Keycast schema version 1 (SQLite). Timestamps are epoch milliseconds (BIGINT).
-- Bumped in the same transaction by every write to keys and authorizations (change detection).
CREATE TABLE change_counter (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version BIGINT NOT NULL
);
INSERT INTO change_counter (id, version) VALUES (1, 0);

-- One row encrypted under the configured KeyEncryption: detects a wrong master key at startup.
CREATE TABLE key_encryption_verifier (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  scheme TEXT NOT NULL,
  ciphertext BLOB NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE user_keys (
  name TEXT PRIMARY KEY,
  public_key TEXT NOT NULL UNIQUE,
  encrypted_secret BLOB NOT NULL,
  scheme TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE authorizations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  key_name TEXT NOT NULL REFERENCES user_keys (name),
  bunker_public_key TEXT NOT NULL UNIQUE,
  bunker_encrypted_secret BLOB NOT NULL,
  scheme TEXT NOT NULL,
  secret TEXT NOT NULL,
  relays TEXT NOT NULL,
  policy_name TEXT NOT NULL,
  max_uses INTEGER CHECK (max_uses IS NULL OR max_uses >= 1),
  uses INTEGER NOT NULL DEFAULT 0 CHECK (uses >= 0),
  expires_at BIGINT,
  revoked_at BIGINT,
  label TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  change_seq BIGINT NOT NULL
);
CREATE INDEX authorizations_key_name ON authorizations (key_name);
CREATE INDEX authorizations_change_seq ON authorizations (change_seq);

CREATE TABLE authorization_clients (
  authorization_id BIGINT NOT NULL REFERENCES authorizations (id) ON DELETE CASCADE,
  client_public_key TEXT NOT NULL,
  granted_perms TEXT NOT NULL,
  connected_at BIGINT NOT NULL,
  PRIMARY KEY (authorization_id, client_public_key)
);

-- Tombstones so daemons learn about deleted authorizations.
CREATE TABLE deleted_authorizations (
  id BIGINT PRIMARY KEY,
  change_seq BIGINT NOT NULL
);
CREATE INDEX deleted_authorizations_change_seq ON deleted_authorizations (change_seq);

-- Never holds content, plaintexts or ciphertexts.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at BIGINT NOT NULL,
  authorization_id BIGINT,
  client_public_key TEXT,
  method TEXT NOT NULL,
  event_kind INTEGER,
  outcome TEXT NOT NULL,
  reason TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_authorization ON audit_log (authorization_id, id);
