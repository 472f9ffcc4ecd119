-- phone-service schema, version 11: many tenants in one service (docs/tenants.md).
--
-- The `--db` file is the default tenant's, and also the service's: it lists the other tenants,
-- whose state lives in files of their own (`FILE.tenants/<id>.db`, same schema), and keeps the
-- operator key that manages them. Every tenant's file gets these tables (one schema for all);
-- only the default tenant's fills them.

-- A tenant other than the default one. Its admin key is also in its own file (`tenant.admin_key`);
-- it is kept here so that the service routes admin requests by key without opening every file.
CREATE TABLE tenant_registry (
    id TEXT PRIMARY KEY NOT NULL CONSTRAINT tenant_registry_id_is_guid CHECK (
        length(id) = 36 AND id NOT GLOB '*[^0-9a-f-]*'
        AND substr(id, 9, 1) = '-' AND substr(id, 14, 1) = '-'
        AND substr(id, 19, 1) = '-' AND substr(id, 24, 1) = '-'
    ),
    display_name TEXT NOT NULL DEFAULT '',
    admin_key TEXT NOT NULL
        CONSTRAINT tenant_registry_admin_key_format CHECK (length(admin_key) = 68 AND admin_key LIKE 'psa\_%' ESCAPE '\'),
    -- 0: removed at a service start once unused for the expiry period (docs/tenants.md).
    keep INTEGER NOT NULL DEFAULT 0 CONSTRAINT tenant_registry_keep_is_boolean CHECK (keep IN (0, 1)),
    created_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX tenant_registry_admin_key_unique ON tenant_registry (admin_key);

-- The operator key: the bearer credential of /_admin/tenants. Made on the service's first start
-- (not here: a tenant file made from the migrated template must not carry one).
CREATE TABLE service_operator (
    singleton INTEGER PRIMARY KEY CONSTRAINT service_operator_single_row CHECK (singleton = 1),
    operator_key TEXT NOT NULL
        CONSTRAINT service_operator_key_format CHECK (length(operator_key) = 68 AND operator_key LIKE 'pso\_%' ESCAPE '\'),
    created_at TEXT NOT NULL
) STRICT;
