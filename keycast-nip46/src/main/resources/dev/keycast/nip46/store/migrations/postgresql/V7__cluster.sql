-- Keycast schema version 7 (cluster, docs/cluster.md): live instances and who answers each bunker key.
-- Times are epoch milliseconds from the database clock. A member row is one incarnation of an instance:
-- renewed only while unexpired, deleted only once expired, so a renewal and a takeover cannot both win.
CREATE TABLE cluster_members (
  member_id       BIGINT PRIMARY KEY,
  instance_id     TEXT NOT NULL CHECK (length(instance_id) BETWEEN 1 AND 128),
  started_at      BIGINT NOT NULL,
  heartbeat_at    BIGINT NOT NULL,
  expires_at      BIGINT NOT NULL,
  applied_version BIGINT NOT NULL DEFAULT 0
);

-- One row per bunker key (lowercase hex). owner_member NULL: released, free for the key's target.
-- fencing_token grows by one with every claim.
CREATE TABLE key_owners (
  bunker_pubkey TEXT PRIMARY KEY CHECK (length(bunker_pubkey) = 64),
  owner_member  BIGINT,
  fencing_token BIGINT NOT NULL DEFAULT 0,
  claimed_at    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX key_owners_owner ON key_owners (owner_member);
