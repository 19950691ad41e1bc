-- Keycast schema version 9 (control plane): an approver's "remember this answer" for one client and
-- permission of an authorization ('sign_event:1', 'nip44_decrypt'), until expires_at (epoch
-- milliseconds). Read by every daemon on the database, so a remembered answer survives a restart and
-- holds on every cluster member. Expired rows are ignored and deleted; revoking the authorization or
-- the client's logout deletes its rows.
CREATE TABLE remembered_approvals (
  authorization_id  BIGINT NOT NULL REFERENCES authorizations (id) ON DELETE CASCADE,
  client_public_key TEXT NOT NULL,
  permission        TEXT NOT NULL,
  verdict           TEXT NOT NULL CHECK (verdict IN ('allow', 'deny')),
  decided_by        TEXT NOT NULL,
  decided_at        BIGINT NOT NULL,
  expires_at        BIGINT NOT NULL,
  PRIMARY KEY (authorization_id, client_public_key, permission)
);
CREATE INDEX remembered_approvals_expires_at ON remembered_approvals (expires_at);
