-- Keycast schema version 6 (control plane): created_at bounds of custom policies, in milliseconds.
-- max_future_ms: how far ahead of now sign_event accepts created_at (default 10 minutes);
-- max_past_ms: how far behind now, NULL for no bound.
ALTER TABLE policies ADD COLUMN max_future_ms BIGINT NOT NULL DEFAULT 600000 CHECK (max_future_ms >= 0);
ALTER TABLE policies ADD COLUMN max_past_ms BIGINT CHECK (max_past_ms IS NULL OR max_past_ms >= 1000);
