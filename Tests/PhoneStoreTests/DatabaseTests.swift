import CSQLite
import Foundation
import Testing

@testable import PhoneStore

/// An operator reads the live database with a read-only connection or `sqlite3 -readonly` while the
/// store is open and writing, and the store keeps writing.
struct DatabaseTests {
    @Test func readOnlyConnectionReadsWhileTheStoreWrites() throws {
        try withStore { store, path in
            try store.addAlice()
            _ = try store.createPhoneMethod(userID: Fixture.aliceID, type: .mobile, number: "+1 2065555555")

            let reader = try Database(path: path, readOnly: true)
            #expect(try reader.scalarText("SELECT user_principal_name FROM user") == "alice@contoso.com")
            #expect(try reader.scalarText("SELECT phone_number FROM phone_method") == "+1 2065555555")

            // Hold a read transaction open, as a slow operator query would.
            try reader.execute("BEGIN")
            #expect(try reader.scalarInt("SELECT count(*) FROM user") == 1)
            try store.addBob()
            _ = try store.createPhoneMethod(userID: Fixture.bobID, type: .office, number: "+1 4255555555")
            #expect(try reader.scalarInt("SELECT count(*) FROM user") == 1, "the open snapshot is stable")
            try reader.execute("COMMIT")
            #expect(try reader.scalarInt("SELECT count(*) FROM user") == 2)
            #expect(try reader.scalarInt("SELECT count(*) FROM phone_method") == 2)

            try store.deletePhoneMethod(userID: Fixture.bobID, type: .office)
            #expect(try reader.scalarInt("SELECT count(*) FROM phone_method") == 1)
        }
    }

    /// `Row.value(_:as:)` reads an enum case from the column's bytes: the whole text must be the
    /// raw value, byte for byte (no prefix, no case folding, no trailing NUL), as `init(rawValue:)`.
    @Test func rowValueIsTheCaseWhoseRawValueIsTheWholeText() throws {
        let path = NSTemporaryDirectory() + "row-value-\(UUID().uuidString).db"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let db = try Database(path: path)
        let texts: [String?] =
            PhoneType.allCases.map(\.rawValue) + SmsSignInState.allCases.map(\.rawValue)
            + ["mobil", "mobilee", "Mobile", "office ", "", "mobile\0", "ready\0x", nil]
        for text in texts {
            var phoneType: PhoneType?
            var state: SmsSignInState?
            try db.query("SELECT ?", [text.map { .text($0) } ?? .null]) { row in
                phoneType = row.value(0, as: PhoneType.self)
                state = row.value(0, as: SmsSignInState.self)
            }
            #expect(phoneType == text.flatMap(PhoneType.init(rawValue:)), "\(String(describing: text))")
            #expect(state == text.flatMap(SmsSignInState.init(rawValue:)), "\(String(describing: text))")
        }
    }

    @Test func readOnlyConnectionCannotWrite() throws {
        try withStore { store, path in
            let reader = try Database(path: path, readOnly: true)
            do throws(SQLiteError) {
                try reader.execute(RawSQL.insertUser(Fixture.aliceID, "alice@contoso.com"))
                Issue.record("a read-only connection wrote")
            } catch {
                #expect(error.primaryCode == SQLITE_READONLY, "\(error)")
            }
            #expect(try store.users().isEmpty)
        }
    }

