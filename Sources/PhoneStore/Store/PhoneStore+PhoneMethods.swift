extension PhoneStore {
    /// The user's phone methods: mobile, alternateMobile, office, those that exist. Throws
    /// `userNotFound` for an unknown user, like the writes.
    public func phoneMethods(userID: String) throws -> [PhoneMethod] {
        try read { db in
            guard try Self.userExists(userID, in: db) else { throw StoreError.userNotFound(userID) }
            return try Self.phoneMethods(userID: userID, in: db)
        }
    }

    /// One of the user's phone methods, or nil. Throws `userNotFound` for an unknown user.
    public func phoneMethod(userID: String, type: PhoneType) throws -> PhoneMethod? {
        try read { db in
            guard try Self.userExists(userID, in: db) else { throw StoreError.userNotFound(userID) }
            return try Self.phoneMethods(userID: userID, in: db).first { $0.type == type }
        }
    }

    /// Adds a phone method. The schema refuses a second phone of a type, an alternateMobile
    /// without a mobile, and a malformed number (`StoreError.rule`).
    public func createPhoneMethod(userID: String, type: PhoneType, number: String) throws -> PhoneMethod {
        try write { db in
            guard try Self.userExists(userID, in: db) else { throw StoreError.userNotFound(userID) }
            let now = Timestamp.now()
            try db.run(
                """
                INSERT INTO phone_method (user_id, phone_type, phone_number, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?)
                """,
                [.text(userID), .text(type.rawValue), .text(number), .text(now), .text(now)])
            return try Self.phoneMethod(userID: userID, type: type, in: db)
        }
    }

    /// Changes a phone method's number.
    @discardableResult
    public func updatePhoneMethod(userID: String, type: PhoneType, number: String) throws -> PhoneMethod {
        try write { db in
            guard try Self.userExists(userID, in: db) else { throw StoreError.userNotFound(userID) }
            try db.run(
                "UPDATE phone_method SET phone_number = ?, updated_at = ? WHERE user_id = ? AND phone_type = ?",
                [.text(number), .text(Timestamp.now()), .text(userID), .text(type.rawValue)])
            guard db.changes == 1 else { throw StoreError.phoneMethodNotFound(type) }
            return try Self.phoneMethod(userID: userID, type: type, in: db)
        }
    }

    /// Deletes a phone method. The schema refuses deleting the mobile while an alternateMobile
    /// exists.
    public func deletePhoneMethod(userID: String, type: PhoneType) throws {
        try write { db in
            guard try Self.userExists(userID, in: db) else { throw StoreError.userNotFound(userID) }
            try db.run(
                "DELETE FROM phone_method WHERE user_id = ? AND phone_type = ?", [.text(userID), .text(type.rawValue)])
            guard db.changes == 1 else { throw StoreError.phoneMethodNotFound(type) }
        }
    }

    static func userExists(_ userID: String, in db: Database) throws -> Bool {
        try db.scalarInt("SELECT 1 FROM user WHERE id = ?", [.text(userID)]) != nil
    }

    static func phoneMethod(userID: String, type: PhoneType, in db: Database) throws -> PhoneMethod {
        guard let method = try phoneMethods(userID: userID, in: db).first(where: { $0.type == type }) else {
            throw StoreError.phoneMethodNotFound(type)
        }
        return method
    }

    static func phoneMethods(userID: String, in db: Database) throws -> [PhoneMethod] {
        let allowed = try allowedBySmsPolicy(userID: userID, in: db)
        var methods: [PhoneMethod] = []
        try db.query(
            """
            SELECT phone_type, phone_number, created_at FROM phone_method WHERE user_id = ?
            ORDER BY CASE phone_type WHEN 'mobile' THEN 0 WHEN 'alternateMobile' THEN 1 ELSE 2 END
            """,
            [.text(userID)]
        ) { row in
            guard let type = PhoneType(rawValue: row.text(0) ?? "") else { return }
            methods.append(
                PhoneMethod(
                    userID: userID, type: type, number: row.text(1) ?? "", createdAt: row.text(2) ?? "",
                    smsSignInState: SmsSignInState.derive(type: type, allowedByPolicy: allowed)))
        }
        return methods
    }

    /// Whether the SMS authentication method policy lets this user sign in by SMS. A new tenant's
    /// policy is disabled, and the policy itself is not stored yet, so nobody is allowed.
    static func allowedBySmsPolicy(userID: String, in db: Database) throws -> Bool {
        false
    }
}
