import Foundation
import TestSupport
import Testing

@testable import PhoneService
@testable import PhoneStore

/// Error answers say what the client did wrong in Graph's words and never show the service's
/// insides: no SQL, no SQLite message, no table, trigger or source file name, even when the
/// database itself refuses a write, fails, or is busy. The real binary serves, so its log is
/// checked too: it never holds the token, on these paths either.
@Suite struct SecurityErrorMessageTests {
    /// Words that only the service's insides would put in an answer.
    static let internals = [
        "SQLite", "sqlite", "SQL", "INSERT", "SELECT", "UPDATE ", "DELETE FROM", "constraint", "no such",
        "phone_method", "sms_sign_in", "sms_policy", "user_role", "directory_group", "schema_migration", "RAISE",
        "TRIGGER", "trigger", "sabotage", ".swift", "Fatal", "errno", "busy", "locked",
    ]

    @Test func errorMessagesNeverEchoSQLOrInternals() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("state.db")
        let store = try PhoneStore(path: path, durability: .normal)
        let admin = try store.addUser(userPrincipalName: "admin@contoso.com", roles: [.globalAdministrator])
        try store.addUser(userPrincipalName: "alice@contoso.com")
        try store.addUser(userPrincipalName: "bob@contoso.com")
        let token = try TokenIssuer(store: store).delegated(
            user: admin, scopes: ["UserAuthenticationMethod.ReadWrite.All"])
        let service = try ServiceProcess(databasePath: path)

        let alice = "/v1.0/users/alice%40contoso.com/authentication/phoneMethods"
        let bob = "/v1.0/users/bob%40contoso.com/authentication/phoneMethods"
        let mobile = "/" + PhoneType.mobile.methodID
        func body(_ number: String, _ type: String) -> [UInt8] {
            Array(#"{"phoneNumber":"\#(number)","phoneType":"\#(type)"}"#.utf8)
        }
        var refusals: [(request: String, answer: RawHTTPClient.Response)] = []
        func send(_ method: String, _ path: String, _ payload: [UInt8]? = nil, expect status: Int) throws {
            var headers = [("Authorization", "Bearer \(token)")]
            if payload != nil { headers.append(("Content-Type", "application/json")) }
            let answer = try service.client().request(method, path, headers: headers, body: payload)
            #expect(answer.status == status, "\(method) \(path): \(answer.text)")
            if answer.status >= 400 { refusals.append(("\(method) \(path)", answer)) }
        }

        // Rules the database itself enforces.
        try send("POST", alice, body("+1 2065555555", "mobile"), expect: 201)
        try send("POST", alice, body("+1 2065555556", "mobile"), expect: 409)
        try send("POST", bob, body("+1 2065555557", "alternateMobile"), expect: 409)
        try send("POST", alice, body("+1 2065555558", "alternateMobile"), expect: 201)
        try send("DELETE", alice + mobile, expect: 409)

        // Faults: the schema broken under the running service. Reads and writes' answers go through
        // the dropped view; triggers refuse writes with a message full of internals, under names
        // that are no rule.
        let saboteur = try Database(path: path)
        try saboteur.execute(
            """
            CREATE TRIGGER sabotage BEFORE INSERT ON phone_method BEGIN
                SELECT RAISE(ABORT, 'INSERT INTO phone_method failed: SQLite constraint (Database.swift:42)');
            END;
            CREATE TRIGGER sabotage_update BEFORE UPDATE ON phone_method BEGIN
                SELECT RAISE(ABORT, 'UPDATE phone_method failed: SQLite constraint (Database.swift:42)');
            END;
            DROP VIEW phone_method_state;
            """)
        try send("GET", alice, expect: 500)
        try send("GET", alice + mobile, expect: 500)
        try send("GET", "/v1.0/me/authentication/methods", expect: 500)
        try send("POST", bob, body("+1 2065555559", "office"), expect: 500)
        try send("PATCH", alice + mobile, Array(#"{"phoneNumber":"+1 2065550100"}"#.utf8), expect: 500)
        try send("POST", alice + mobile + "/enableSmsSignIn", expect: 500)

        // Busy: another connection holds the write lock past the service's busy timeout.
        try saboteur.execute("BEGIN IMMEDIATE")
        try send("DELETE", alice + "/" + PhoneType.alternateMobile.methodID, expect: 503)
        try saboteur.execute("ROLLBACK")

        #expect(refusals.count == 10)
        for (request, answer) in refusals {
            #expect(answer.errorCode?.isEmpty == false, "\(request): no error code: \(answer.text)")
            #expect(answer.errorMessage?.isEmpty == false, "\(request): no message: \(answer.text)")
            for word in Self.internals {
                #expect(!answer.text.contains(word), "\(request) shows '\(word)': \(answer.text)")
                for (name, value) in answer.headers {
                    #expect(!value.contains(word), "\(request) shows '\(word)' in \(name): \(value)")
                }
            }
            if answer.status == 500 { #expect(answer.errorCode == "generalException", "\(request)") }
            if answer.status == 503 {
                #expect(answer.errorCode == "serviceNotAvailable", "\(request)")
                #expect(answer.headers["retry-after"] != nil, "\(request): no Retry-After")
            }
        }

        service.signal(SIGTERM)
        #expect(service.waitForExit()?.status == 0)
        let log = service.log
        #expect(log.contains("request failed"), "the faults were not logged")
        let signature = String(token.split(separator: ".")[2])
        #expect(!log.contains(token) && !log.contains(signature), "the log holds the token")
    }

    /// A 500 tells the operator why: a trigger added with the `sqlite3` shell under the running
    /// service refuses inserts, a create answers 500 `generalException` showing nothing of it, and
    /// the service's log line for that request carries the trigger's message and SQLite's code.
    @Test func aServerErrorIsLoggedWithItsCause() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("state.db")
        let store = try PhoneStore(path: path)
        let admin = try store.addUser(userPrincipalName: "admin@contoso.com", roles: [.globalAdministrator])
        try store.addUser(userPrincipalName: "alice@contoso.com")
        let token = try TokenIssuer(store: store).delegated(
            user: admin, scopes: ["UserAuthenticationMethod.ReadWrite.All"])
        let service = try ServiceProcess(databasePath: path)

        let shell = try ChildProcess.run(
            "/usr/bin/sqlite3",
            [
                path,
                "CREATE TRIGGER operator_stop BEFORE INSERT ON phone_method "
                    + "BEGIN SELECT RAISE(ABORT, 'inserts stopped by the operator'); END;",
            ])
        #expect(shell.status == 0, "sqlite3: \(shell.stderr)")

        let answer = try service.client().request(
            "POST", "/v1.0/users/alice%40contoso.com/authentication/phoneMethods",
            headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")],
            body: Array(#"{"phoneNumber":"+1 2065555555","phoneType":"mobile"}"#.utf8))
        #expect(answer.status == 500)
        #expect(answer.errorCode == "generalException")
        #expect(!answer.text.contains("operator") && !answer.text.contains("1811"), "\(answer.text)")

        service.signal(SIGTERM)
        #expect(service.waitForExit()?.status == 0)
        let requestID = answer.headers["request-id"] ?? "?"
        let failure = service.log.split(separator: "\n").first {
            $0.contains("request failed") && $0.contains(requestID)
        }
        #expect(failure?.contains("inserts stopped by the operator") == true, "\(service.log)")
        // SQLITE_CONSTRAINT_TRIGGER, the extended code.
        #expect(failure?.contains("1811") == true, "\(failure ?? "no 'request failed' line")")
    }
}
