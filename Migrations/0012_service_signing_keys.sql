-- phone-service schema, version 12: one signing key set for the whole service (docs/sign-in.md).
--
-- Entra signs every tenant's tokens with one published key set; so does phone-service now. A
-- tenant signs with the service's keys until it rotates keys of its own (`signing_key`, which a
-- rotation fills: the service key it signed with is copied there as retired). A new tenant thus
-- needs no RSA key, and a reset no new one: it replaces `tenant.signing_key`, whose digest tokens
-- carry (`rh`), so the tokens issued before it stop working.
--
-- Kept in the default tenant's file, like the registry and the operator key; every tenant's file
-- gets the table (one schema for all), only the default tenant's fills it. Same shape and rules as
-- `signing_key`.
CREATE TABLE service_signing_key (
    kid TEXT PRIMARY KEY NOT NULL,
    x5t TEXT NOT NULL,
    private_key BLOB NOT NULL,
    certificate BLOB NOT NULL,
    created_at TEXT NOT NULL,
    retired_at TEXT
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX service_signing_key_one_current
    ON service_signing_key (retired_at IS NULL) WHERE retired_at IS NULL;
