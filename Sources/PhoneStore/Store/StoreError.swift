import CSQLite
import Foundation

/// What the store reports. Rule violations come from the database itself and are mapped here, in
/// one place, from SQLite's extended result code and the constraint or trigger name.
public enum StoreError: Error, Sendable, CustomStringConvertible {
    case rule(Rule)
    case userNotFound(String)
    case phoneMethodNotFound(PhoneType)
    case groupNotFound(String)
    /// No app registration with this client id.
    case appNotFound(String)
    /// SMS sign-in can only be enabled or disabled on a mobile.
    case smsSignInNeedsMobile(PhoneType)
    /// The SMS policy does not let this user sign in by SMS.
    case smsSignInNotAllowedByPolicy
    case schemaTooNew(found: Int, supported: Int)
    case notPhoneServiceDatabase
    /// A migration that rebuilds tables left a row whose foreign key points at nothing (it was
    /// rolled back): the first such row.
    case migrationBrokeForeignKey(version: Int, String)
    /// The writer stopped before running a write (the store was being closed).
    case writerStopped
    case restoreSourceMissing(String)
    case restoreSourceDamaged(String)
    case restoreWouldOverwrite(String)
    /// The database has no tenant row (someone deleted it by hand).
    case noTenant
    case snapshotNotFound(String)
    case snapshotExists(String)
    /// A snapshot from another phone-service version (schema) or tenant.
    case snapshotIncompatible(String)
    /// A write's journal function threw: the write was undone.
    case journalFailed(String)
    /// Anything else SQLite reported: a bug or an operational fault, never the caller's input.
    case database(SQLiteError)
    /// An error of no kind the store knows (a bug): its description.
    case unexpected(String)

    /// Maps a SQLite failure to a rule when it is one.
    public init(_ error: SQLiteError) {
        self = Self.rule(for: error).map(StoreError.rule) ?? .database(error)
    }

    /// The one place what a store operation threw becomes a `StoreError`: SQLite's failures mapped
    /// to rules where they are rules, the store's own errors as they are.
    init(_ error: any Error) {
        switch error {
        case let error as StoreError: self = error
        case let error as SQLiteError: self.init(error)
        default: self = .unexpected(String(describing: error))
        }
    }

    static func rule(for error: SQLiteError) -> Rule? {
        switch error.extendedCode {
        case CSQLite_CONSTRAINT_CHECK, CSQLite_CONSTRAINT_TRIGGER:
            // "CHECK constraint failed: phone_number_format" / trigger RAISE message "rule_name".
            let name = error.message.split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespaces) }
            return name.flatMap(Rule.init(rawValue:))
        case CSQLite_CONSTRAINT_UNIQUE, CSQLite_CONSTRAINT_PRIMARYKEY:
            let prefix = "UNIQUE constraint failed: "
            guard error.message.hasPrefix(prefix) else { return nil }
            let columns = error.message.dropFirst(prefix.count)
            return Rule.allCases.first { $0.uniqueColumns == String(columns) }
        default:
            return nil
        }
    }

    public var description: String {
        switch self {
        case .rule(let rule): "rule violated: \(rule.rawValue)"
        case .userNotFound(let key): "no user '\(key)'"
        case .phoneMethodNotFound(let type): "no \(type.rawValue) phone method"
        case .groupNotFound(let key): "no group '\(key)'"
        case .appNotFound(let appID): "no application '\(appID)'"
        case .smsSignInNeedsMobile(let type): "SMS sign-in applies to the mobile only, not \(type.rawValue)"
        case .smsSignInNotAllowedByPolicy: "the SMS policy does not allow this user to sign in by SMS"
        case .schemaTooNew(let found, let supported):
            "the database has schema version \(found), newer than this phone-service supports (\(supported)); upgrade phone-service"
        case .migrationBrokeForeignKey(let version, let row):
            "schema migration \(version) was rolled back: it would leave a foreign key pointing at nothing (\(row))"
        case .notPhoneServiceDatabase: "the file is an SQLite database of another application, not phone-service"
        case .writerStopped: "the store closed before the write ran"
        case .restoreSourceMissing(let path): "no backup at '\(path)'"
        case .restoreSourceDamaged(let problem): "the backup fails its integrity check: \(problem)"
        case .restoreWouldOverwrite(let path): "'\(path)' exists; stop the service and pass --force to replace it"
        case .noTenant: "the database has no tenant row"
        case .snapshotNotFound(let name): "no snapshot '\(name)'"
        case .snapshotExists(let name): "a snapshot '\(name)' exists; delete it first"
        case .snapshotIncompatible(let reason): "the snapshot cannot be restored: \(reason)"
        case .journalFailed(let reason): "the write's journal row could not be made: \(reason)"
        case .database(let error): error.description
        case .unexpected(let description): "unexpected error: \(description)"
        }
    }
}