    @Test func sqlite3ShellReadsWhileTheStoreIsOpen() throws {
        try withStore { store, path in
            try store.addAlice()
            _ = try store.createPhoneMethod(userID: Fixture.aliceID, type: .mobile, number: "+1 2065555555")
            _ = try store.createPhoneMethod(userID: Fixture.aliceID, type: .office, number: "+1 4255555555")

            let shell = try SQLiteShell.run([
                "-readonly", path,
                "SELECT u.user_principal_name, p.phone_type, p.phone_number FROM user u "
                    + "JOIN phone_method p ON p.user_id = u.id ORDER BY p.phone_type",
            ])
            #expect(shell.status == 0, "\(shell.standardError)")
            #expect(
                shell.standardOutput
                    == "alice@contoso.com|mobile|+1 2065555555\nalice@contoso.com|office|+1 4255555555\n")

            let write = try SQLiteShell.run(["-readonly", path, RawSQL.insertUser(Fixture.bobID, "bob@contoso.com")])
            #expect(write.status != 0)
            #expect(write.standardError.contains("readonly"), "\(write.standardError)")

            // The store still writes, and the shell sees it.
            try store.addBob()
            let count = try SQLiteShell.run(["-readonly", path, "SELECT count(*) FROM user"])
            #expect(count.standardOutput == "2\n", "\(count.standardError)")
        }
    }

    @Test func statementsAreCachedAndReusable() throws {
        try TemporaryDatabase.with { path in
            let db = try Database(path: path)
            try db.execute("CREATE TABLE t (v TEXT) STRICT")
            for value in ["a", "b", "c"] { try db.run("INSERT INTO t VALUES (?)", [.text(value)]) }
            #expect(db.changes == 1)
            var values: [String] = []
            try db.query("SELECT v FROM t WHERE v <> ? ORDER BY v", ["b"]) { row in values.append(row.text(0) ?? "") }
            try db.query("SELECT v FROM t WHERE v <> ? ORDER BY v", ["a"]) { row in values.append(row.text(0) ?? "") }
            #expect(values == ["a", "c", "b", "c"])
            #expect(try db.scalarText("SELECT v FROM t WHERE v = ?", ["zzz"]) == nil)
        }
    }

    @Test func valuesRoundTrip() throws {
        try TemporaryDatabase.with { path in
            let db = try Database(path: path)
            try db.execute("CREATE TABLE t (i INTEGER, s TEXT, b BLOB, n TEXT) STRICT")
            try db.run(
                "INSERT INTO t VALUES (?, ?, ?, ?)",
                [.integer(Int64.min), .text("héllo ☎"), .blob([0, 1, 255]), .null])
            try db.query("SELECT i, s, b, n FROM t") { row in
                #expect(row.int(0) == Int64.min)
                #expect(row.text(1) == "héllo ☎")
                #expect(row.blob(2) == [0, 1, 255])
                #expect(row.isNull(3))
                #expect(!row.isNull(0))
            }
        }
    }

    @Test func failedTransactionRollsBack() throws {
        try TemporaryDatabase.with { path in
            let db = try Database(path: path)
            try db.execute("CREATE TABLE t (v INTEGER NOT NULL) STRICT")
            let error = expectThrows(SQLiteError.self) {
                try db.immediateTransaction {
                    try db.run("INSERT INTO t VALUES (1)")
                    try db.run("INSERT INTO t VALUES (NULL)")
                }
            }
            #expect(error?.message.contains("NOT NULL") == true)
            #expect(try db.scalarInt("SELECT count(*) FROM t") == 0)
            // The connection is usable again: no transaction was left open.
            try db.immediateTransaction { try db.run("INSERT INTO t VALUES (2)") }
            #expect(try db.scalarInt("SELECT count(*) FROM t") == 1)
        }
    }

    @Test func errorsCarryCodeMessageAndSQL() throws {
        try TemporaryDatabase.with { path in
            let db = try Database(path: path)
            do throws(SQLiteError) {
                try db.execute("SELECT * FROM missing_table")
                Issue.record("a query of a missing table succeeded")
            } catch {
                #expect(error.primaryCode == SQLITE_ERROR)
                #expect(error.message.contains("no such table: missing_table"))
                #expect(error.sql == "SELECT * FROM missing_table")
                #expect(error.description.contains("missing_table"))
            }
        }
    }

    @Test func openingAMissingFileWithoutCreateFails() {
        let path = TemporaryDatabase.makePath()
        let create = expectThrows(SQLiteError.self) { _ = try Database(path: path, create: false) }
        let readOnly = expectThrows(SQLiteError.self) { _ = try Database(path: path, readOnly: true) }
        #expect(create?.primaryCode == SQLITE_CANTOPEN)
        #expect(readOnly?.primaryCode == SQLITE_CANTOPEN)
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    /// The statement cache hashes a statement's length and three samples of its text, not every
    /// byte: statements alike in all of those must still each run their own text.
    @Test func statementsThatDifferOnlyBetweenTheHashedSamplesRunTheirOwnText() throws {
        let db = try Database(path: ":memory:")
        let texts = (0..<4).map {
            "SELECT 'abcdefghijklmnop\($0)qrstuvwxyzabcdefghijklmnopqrstuvwxyz-\($0)-abcdefghijklmnopqrstuvwxyz'"
        }
        #expect(Set(texts.map(\.utf8.count)).count == 1)
        for _ in 0..<2 {
            for (index, text) in texts.enumerated() {
                #expect(try db.scalarText(text)?.contains("-\(index)-") == true, "\(text)")
            }
        }
        // Texts of eight bytes, all three samples the same bytes (SampledTextTests has shorter).
        #expect(try db.scalarText("SELECT 1") == "1")
        #expect(try db.scalarText("SELECT 2") == "2")
    }
}
