-- phone-service schema, version 9: sign-in as Entra ID does it (docs/sign-in.md).
--
-- The tenant's RSA signing keys (tokens are RS256, verified against the JWKS at
-- /{tenant}/discovery/v2.0/keys), app registrations with their client secrets and certificates,
-- and users' password hashes. No secret is stored in clear: a client secret is kept as the
-- SHA-256 of its text (a high-entropy random string, so a fast hash suffices), a password as
-- PBKDF2-HMAC-SHA256 with a per-user salt. The signing keys' private halves are stored as they
-- are, like the admin key: the database file is the tenant (operations.md: mode 0600).

-- One current key (retired_at NULL) signs; retired keys stay in the JWKS, and keep verifying, until
-- the tokens they signed have expired. `kid` is the certificate's SHA-1 thumbprint, as Entra's is;
-- `x5t` the same in base64url.
CREATE TABLE signing_key (
    kid TEXT PRIMARY KEY NOT NULL,
    x5t TEXT NOT NULL,
    -- PKCS#1 DER of the RSA-2048 private key.
    private_key BLOB NOT NULL,
    -- DER of the key's self-signed X.509 certificate (the JWKS's `x5c`).
    certificate BLOB NOT NULL,
    created_at TEXT NOT NULL,
    retired_at TEXT
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX signing_key_one_current ON signing_key (retired_at IS NULL) WHERE retired_at IS NULL;

-- An app registration and its service principal (one object here): `app_id` is the client id,
-- `object_id` the service principal's id (the `oid` of its app-only tokens). Permission names and
-- redirect URIs are space-separated lists (neither can contain a space).
CREATE TABLE app_registration (
    app_id TEXT PRIMARY KEY NOT NULL CONSTRAINT app_registration_app_id_is_guid CHECK (
        length(app_id) = 36 AND app_id NOT GLOB '*[^0-9a-f-]*'
        AND substr(app_id, 9, 1) = '-' AND substr(app_id, 14, 1) = '-'
        AND substr(app_id, 19, 1) = '-' AND substr(app_id, 24, 1) = '-'
    ),
    object_id TEXT NOT NULL,
    display_name TEXT NOT NULL CONSTRAINT app_registration_display_name_not_empty CHECK (length(display_name) > 0),
    application_permissions TEXT NOT NULL DEFAULT '',
    delegated_permissions TEXT NOT NULL DEFAULT '',
    redirect_uris TEXT NOT NULL DEFAULT '',
    is_public_client INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- A client secret: shown once when made, stored as SHA-256 of its text.
CREATE TABLE app_secret (
    key_id TEXT PRIMARY KEY NOT NULL,
    app_id TEXT NOT NULL REFERENCES app_registration (app_id) ON DELETE CASCADE,
    secret_hash BLOB NOT NULL,
    -- The first three characters, as Entra shows them (`hint`).
    hint TEXT NOT NULL,
    end_at TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX app_secret_by_app ON app_secret (app_id);

-- A certificate for client assertions: the DER, with its SHA-1 and SHA-256 thumbprints in
-- base64url (an assertion's `x5t` and `x5t#S256` headers).
CREATE TABLE app_certificate (
    key_id TEXT PRIMARY KEY NOT NULL,
    app_id TEXT NOT NULL REFERENCES app_registration (app_id) ON DELETE CASCADE,
    x5t TEXT NOT NULL,
    x5t_s256 TEXT NOT NULL,
    certificate BLOB NOT NULL,
    end_at TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX app_certificate_by_app ON app_certificate (app_id);

-- A user's password: PBKDF2-HMAC-SHA256, with the salt and iteration count it was made with.
CREATE TABLE user_password (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES user (id) ON DELETE CASCADE,
    salt BLOB NOT NULL,
    iterations INTEGER NOT NULL,
    password_hash BLOB NOT NULL,
    changed_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;
