extension PhoneStore {
    /// Every phone with its SMS sign-in state and the reason for it (the `phone_method_state`
    /// view), by user principal name and type; only `user`'s (an object id) when given.
    public func phoneStates(userID: String? = nil) throws(StoreError) -> [PhoneState] {
        try read { db in
            var states: [PhoneState] = []
            let sql = """
                SELECT user_id, user_principal_name, phone_type, phone_number, created_at, sms_sign_in_state, reason
                FROM phone_method_state \(userID == nil ? "" : "WHERE user_id = ?")
                ORDER BY user_principal_name, phone_type
                """
            try db.query(sql, userID.map { [.text($0)] } ?? []) { row in
                states.append(
                    PhoneState(
                        userID: row.text(0) ?? "", userPrincipalName: row.text(1) ?? "", type: row.text(2) ?? "",
                        number: row.text(3) ?? "", createdAt: row.text(4) ?? "", smsSignInState: row.text(5) ?? "",
                        reason: row.text(6) ?? ""))
            }
            return states
        }
    }
}
