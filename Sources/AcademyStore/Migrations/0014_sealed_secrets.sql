-- ACADEMY_SECRETS_KEY_FILE seals the certificate private key at rest (AES-256-GCM: "ACS1", a
-- 12-byte nonce, the 32-byte key, a 16-byte tag), so a stored key is 32 bytes plain or 64 sealed.
ALTER TABLE certificate_keys DROP CONSTRAINT certificate_keys_private_key_check;
ALTER TABLE certificate_keys ADD CONSTRAINT certificate_keys_private_key_check CHECK (length(private_key) IN (32, 64));
