-- phone-service schema, version 2: groups, the SMS authentication method policy, and SMS sign-in
-- registrations. The state the API shows for a phone is derived in one place, the view
-- phone_method_state, from the registration and the policy as they are at read time.

-- Directory groups, for policy targets. ("group" is an SQL keyword, hence the prefix.)
CREATE TABLE directory_group (
    id TEXT PRIMARY KEY NOT NULL CONSTRAINT group_id_is_guid CHECK (
        length(id) = 36 AND id NOT GLOB '*[^0-9a-f-]*'
        AND substr(id, 9, 1) = '-' AND substr(id, 14, 1) = '-'
        AND substr(id, 19, 1) = '-' AND substr(id, 24, 1) = '-'
    ),
    display_name TEXT NOT NULL CONSTRAINT group_display_name_not_empty CHECK (length(trim(display_name)) > 0),
    created_at TEXT NOT NULL
) STRICT;

CREATE UNIQUE INDEX group_display_name_unique ON directory_group (display_name COLLATE NOCASE);

CREATE TABLE group_member (
    group_id TEXT NOT NULL REFERENCES directory_group (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES user (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX group_member_by_user ON group_member (user_id);

-- The SMS authentication method policy: one row. A new tenant's policy is disabled.
CREATE TABLE sms_policy (
    singleton INTEGER PRIMARY KEY CONSTRAINT sms_policy_single_row CHECK (singleton = 1),
    state TEXT NOT NULL CONSTRAINT sms_policy_state_valid CHECK (state IN ('enabled', 'disabled')),
    updated_at TEXT NOT NULL
) STRICT;

INSERT INTO sms_policy (singleton, state, updated_at) VALUES (1, 'disabled', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));

-- The policy's include and exclude targets: a user, a group, or the group 'all_users'.
CREATE TABLE sms_policy_target (
    kind TEXT NOT NULL CONSTRAINT sms_policy_target_kind_valid CHECK (kind IN ('include', 'exclude')),
    target_type TEXT NOT NULL CONSTRAINT sms_policy_target_type_valid CHECK (target_type IN ('user', 'group')),
    target_id TEXT NOT NULL,
    is_registration_required INTEGER NOT NULL DEFAULT 0 CHECK (is_registration_required IN (0, 1)),
    is_usable_for_sign_in INTEGER NOT NULL DEFAULT 1 CHECK (is_usable_for_sign_in IN (0, 1)),
    PRIMARY KEY (kind, target_type, target_id),
    CONSTRAINT sms_policy_target_all_users_is_group CHECK (target_id <> 'all_users' OR target_type = 'group')
) STRICT, WITHOUT ROWID;

-- A target names a user or group that exists ('all_users' is left to the CHECK above, which says
-- it must be a group); removing one removes it from the policy.
CREATE TRIGGER sms_policy_target_exists
BEFORE INSERT ON sms_policy_target
WHEN NEW.target_id <> 'all_users' AND NOT (
    (NEW.target_type = 'user' AND EXISTS (SELECT 1 FROM user WHERE id = NEW.target_id))
    OR (NEW.target_type = 'group'
        AND (NEW.target_id = 'all_users' OR EXISTS (SELECT 1 FROM directory_group WHERE id = NEW.target_id)))
)
BEGIN
    SELECT RAISE(ABORT, 'sms_policy_target_exists');
END;

-- The same check on an update, so that no raw UPDATE retargets a row at nothing.
CREATE TRIGGER sms_policy_target_exists_on_update
BEFORE UPDATE OF target_type, target_id ON sms_policy_target
WHEN NEW.target_id <> 'all_users' AND NOT (
    (NEW.target_type = 'user' AND EXISTS (SELECT 1 FROM user WHERE id = NEW.target_id))
    OR (NEW.target_type = 'group'
        AND (NEW.target_id = 'all_users' OR EXISTS (SELECT 1 FROM directory_group WHERE id = NEW.target_id)))
)
BEGIN
    SELECT RAISE(ABORT, 'sms_policy_target_exists');
END;

CREATE TRIGGER sms_policy_target_user_removed AFTER DELETE ON user
BEGIN
    DELETE FROM sms_policy_target WHERE target_type = 'user' AND target_id = OLD.id;
END;

CREATE TRIGGER sms_policy_target_group_removed AFTER DELETE ON directory_group
BEGIN
    DELETE FROM sms_policy_target WHERE target_type = 'group' AND target_id = OLD.id;
END;

-- SMS sign-in for a user's mobile: 'registered' holds the number for SMS sign-in; 'disabled' is
-- a mobile whose SMS sign-in was turned off (disableSmsSignIn). No row: never registered.
-- The row belongs to the mobile: deleting the mobile deletes it (the foreign key), and a new
-- number releases it (trigger below).
CREATE TABLE sms_sign_in (
    user_id TEXT PRIMARY KEY NOT NULL,
    phone_type TEXT NOT NULL DEFAULT 'mobile' CONSTRAINT sms_sign_in_mobile_only CHECK (phone_type = 'mobile'),
    phone_number TEXT NOT NULL,
    status TEXT NOT NULL CONSTRAINT sms_sign_in_status_valid CHECK (status IN ('registered', 'disabled')),
    updated_at TEXT NOT NULL,
    FOREIGN KEY (user_id, phone_type) REFERENCES phone_method (user_id, phone_type) ON DELETE CASCADE
) STRICT;

-- Two users can never both hold one number for SMS sign-in: this index is what makes a number
-- phoneNumberNotUnique.
CREATE UNIQUE INDEX sms_sign_in_number_unique ON sms_sign_in (phone_number) WHERE status = 'registered';

-- A registration carries its mobile's current number.
CREATE TRIGGER sms_sign_in_number_matches_mobile
BEFORE INSERT ON sms_sign_in
WHEN NOT EXISTS (
    SELECT 1 FROM phone_method
    WHERE user_id = NEW.user_id AND phone_type = 'mobile' AND phone_number = NEW.phone_number
)
BEGIN
    SELECT RAISE(ABORT, 'sms_sign_in_number_matches_mobile');
END;

CREATE TRIGGER sms_sign_in_number_matches_mobile_on_update
BEFORE UPDATE OF user_id, phone_number ON sms_sign_in
WHEN NOT EXISTS (
    SELECT 1 FROM phone_method
    WHERE user_id = NEW.user_id AND phone_type = 'mobile' AND phone_number = NEW.phone_number
)
BEGIN
    SELECT RAISE(ABORT, 'sms_sign_in_number_matches_mobile');
END;

-- Deleting a mobile releases its registration. The foreign key does this too, but an operator's
-- sqlite3 shell runs with foreign keys off by default.
CREATE TRIGGER sms_sign_in_released_on_delete
AFTER DELETE ON phone_method
WHEN OLD.phone_type = 'mobile'
BEGIN
    DELETE FROM sms_sign_in WHERE user_id = OLD.user_id;
END;

-- Renumbering a mobile releases its registration.
CREATE TRIGGER sms_sign_in_released_on_renumber
AFTER UPDATE OF phone_number ON phone_method
WHEN NEW.phone_type = 'mobile' AND NEW.phone_number IS NOT OLD.phone_number
BEGIN
    DELETE FROM sms_sign_in WHERE user_id = NEW.user_id;
END;

-- Whether the SMS policy lets each user sign in by SMS: enabled, included (the user, a group of
-- theirs, or all_users) with isUsableForSignIn, and not excluded.
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

-- Every phone with the smsSignInState the API returns for it, and why. The API reads the state
-- from this view, so the operator's answer and the API's cannot differ.
CREATE VIEW phone_method_state AS
SELECT
    p.user_id,
    u.user_principal_name,
    p.phone_type,
    p.phone_number,
    p.created_at,
    CASE
        WHEN p.phone_type <> 'mobile' THEN 'notSupported'
        WHEN NOT pu.allowed_by_policy THEN 'notAllowedByPolicy'
        WHEN s.status = 'registered' THEN 'ready'
        WHEN s.status = 'disabled' THEN 'notEnabled'
        WHEN EXISTS (
            SELECT 1 FROM sms_sign_in o
            WHERE o.phone_number = p.phone_number AND o.status = 'registered' AND o.user_id <> p.user_id
        ) THEN 'phoneNumberNotUnique'
        ELSE 'notConfigured'
    END AS sms_sign_in_state,
    CASE
        WHEN p.phone_type <> 'mobile' THEN 'only a mobile can be used for SMS sign-in'
        WHEN (SELECT state FROM sms_policy) <> 'enabled' THEN 'the SMS policy is disabled'
        WHEN NOT pu.allowed_by_policy THEN 'the SMS policy does not include this user, or excludes them'
        WHEN s.status = 'registered' THEN 'registered for SMS sign-in'
        WHEN s.status = 'disabled' THEN 'SMS sign-in was turned off for this phone (disableSmsSignIn)'
        WHEN EXISTS (
            SELECT 1 FROM sms_sign_in o
            WHERE o.phone_number = p.phone_number AND o.status = 'registered' AND o.user_id <> p.user_id
        ) THEN 'another user holds this number for SMS sign-in: '
            || (SELECT ou.user_principal_name FROM sms_sign_in o JOIN user ou ON ou.id = o.user_id
                WHERE o.phone_number = p.phone_number AND o.status = 'registered' AND o.user_id <> p.user_id)
        ELSE 'not registered: added while the user was outside the policy; call enableSmsSignIn'
    END AS reason
FROM phone_method p
JOIN user u ON u.id = p.user_id
JOIN sms_policy_user pu ON pu.user_id = p.user_id
LEFT JOIN sms_sign_in s ON s.user_id = p.user_id AND p.phone_type = 'mobile';
