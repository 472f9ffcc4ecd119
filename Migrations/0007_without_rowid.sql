-- migrator: rebuilds tables
-- phone-service schema, version 7: user and phone_method become WITHOUT ROWID tables, stored in
-- their primary key's order (the object id; the user and the phone type).
--
-- A rowid table with a TEXT primary key is two B-trees: the key's index, then the rows by rowid.
-- Every request looks up its user, and a list reads the user's phones, so each was two descents to
-- two leaf pages that a large tenant seldom has in SQLite's page cache; now it is one, in a smaller
-- file. Nothing the API sees changes, nor an operator's queries but those that named
-- `rowid`, which these tables no longer have: the same columns, constraints, triggers, index and
-- views, with the same names (phone_method_one_per_type is still a UNIQUE constraint, on the
-- primary key's columns, which SQLite keeps as the one B-tree).
--
-- SQLite cannot change a table's storage in place: the old table is renamed, the new one created
-- under the name, the rows copied, and the old one dropped with its triggers and index, which are
-- then made again as they were (their text unchanged from versions 1 to 3). The line at the top has
-- the migrator run this with foreign keys off (a DROP TABLE would otherwise delete the users'
-- phones and roles by cascade) and with legacy_alter_table on (so that the renames leave the
-- other tables' foreign keys and triggers naming `user` and `phone_method`); it then requires
-- `PRAGMA foreign_key_check` to find nothing before the transaction ends. The views read both
-- tables and are dropped first and made again as versions 2 and 6 left them. The old tables'
-- pages stay in the file as free pages, which later writes reuse (`VACUUM` in the sqlite3 shell,
-- with the service stopped, gives them back to the file system).

DROP VIEW phone_method_state;
DROP VIEW sms_policy_user;

ALTER TABLE user RENAME TO user_version_6;

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
) STRICT, WITHOUT ROWID;

INSERT INTO user (id, user_principal_name, display_name, created_at)
SELECT id, user_principal_name, display_name, created_at FROM user_version_6;

DROP TABLE user_version_6;

CREATE UNIQUE INDEX user_principal_name_unique ON user (user_principal_name COLLATE NOCASE);

CREATE TRIGGER sms_policy_target_user_removed AFTER DELETE ON user
BEGIN
    DELETE FROM sms_policy_target WHERE target_type = 'user' AND target_id = OLD.id;
END;

ALTER TABLE phone_method RENAME TO phone_method_version_6;

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
    PRIMARY KEY (user_id, phone_type),
    CONSTRAINT phone_method_one_per_type UNIQUE (user_id, phone_type)
) STRICT, WITHOUT ROWID;

INSERT INTO phone_method (user_id, phone_type, phone_number, created_at, updated_at)
SELECT user_id, phone_type, phone_number, created_at, updated_at FROM phone_method_version_6;

DROP TABLE phone_method_version_6;

CREATE TRIGGER alternate_mobile_requires_mobile
BEFORE INSERT ON phone_method
WHEN NEW.phone_type = 'alternateMobile'
    AND NOT EXISTS (SELECT 1 FROM phone_method WHERE user_id = NEW.user_id AND phone_type = 'mobile')
BEGIN
    SELECT RAISE(ABORT, 'alternate_mobile_requires_mobile');
END;

CREATE TRIGGER mobile_required_by_alternate_mobile
BEFORE DELETE ON phone_method
WHEN OLD.phone_type = 'mobile'
    AND EXISTS (SELECT 1 FROM phone_method WHERE user_id = OLD.user_id AND phone_type = 'alternateMobile')
    AND EXISTS (SELECT 1 FROM user WHERE id = OLD.user_id)
BEGIN
    SELECT RAISE(ABORT, 'mobile_required_by_alternate_mobile');
END;

CREATE TRIGGER phone_type_immutable
BEFORE UPDATE OF user_id, phone_type ON phone_method
WHEN NEW.user_id IS NOT OLD.user_id OR NEW.phone_type IS NOT OLD.phone_type
BEGIN
    SELECT RAISE(ABORT, 'phone_type_immutable');
END;

CREATE TRIGGER sms_sign_in_released_on_delete
AFTER DELETE ON phone_method
WHEN OLD.phone_type = 'mobile'
BEGIN
    DELETE FROM sms_sign_in WHERE user_id = OLD.user_id;
END;

