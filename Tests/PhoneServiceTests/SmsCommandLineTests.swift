import Foundation
import TestSupport
import Testing

@testable import PhoneService
@testable import PhoneStore

/// What a run of the built `phone-service` printed.
private struct SmsCLIResult {
    var status: Int32
    var stdout: String
    var stderr: String
    var errorLines: [Substring] { stderr.split(separator: "\n") }
    var lines: [String] { stdout.split(separator: "\n").map(String.init) }
}

/// Runs the built `phone-service` with `arguments` followed by `--db PATH`, and waits.
private func smsCLI(_ arguments: [String], db: String) throws -> SmsCLIResult {
    let result = try ChildProcess.run(phoneServiceExecutable().path, arguments + ["--db", db])
    return SmsCLIResult(status: result.status, stdout: result.stdout, stderr: result.stderr)
}

/// A temporary directory with a database path in it, removed at the end.
private final class SmsCLIDirectory {
    let url = FileManager.default.temporaryDirectory.appending(path: "phone-service-sms-cli-\(UUID().uuidString)")
    var db: String { url.appending(path: "state.db").path }

    init() throws { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(at: url) }
}

/// Expects a successful run and returns its output.
@discardableResult
private func smsExpectSuccess(_ arguments: [String], db: String, sourceLocation: SourceLocation = #_sourceLocation)
    throws -> SmsCLIResult
{
    let result = try smsCLI(arguments, db: db)
    #expect(result.status == 0, "\(arguments): \(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.stderr.isEmpty, "\(arguments): \(result.stderr)", sourceLocation: sourceLocation)
    return result
}

/// Expects a failed run: non-zero exit, one stderr line starting `phone-service: error:` that
/// mentions `text`, nothing on stdout.
private func smsExpectFailure(
    _ arguments: [String], db: String, mentioning text: String, sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let result = try smsCLI(arguments, db: db)
    #expect(result.status != 0, "\(arguments)", sourceLocation: sourceLocation)
    #expect(result.errorLines.count == 1, "\(arguments): \(result.stderr)", sourceLocation: sourceLocation)
    let line = result.errorLines.first ?? ""
    #expect(line.hasPrefix("phone-service: error: "), "\(line)", sourceLocation: sourceLocation)
    #expect(line.contains(text), "\(line)", sourceLocation: sourceLocation)
    #expect(result.stdout.isEmpty, "\(result.stdout)", sourceLocation: sourceLocation)
}

/// `phone-service group ...` and `phone-service policy sms ...`, run as the built binary.
struct SmsCommandLineTests {
    @Test func groupCommandsManageGroupsAndMembers() throws {
        let dir = try SmsCLIDirectory()
        let db = dir.db
        // Ids in the same order as the names, so the member list's order is fixed whichever it follows.
        try smsExpectSuccess(
            ["user", "add", "alice@contoso.com", "--id", "aaaaaaaa-0000-4000-8000-000000000001"], db: db)
        try smsExpectSuccess(
            ["user", "add", "bob@contoso.com", "--id", "bbbbbbbb-0000-4000-8000-000000000002"], db: db)
        let pilots = try smsExpectSuccess(["group", "add", "Pilots"], db: db).stdout.trimmingCharacters(in: .newlines)
        #expect(UUID(uuidString: pilots) != nil && pilots == pilots.lowercased(), "\(pilots)")
        let givenID = "A1B2C3D4-0000-4000-8000-000000000001"
        let contractors = try smsExpectSuccess(["group", "add", "Contractors", "--id", givenID], db: db)
        #expect(contractors.stdout == givenID.lowercased() + "\n")

        try smsExpectSuccess(["group", "add-member", "pilots", "alice@contoso.com"], db: db)
        try smsExpectSuccess(["group", "add-member", pilots, "BOB@contoso.com"], db: db)
        try smsExpectSuccess(["group", "add-member", "Pilots", "alice@contoso.com"], db: db)  // twice is fine
        try smsExpectSuccess(["group", "add-member", givenID, "bob@contoso.com"], db: db)
        #expect(
            try smsExpectSuccess(["group", "list"], db: db).lines == [
                "\(givenID.lowercased())\tContractors\tbob@contoso.com",
                "\(pilots)\tPilots\talice@contoso.com,bob@contoso.com",
            ])

        try smsExpectSuccess(["group", "remove-member", "Pilots", "alice@contoso.com"], db: db)
        try smsExpectSuccess(["group", "remove-member", "Pilots", "alice@contoso.com"], db: db)  // not a member: fine
        #expect(try smsExpectSuccess(["group", "list"], db: db).lines.last == "\(pilots)\tPilots\tbob@contoso.com")
        try smsExpectSuccess(["group", "remove", "contractors"], db: db)
        #expect(try smsExpectSuccess(["group", "list"], db: db).lines == ["\(pilots)\tPilots\tbob@contoso.com"])
        try smsExpectSuccess(["group", "remove", pilots], db: db)
        #expect(try smsExpectSuccess(["group", "list"], db: db).stdout.isEmpty)
    }

    @Test func groupCommandsRefuseWhatDoesNotExistInOneLine() throws {
        let dir = try SmsCLIDirectory()
        let db = dir.db
        try smsExpectSuccess(["user", "add", "alice@contoso.com"], db: db)
        try smsExpectSuccess(["group", "add", "Pilots"], db: db)
        try smsExpectFailure(["group", "add-member", "Nope", "alice@contoso.com"], db: db, mentioning: "Nope")
        try smsExpectFailure(
            ["group", "add-member", "Pilots", "nobody@contoso.com"], db: db, mentioning: "nobody@contoso.com")
        try smsExpectFailure(["group", "remove-member", "Nope", "alice@contoso.com"], db: db, mentioning: "Nope")
        try smsExpectFailure(["group", "remove", "Nope"], db: db, mentioning: "Nope")
        try smsExpectFailure(["group", "add", "pilots"], db: db, mentioning: "already exists")
        try smsExpectFailure(["group", "add", "Other", "--id", "not-a-guid"], db: db, mentioning: "not-a-guid")
        #expect(try smsExpectSuccess(["group", "list"], db: db).lines.count == 1)
    }

    @Test func policySmsShowPrintsTheGraphRepresentation() throws {
        let dir = try SmsCLIDirectory()
        let shown = try smsExpectSuccess(["policy", "sms", "show"], db: dir.db)
        let json = try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(json["@odata.type"] as? String == "#microsoft.graph.smsAuthenticationMethodConfiguration")
        #expect(json["id"] as? String == "Sms")
        #expect(json["state"] as? String == "disabled")
        #expect((json["includeTargets"] as? [Any])?.isEmpty == true)
        #expect((json["excludeTargets"] as? [Any])?.isEmpty == true)
        // `policy sms` alone shows it too.
        #expect(try smsExpectSuccess(["policy", "sms"], db: dir.db).stdout == shown.stdout)
    }

    @Test func policySmsSetReplacesStateAndTargets() throws {
        let dir = try SmsCLIDirectory()
        let db = dir.db
        let alice = try smsExpectSuccess(["user", "add", "alice@contoso.com"], db: db).stdout
            .trimmingCharacters(in: .newlines)
        let contractors = try smsExpectSuccess(["group", "add", "Contractors"], db: db).stdout
            .trimmingCharacters(in: .newlines)
        try smsExpectSuccess(
            ["policy", "sms", "set", "--state", "enabled", "--include", "all_users", "--exclude", "group:Contractors"],
            db: db)
        var policy = try PhoneStore(path: db).smsPolicy()
        #expect(policy.enabled)
        #expect(policy.includeTargets == [.allUsers])
        #expect(policy.excludeTargets == [SmsPolicy.Target(kind: .group, id: contractors)])
        let shown = try smsExpectSuccess(["policy", "sms", "show"], db: db).stdout
        #expect(shown.contains(#""excludeTargets":[{"targetType":"group","id":"\#(contractors)"}]"#), "\(shown)")

        // Only what is given changes; users by UPN or id; --clear-excludes empties the list.
        try smsExpectSuccess(
            ["policy", "sms", "set", "--include", "user:alice@contoso.com", "--include", "group:\(contractors)"], db: db
        )
        policy = try PhoneStore(path: db).smsPolicy()
        #expect(policy.enabled)
        #expect(
            Set(policy.includeTargets.map(\.id)) == [alice, contractors] && policy.excludeTargets.count == 1)
        try smsExpectSuccess(["policy", "sms", "set", "--state", "disabled", "--clear-excludes"], db: db)
        policy = try PhoneStore(path: db).smsPolicy()
        #expect(!policy.enabled)
        #expect(policy.excludeTargets.isEmpty)
        #expect(policy.includeTargets.count == 2)
    }

    @Test func policySmsSetRefusesAnUnknownTargetAndChangesNothing() throws {
        let dir = try SmsCLIDirectory()
        let db = dir.db
        try smsExpectSuccess(["user", "add", "alice@contoso.com"], db: db)
        try smsExpectSuccess(["group", "add", "Pilots"], db: db)
        try smsExpectSuccess(["policy", "sms", "set", "--include", "group:Pilots"], db: db)
        let before = try PhoneStore(path: db).smsPolicy()
        let refused: [([String], String)] = [
            (["--exclude", "group:Nope"], "Nope"),
            (["--include", "user:nobody@contoso.com"], "nobody@contoso.com"),
            (["--include", "all_users", "--include", "group:11111111-2222-3333-4444-555555555555"], "11111111"),
            (["--include", "everyone"], "everyone"),
            (["--exclude", "device:laptop"], "device:laptop"),
            (["--include", "user:"], "user:"),
        ]
        for (arguments, mention) in refused {
            try smsExpectFailure(
                ["policy", "sms", "set", "--state", "enabled"] + arguments, db: db, mentioning: mention)
        }
        #expect(try PhoneStore(path: db).smsPolicy() == before)
    }

    @Test func membershipChangedByTheCommandLineShowsOnTheServersNextRead() throws {
        let f = try SmsFixture()
        let alice = try f.user("alice")
        try f.addPhone(alice, .mobile, "+1 2065550100")
        let db = f.server.databasePath
        try smsExpectSuccess(["group", "add", "Pilots"], db: db)
        try smsExpectSuccess(["policy", "sms", "set", "--state", "enabled", "--include", "group:Pilots"], db: db)
        #expect(try f.state(alice) == "notAllowedByPolicy")
        try smsExpectSuccess(["group", "add-member", "Pilots", "alice@contoso.com"], db: db)
        #expect(try f.state(alice) == "notConfigured")
        #expect(try f.action("enableSmsSignIn", alice).status == 204)
        #expect(try f.state(alice) == "ready")
        try smsExpectSuccess(["policy", "sms", "set", "--exclude", "user:alice@contoso.com"], db: db)
        #expect(try f.state(alice) == "notAllowedByPolicy")
        try smsExpectSuccess(["policy", "sms", "set", "--clear-excludes"], db: db)
        try smsExpectSuccess(["group", "remove-member", "Pilots", "alice@contoso.com"], db: db)
        #expect(try f.state(alice) == "notAllowedByPolicy")
        try smsExpectSuccess(["group", "add-member", "Pilots", "alice@contoso.com"], db: db)
        #expect(try f.state(alice) == "ready")
    }
}
