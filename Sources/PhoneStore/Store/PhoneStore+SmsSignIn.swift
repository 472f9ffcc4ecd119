extension PhoneStore {
    /// `enableSmsSignIn`: registers the user's mobile for SMS sign-in. Refused for other types, for
    /// a user outside the SMS policy, and with `.rule(.smsSignInNumberUnique)` when another user
    /// holds the number (then nothing changes).
    @discardableResult
    public func enableSmsSignIn(userID: String, type: PhoneType) throws(StoreError) -> PhoneMethod {
        try perform(.enableSmsSignIn(userID: userID, type: type))
    }

    static func enableSmsSignIn(userID: String, type: PhoneType, in db: Database) throws -> PhoneMethod {
        guard try Self.userExists(userID, in: db) else { throw StoreError.userNotFound(userID) }
        let method = try Self.phoneMethod(userID: userID, type: type, in: db)
        guard type == .mobile else { throw StoreError.smsSignInNeedsMobile(type) }
        guard try Self.allowedBySmsPolicy(userID: userID, in: db) else {
            throw StoreError.smsSignInNotAllowedByPolicy
        }
        try db.run(
            """
            INSERT INTO sms_sign_in (user_id, phone_number, status, updated_at) VALUES (?, ?, 'registered', ?)
            ON CONFLICT (user_id) DO UPDATE SET status = 'registered', phone_number = excluded.phone_number,
                updated_at = excluded.updated_at
            """,
            [.text(userID), .text(method.number), .text(Timestamp.now())])
        return try Self.phoneMethod(userID: userID, type: type, in: db)
    }

    /// `disableSmsSignIn`: releases the mobile's registration and marks SMS sign-in off for it.
    @discardableResult
    public func disableSmsSignIn(userID: String, type: PhoneType) throws(StoreError) -> PhoneMethod {
        try perform(.disableSmsSignIn(userID: userID, type: type))
    }

    static func disableSmsSignIn(userID: String, type: PhoneType, in db: Database) throws -> PhoneMethod {
        guard try Self.userExists(userID, in: db) else { throw StoreError.userNotFound(userID) }
        let method = try Self.phoneMethod(userID: userID, type: type, in: db)
        guard type == .mobile else { throw StoreError.smsSignInNeedsMobile(type) }
        try db.run(
            """
            INSERT INTO sms_sign_in (user_id, phone_number, status, updated_at) VALUES (?, ?, 'disabled', ?)
            ON CONFLICT (user_id) DO UPDATE SET status = 'disabled', phone_number = excluded.phone_number,
                updated_at = excluded.updated_at
            """,
            [.text(userID), .text(method.number), .text(Timestamp.now())])
        return try Self.phoneMethod(userID: userID, type: type, in: db)
    }

    static func allowedBySmsPolicy(userID: String, in db: Database) throws -> Bool {
        try db.scalarInt("SELECT allowed_by_policy FROM sms_policy_user WHERE user_id = ?", [.text(userID)]) == 1
    }

    /// Registers the user's mobile for SMS sign-in when it has no registration yet (an unchanged
    /// number keeps its registration, or its `disabled` mark); the caller has checked the policy.
    /// A number another user holds is not an error here: the phone stays saved and reads back as
    /// `phoneNumberNotUnique`.
    ///
    /// The `ON CONFLICT` without a target leaves the row out for either uniqueness constraint: the
    /// user's existing registration, or another user's registered number
    /// (`sms_sign_in_number_unique`); other failures (the triggers, the foreign key) still throw.
    /// That spares a savepoint rolled back on the number's collision. The policy stays a query of
    /// its own: as a condition of the insert's `SELECT`, a create with the policy off would pay for
    /// the insert's set-up (its triggers, foreign keys and indexes) for no row.
    static func registerForSmsSignIn(userID: String, in db: Database) throws {
        try db.run(
            """
            INSERT INTO sms_sign_in (user_id, phone_number, status, updated_at)
            SELECT user_id, phone_number, 'registered', ? FROM phone_method
            WHERE user_id = ? AND phone_type = 'mobile'
            ON CONFLICT DO NOTHING
            """,
            [.text(Timestamp.now()), .text(userID)])
    }
}

extension PendingWrite where Value == PhoneMethod {
    public static func enableSmsSignIn(userID: String, type: PhoneType) -> PendingWrite {
        PendingWrite { db in try PhoneStore.enableSmsSignIn(userID: userID, type: type, in: db) }
    }

    public static func disableSmsSignIn(userID: String, type: PhoneType) -> PendingWrite {
        PendingWrite { db in try PhoneStore.disableSmsSignIn(userID: userID, type: type, in: db) }
    }
}