CREATE TRIGGER sms_sign_in_released_on_renumber
AFTER UPDATE OF phone_number ON phone_method
WHEN NEW.phone_type = 'mobile' AND NEW.phone_number IS NOT OLD.phone_number
BEGIN
    DELETE FROM sms_sign_in WHERE user_id = NEW.user_id;
END;

CREATE TRIGGER phone_number_format_insert
BEFORE INSERT ON phone_method
WHEN length(CAST(NEW.phone_number AS BLOB)) <> length(NEW.phone_number)
BEGIN
    SELECT RAISE(ABORT, 'phone_number_format');
END;

CREATE TRIGGER phone_number_format_update
BEFORE UPDATE OF phone_number ON phone_method
WHEN length(CAST(NEW.phone_number AS BLOB)) <> length(NEW.phone_number)
BEGIN
    SELECT RAISE(ABORT, 'phone_number_format');
END;

CREATE VIEW sms_policy_user AS
SELECT
    u.id AS user_id,
    u.user_principal_name,
    (SELECT state FROM sms_policy) = 'enabled'
    AND EXISTS (
        SELECT 1 FROM sms_policy_target t
        WHERE t.kind = 'include' AND t.is_usable_for_sign_in = 1 AND (
            (t.target_type = 'group' AND t.target_id = 'all_users')
            OR (t.target_type = 'user' AND t.target_id = u.id)
            OR (t.target_type = 'group' AND t.target_id IN (SELECT group_id FROM group_member WHERE user_id = u.id))
        )
    )
    AND NOT EXISTS (
        SELECT 1 FROM sms_policy_target t
        WHERE t.kind = 'exclude' AND (
            (t.target_type = 'group' AND t.target_id = 'all_users')
            OR (t.target_type = 'user' AND t.target_id = u.id)
            OR (t.target_type = 'group' AND t.target_id IN (SELECT group_id FROM group_member WHERE user_id = u.id))
        )
    ) AS allowed_by_policy
FROM user u;

CREATE VIEW phone_method_state AS
SELECT
    p.user_id,
    u.user_principal_name,
    p.phone_type,
    p.phone_number,
    p.created_at,
    CASE
        WHEN p.phone_type <> 'mobile' THEN 'notSupported'
        WHEN (SELECT state FROM sms_policy) <> 'enabled' THEN 'notAllowedByPolicy'
        WHEN NOT (SELECT allowed_by_policy FROM sms_policy_user WHERE user_id = p.user_id) THEN 'notAllowedByPolicy'
        ELSE CASE (SELECT status FROM sms_sign_in WHERE user_id = p.user_id)
            WHEN 'registered' THEN 'ready'
            WHEN 'disabled' THEN 'notEnabled'
            ELSE CASE
                WHEN EXISTS (
                    SELECT 1 FROM sms_sign_in o
                    WHERE o.phone_number = p.phone_number AND o.status = 'registered' AND o.user_id <> p.user_id
                ) THEN 'phoneNumberNotUnique'
                ELSE 'notConfigured'
            END
        END
    END AS sms_sign_in_state,
    CASE
        WHEN p.phone_type <> 'mobile' THEN 'only a mobile can be used for SMS sign-in'
        WHEN (SELECT state FROM sms_policy) <> 'enabled' THEN 'the SMS policy is disabled'
        WHEN NOT (SELECT allowed_by_policy FROM sms_policy_user WHERE user_id = p.user_id)
            THEN 'the SMS policy does not include this user, or excludes them'
        ELSE CASE (SELECT status FROM sms_sign_in WHERE user_id = p.user_id)
            WHEN 'registered' THEN 'registered for SMS sign-in'
            WHEN 'disabled' THEN 'SMS sign-in was turned off for this phone (disableSmsSignIn)'
            ELSE CASE
                WHEN EXISTS (
                    SELECT 1 FROM sms_sign_in o
                    WHERE o.phone_number = p.phone_number AND o.status = 'registered' AND o.user_id <> p.user_id
                ) THEN 'another user holds this number for SMS sign-in: '
                    || (SELECT ou.user_principal_name FROM sms_sign_in o JOIN user ou ON ou.id = o.user_id
                        WHERE o.phone_number = p.phone_number AND o.status = 'registered' AND o.user_id <> p.user_id)
                ELSE 'not registered: added while the user was outside the policy; call enableSmsSignIn'
            END
        END
    END AS reason
FROM phone_method p
LEFT JOIN user u ON u.id = p.user_id;
