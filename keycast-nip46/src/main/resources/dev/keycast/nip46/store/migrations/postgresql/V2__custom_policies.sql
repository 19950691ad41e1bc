-- Keycast schema version 2: custom named policies (built-in ones live in code).
CREATE TABLE policies (
  name TEXT PRIMARY KEY,
  permissions TEXT NOT NULL,
  blocked_words TEXT NOT NULL,
  self_encryption_only INTEGER NOT NULL CHECK (self_encryption_only IN (0, 1)),
  rate_limit_max INTEGER NOT NULL CHECK (rate_limit_max >= 1),
  rate_limit_window_ms BIGINT NOT NULL CHECK (rate_limit_window_ms >= 1000),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
