-- Keycast schema version 11 (control plane): the operations a custom policy allows only after a human
-- approves each request (NIP-46 auth_url), in NIP-46 perms syntax ('sign_event:0,nip44_decrypt');
-- empty: nothing is asked.
ALTER TABLE policies ADD COLUMN ask_permissions TEXT NOT NULL DEFAULT '';
