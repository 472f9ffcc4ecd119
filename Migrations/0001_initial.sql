-- phone-service schema, version 1: the tenant, its users and their phone methods.
-- Every rule the API enforces and SQL can say lives here, so that a raw INSERT in the sqlite3
-- shell that breaks a rule fails too. Constraint and trigger names are the rule names the
-- service maps to Graph errors (Sources/PhoneStore/Store/Rule.swift).

-- The one tenant this database emulates: its id (the tokens' `tid`) and the HS256 key that signs
-- and verifies its tokens.
CREATE TABLE tenant (
    singleton INTEGER PRIMARY KEY CONSTRAINT tenant_single_row CHECK (singleton = 1),
    id TEXT NOT NULL CONSTRAINT tenant_id_is_guid CHECK (length(id) = 36),
    signing_key BLOB NOT NULL CONSTRAINT tenant_signing_key_length CHECK (length(signing_key) >= 32),
    created_at TEXT NOT NULL
) STRICT;

-- Directory users. `id` is the object id (lower-case GUID); the user principal name is unique
-- without regard to case, as in Entra ID.
CREATE TABLE user (
    id TEXT PRIMARY KEY NOT NULL CONSTRAINT user_id_is_guid CHECK (
        length(id) = 36 AND id NOT GLOB '*[^0-9a-f-]*'
        AND substr(id, 9, 1) = '-' AND substr(id, 14, 1) = '-'
        AND substr(id, 19, 1) = '-' AND substr(id, 24, 1) = '-'
    ),
    user_principal_name TEXT NOT NULL COLLATE NOCASE
        CONSTRAINT user_principal_name_format CHECK (user_principal_name GLOB '?*@?*' AND user_principal_name NOT GLOB '*[ /]*'),
    display_name TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
) STRICT;

CREATE UNIQUE INDEX user_principal_name_unique ON user (user_principal_name COLLATE NOCASE);

-- Directory roles held by a user, by role template id (the `wids` of the user's tokens).
CREATE TABLE user_role (
    user_id TEXT NOT NULL REFERENCES user (id) ON DELETE CASCADE,
    role_template_id TEXT NOT NULL CONSTRAINT user_role_is_guid CHECK (length(role_template_id) = 36),
    PRIMARY KEY (user_id, role_template_id)
) STRICT, WITHOUT ROWID;

-- A user's phone authentication methods: at most one per type. The method id the API shows is
-- fixed per type, so (user_id, phone_type) is the identity.
CREATE TABLE phone_method (
    user_id TEXT NOT NULL REFERENCES user (id) ON DELETE CASCADE,
    phone_type TEXT NOT NULL
        CONSTRAINT phone_type_valid CHECK (phone_type IN ('mobile', 'alternateMobile', 'office')),
    -- '+{country code} {number}x{extension}': ^\+[1-9][0-9]{0,2} [0-9]{1,15}(x[0-9]{1,10})?$
    phone_number TEXT NOT NULL CONSTRAINT phone_number_format CHECK (
        phone_number GLOB '+[1-9]*'
        AND instr(phone_number, ' ') BETWEEN 3 AND 5
        AND substr(phone_number, 2, instr(phone_number, ' ') - 2) NOT GLOB '*[^0-9]*'
        AND CASE
            WHEN instr(phone_number, 'x') = 0 THEN
                length(phone_number) - instr(phone_number, ' ') BETWEEN 1 AND 15
                AND substr(phone_number, instr(phone_number, ' ') + 1) NOT GLOB '*[^0-9]*'
            ELSE
                instr(phone_number, 'x') - instr(phone_number, ' ') - 1 BETWEEN 1 AND 15
                AND substr(phone_number, instr(phone_number, ' ') + 1,
                           instr(phone_number, 'x') - instr(phone_number, ' ') - 1) NOT GLOB '*[^0-9]*'
                AND length(phone_number) - instr(phone_number, 'x') BETWEEN 1 AND 10
                AND substr(phone_number, instr(phone_number, 'x') + 1) NOT GLOB '*[^0-9]*'
        END
    ),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT phone_method_one_per_type UNIQUE (user_id, phone_type)
) STRICT;

-- An alternateMobile needs a mobile.
CREATE TRIGGER alternate_mobile_requires_mobile
BEFORE INSERT ON phone_method
WHEN NEW.phone_type = 'alternateMobile'
    AND NOT EXISTS (SELECT 1 FROM phone_method WHERE user_id = NEW.user_id AND phone_type = 'mobile')
BEGIN
    SELECT RAISE(ABORT, 'alternate_mobile_requires_mobile');
END;

-- The mobile cannot go while an alternateMobile exists. Removing the user removes both: the
-- check applies only while the user still exists (cascaded deletes run after the user row goes).
CREATE TRIGGER mobile_required_by_alternate_mobile
BEFORE DELETE ON phone_method
WHEN OLD.phone_type = 'mobile'
    AND EXISTS (SELECT 1 FROM phone_method WHERE user_id = OLD.user_id AND phone_type = 'alternateMobile')
    AND EXISTS (SELECT 1 FROM user WHERE id = OLD.user_id)
BEGIN
    SELECT RAISE(ABORT, 'mobile_required_by_alternate_mobile');
END;

-- A phone's type and owner never change; only its number does.
CREATE TRIGGER phone_type_immutable
BEFORE UPDATE OF user_id, phone_type ON phone_method
WHEN NEW.user_id IS NOT OLD.user_id OR NEW.phone_type IS NOT OLD.phone_type
BEGIN
    SELECT RAISE(ABORT, 'phone_type_immutable');
END;
