extension PhoneStore {
    /// The user's phone methods: mobile, alternateMobile, office, those that exist. Throws
    /// `userNotFound` for an unknown user, like the writes.
    public func phoneMethods(userID: String) throws(StoreError) -> [PhoneMethod] {
        try read { db in
            guard try Self.userExists(userID, in: db) else { throw StoreError.userNotFound(userID) }
            return try Self.phoneMethods(userID: userID, in: db)
        }
    }

    /// Which of a user's phone methods to read along with the user.
    public enum PhoneSelection: Sendable, Equatable {
        case none
        case all
        /// The phone of this type, if there is one (a GET of one method reads only that row).
        case only(PhoneType)
    }

    /// The user whose object id or user principal name is `key` and the phone methods `phones`
    /// selects, read in one transaction; nil for an unknown user.
    public func user(key: String, phones: PhoneSelection) throws(StoreError) -> (User, [PhoneMethod])? {
        try read { db in
            guard let user = try Self.user(key: key, in: db) else { return nil }
            switch phones {
            case .none: return (user, [])
            case .all: return (user, try Self.phoneMethods(userID: user.id, in: db))
            case .only(let type): return (user, try Self.phoneMethods(userID: user.id, type: type, in: db))
            }
        }
    }

    /// One of the user's phone methods, or nil. Throws `userNotFound` for an unknown user.
    public func phoneMethod(userID: String, type: PhoneType) throws(StoreError) -> PhoneMethod? {
        try read { db in
            guard try Self.userExists(userID, in: db) else { throw StoreError.userNotFound(userID) }
            return try Self.phoneMethods(userID: userID, type: type, in: db).first
        }
    }

    @discardableResult
    public func createPhoneMethod(userID: String, type: PhoneType, number: String) throws(StoreError) -> PhoneMethod {
        try perform(.createPhoneMethod(userID: userID, type: type, number: number))
    }

    @discardableResult
    public func updatePhoneMethod(userID: String, type: PhoneType, number: String) throws(StoreError) -> PhoneMethod {
        try perform(.updatePhoneMethod(userID: userID, type: type, number: number))
    }

    public func deletePhoneMethod(userID: String, type: PhoneType) throws(StoreError) {
        try perform(.deletePhoneMethod(userID: userID, type: type))
    }

    static func userExists(_ userID: String, in db: Database) throws -> Bool {
        try db.scalarInt("SELECT 1 FROM user WHERE id = ?", [.text(userID)]) != nil
    }

    /// `userNotFound` when there is no user `userID`, else nil: for a write that failed or changed
    /// nothing, to tell an unknown user from what else went wrong.
    static func userNotFound(_ userID: String, in db: Database) throws -> StoreError? {
        try userExists(userID, in: db) ? nil : StoreError.userNotFound(userID)
    }

    static func phoneMethod(userID: String, type: PhoneType, in db: Database) throws -> PhoneMethod {
        guard let method = try phoneMethods(userID: userID, type: type, in: db).first else {
            throw StoreError.phoneMethodNotFound(type)
        }
        return method
    }

    /// The user's phones (or only the one of `type`) with the state the `phone_method_state` view
    /// derives for each: the view is the one definition of a phone's SMS sign-in state.
    static func phoneMethods(userID: String, type: PhoneType? = nil, in db: Database) throws -> [PhoneMethod] {
        var methods: [PhoneMethod] = []
        try db.query(
            type == nil ? selectPhoneMethods : selectPhoneMethodOfType,
            type.map { [.text(userID), .text($0.rawValue)] } ?? [.text(userID)]
        ) { row in
            guard let type = row.value(0, as: PhoneType.self), let state = row.value(3, as: SmsSignInState.self)
            else { return }
            methods.append(
                PhoneMethod(
                    userID: userID, type: type, number: row.text(1) ?? "", createdAt: row.text(2) ?? "",
                    smsSignInState: state))
        }
        // At most three rows: sorted here rather than by an ORDER BY, which costs SQLite a sorter.
        return methods.sorted { $0.type.listOrder < $1.type.listOrder }
    }

    private static let selectPhoneMethods =
        "SELECT phone_type, phone_number, created_at, sms_sign_in_state FROM phone_method_state WHERE user_id = ?"
    private static let selectPhoneMethodOfType = """
        SELECT phone_type, phone_number, created_at, sms_sign_in_state FROM phone_method_state
        WHERE user_id = ? AND phone_type = ?
        """
}

extension PendingWrite where Value == PhoneMethod {
    /// Adds a phone method. The schema refuses a second phone of a type, an alternateMobile
    /// without a mobile, and a malformed number (`StoreError.rule`). A mobile of a user the SMS
    /// policy allows is registered for SMS sign-in; when another user holds the number, the phone
    /// is saved all the same and reads `phoneNumberNotUnique`.
    public static func createPhoneMethod(userID: String, type: PhoneType, number: String) -> PendingWrite {
        PendingWrite { db in
            let now = Timestamp.now()
            do throws(SQLiteError) {
                try db.run(
                    """
                    INSERT INTO phone_method (user_id, phone_type, phone_number, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                    [.text(userID), .text(type.rawValue), .text(number), .text(now), .text(now)])
            } catch {
                // A user is looked up only when the insert broke a rule: an insert that succeeded
                // passed the foreign key to `user`, which is the same lookup.
                if error.isConstraint, let missing = try PhoneStore.userNotFound(userID, in: db) { throw missing }
                throw error
            }
            return try PhoneStore.registeredAsAllowed(userID: userID, type: type, in: db)
        }
    }

    /// Changes a phone method's number. A new number releases a mobile's SMS sign-in registration
    /// (a trigger) and registers the new one when the policy allows.
    public static func updatePhoneMethod(userID: String, type: PhoneType, number: String) -> PendingWrite {
        PendingWrite { db in
            try db.run(
                "UPDATE phone_method SET phone_number = ?, updated_at = ? WHERE user_id = ? AND phone_type = ?",
                [.text(number), .text(Timestamp.now()), .text(userID), .text(type.rawValue)])
            // No row: an unknown user, or a user without that phone. A row means the user exists.
            guard db.changes == 1 else {
                throw try PhoneStore.userNotFound(userID, in: db) ?? StoreError.phoneMethodNotFound(type)
            }
            return try PhoneStore.registeredAsAllowed(userID: userID, type: type, in: db)
        }
    }
}

extension PendingWrite where Value == Void {
    /// Deletes a phone method. The schema refuses deleting the mobile while an alternateMobile
    /// exists.
    public static func deletePhoneMethod(userID: String, type: PhoneType) -> PendingWrite {
        PendingWrite { db in
            try db.run(
                "DELETE FROM phone_method WHERE user_id = ? AND phone_type = ?", [.text(userID), .text(type.rawValue)])
            guard db.changes == 1 else {
                throw try PhoneStore.userNotFound(userID, in: db) ?? StoreError.phoneMethodNotFound(type)
            }
        }
    }
}

extension PhoneStore {
    /// What a create or an update answers once its row is written: the phone as
    /// `phone_method_state` reads it, after registering a mobile for SMS sign-in when the policy
    /// allows (the only registration that can change what the view says).
    static func registeredAsAllowed(userID: String, type: PhoneType, in db: Database) throws -> PhoneMethod {
        if type == .mobile, try allowedBySmsPolicy(userID: userID, in: db) {
            try registerForSmsSignIn(userID: userID, in: db)
        }
        return try phoneMethod(userID: userID, type: type, in: db)
    }
}
