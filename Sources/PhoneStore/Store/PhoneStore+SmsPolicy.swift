extension PhoneStore {
    /// The SMS authentication method policy as stored.
    public func smsPolicy() throws(StoreError) -> SmsPolicy {
        try read { db in try Self.smsPolicy(in: db) }
    }

    /// Replaces the SMS policy. A target naming a user or group that does not exist is refused
    /// (`.rule(.smsPolicyTargetExists)`) and nothing changes. Registrations are kept: the state
    /// every phone shows follows the new policy on its next read.
    public func setSmsPolicy(_ policy: SmsPolicy) throws(StoreError) {
        try perform(.setSmsPolicy(policy))
    }

    static func setSmsPolicy(_ policy: SmsPolicy, in db: Database) throws {
        try db.run(
            "UPDATE sms_policy SET state = ?, updated_at = ?",
            [.text(policy.enabled ? "enabled" : "disabled"), .text(Timestamp.now())])
        try db.run("DELETE FROM sms_policy_target")
        for (kind, targets) in [("include", policy.includeTargets), ("exclude", policy.excludeTargets)] {
            for target in targets {
                try db.run(
                    """
                    INSERT INTO sms_policy_target
                        (kind, target_type, target_id, is_registration_required, is_usable_for_sign_in)
                    VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT DO UPDATE SET is_registration_required = excluded.is_registration_required,
                        is_usable_for_sign_in = excluded.is_usable_for_sign_in
                    """,
                    [
                        .text(kind), .text(target.kind.rawValue), .text(Self.targetID(target)),
                        .integer(target.isRegistrationRequired ? 1 : 0), .integer(target.isUsableForSignIn ? 1 : 0),
                    ])
            }
        }
    }

    /// Object ids are stored lower-case; `all_users` as it is.
    private static func targetID(_ target: SmsPolicy.Target) -> String {
        target.id == SmsPolicy.Target.allUsersID ? target.id : target.id.lowercased()
    }

    static func smsPolicy(in db: Database) throws -> SmsPolicy {
        var policy = SmsPolicy(enabled: try db.scalarText("SELECT state FROM sms_policy") == "enabled")
        try db.query(
            """
            SELECT kind, target_type, target_id, is_registration_required, is_usable_for_sign_in
            FROM sms_policy_target ORDER BY kind, target_type, target_id
            """
        ) { row in
            guard let type = SmsPolicy.Target.Kind(rawValue: row.text(1) ?? "") else { return }
            let target = SmsPolicy.Target(
                kind: type, id: row.text(2) ?? "", isRegistrationRequired: row.int(3) == 1,
                isUsableForSignIn: row.int(4) == 1)
            if row.text(0) == "include" {
                policy.includeTargets.append(target)
            } else {
                policy.excludeTargets.append(target)
            }
        }
        return policy
    }
}

extension PendingWrite where Value == Void {
    public static func setSmsPolicy(_ policy: SmsPolicy) -> PendingWrite {
        PendingWrite { db in try PhoneStore.setSmsPolicy(policy, in: db) }
    }
}
