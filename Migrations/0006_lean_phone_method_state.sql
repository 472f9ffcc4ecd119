-- phone-service schema, version 6: phone_method_state, the same rows and values, at less cost.
--
-- Every read of the API goes through this view (a list reads the user's three phones, a write reads
-- back what it wrote), so its cost is on every request. Version 2's view joined the user twice
-- (once for the name, once through sms_policy_user for the policy) and looked up the SMS
-- registration of every phone. This one:
--   * looks up the policy, the registration and the number's other holder only for a mobile, in
--     the CASE branch that needs them (an office phone is 'notSupported' before anything is read);
--   * reads the policy's state once per statement (a non-correlated subquery), as the reason
--     column always did, and evaluates sms_policy_user for the one user only when it is enabled;
--   * joins the user once, as a LEFT JOIN that SQLite leaves out when user_principal_name is not
--     selected (the API does not select it).
-- The rows are unchanged, but for one: a phone whose user row is missing (possible only with
-- foreign keys off), hidden by version 2's inner joins, now shows with a NULL user_principal_name,
-- so that an operator can find it.
DROP VIEW phone_method_state;

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
