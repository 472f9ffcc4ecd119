-- migrator: rebuilds tables
-- phone-service schema, version 8: phone_method's CHECK constraint phone_type_valid says the same
-- with `=` and `OR` instead of `IN (...)`.
--
-- SQLite evaluates `x IN ('a', 'b', 'c')` (a list of three or more) by building a temporary B-tree
-- of the list, anew for every row it checks: a zeroed page and three inserts for every phone
-- created, which the `OR` of equalities does not need. (Updates never check it: the type is fixed.)
-- Nothing the API or an operator sees changes: the same rows, columns, constraint names, triggers
-- and views; a type outside the three still fails phone_type_valid.
--
-- A CHECK constraint is part of the table's text, so the table is rebuilt as version 7 did (see
-- 0007_without_rowid.sql): renamed, created anew under its name, the rows copied, the old one
-- dropped with its triggers, which are made again with their text unchanged. The view that reads
-- phone_method is dropped first and made again as version 6 left it.

DROP VIEW phone_method_state;

ALTER TABLE phone_method RENAME TO phone_method_version_7;

CREATE TABLE phone_method (
    user_id TEXT NOT NULL REFERENCES user (id) ON DELETE CASCADE,
    phone_type TEXT NOT NULL
        CONSTRAINT phone_type_valid CHECK (phone_type = 'mobile' OR phone_type = 'alternateMobile' OR phone_type = 'office'),
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
SELECT user_id, phone_type, phone_number, created_at, updated_at FROM phone_method_version_7;

DROP TABLE phone_method_version_7;

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
