-- Keycast schema version 10 (control plane): what a client said about itself in connect's fourth
-- parameter ({name, url, image}), cleaned and bounded before it is written (name <= 100 characters,
-- url and image http(s) only, <= 512 characters). A display hint: never read for access decisions.
ALTER TABLE authorization_clients ADD COLUMN client_name TEXT;
ALTER TABLE authorization_clients ADD COLUMN client_url TEXT;
ALTER TABLE authorization_clients ADD COLUMN client_image TEXT;
