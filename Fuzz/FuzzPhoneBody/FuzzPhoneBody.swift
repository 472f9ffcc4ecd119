import CLibFuzzer
import Glibc

@testable import PhoneService
@testable import PhoneStore

/// libFuzzer target for the write bodies (`PhoneMethodBody`, `SmsPolicyBody`) and
/// `PhoneNumber.isValid`.
///
/// The first byte picks what the rest is. Properties checked besides "never traps": a parsed body
/// only ever carries a number `isValid` accepts, and `isValid` agrees both with the regular
/// expression it documents and with the `phone_number_format` CHECK in the schema.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPhoneBody(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    guard let mode = input.first else { return 0 }
    let rest = Array(input.dropFirst())
    if mode & 1 == 0 {
        checkBodies(rest)
    } else {
        checkNumber(String(decoding: rest, as: UTF8.self))
    }
    return 0
}

private func checkBodies(_ body: [UInt8]) {
    let request = HTTPRequest(
        method: "POST", path: "/", headers: ["content-type": "application/json; charset=utf-8"], body: body)
    for version in [APIVersion.v1, .beta] {
        if let parsed = try? PhoneMethodBody.parse(request, version: version), let number = parsed.phoneNumber {
            precondition(PhoneNumber.isValid(number), "a body carried an invalid number")
        }
    }
    _ = try? SmsPolicyBody.parse(request)
}

/// `^\+[1-9][0-9]{0,2} [0-9]{1,15}(x[0-9]{1,10})?$`, matched on Unicode scalars so that a digit
/// followed by a combining mark is not one "digit" character.
nonisolated(unsafe) private let documentedForm = /\+[1-9][0-9]{0,2} [0-9]{1,15}(x[0-9]{1,10})?/
    .matchingSemantics(.unicodeScalar)

private func checkNumber(_ number: String) {
    let valid = PhoneNumber.isValid(number)
    precondition(valid == ((try? documentedForm.wholeMatch(in: number)) != nil), "isValid disagrees with its regex")
    precondition(valid == schema.accepts(number), "isValid disagrees with the phone_number_format CHECK")
    if !valid { _ = PhoneMethodBody.invalidNumber(number).message }
}

/// An in-memory database with the real schema and one user, to ask the CHECK itself.
private final class Schema {
    let db: Database

    init() {
        do {
            db = try Database(path: ":memory:")
            _ = try Migrator().migrate(db)
            try db.run(
                "INSERT INTO user (id, user_principal_name, created_at) VALUES (?, ?, ?)",
                [.text(Self.userID), .text("fuzz@contoso.com"), .text("2026-01-01T00:00:00Z")])
        } catch {
            fatalError("cannot set up the schema: \(error)")
        }
    }

    static let userID = "00000000-0000-0000-0000-000000000001"

    /// Whether an INSERT of `number` passes the schema; the row is always rolled back.
    func accepts(_ number: String) -> Bool {
        do {
            try db.execute("SAVEPOINT fuzz")
            defer { try? db.execute("ROLLBACK TO fuzz; RELEASE fuzz") }
            try db.run(
                """
                INSERT INTO phone_method (user_id, phone_type, phone_number, created_at, updated_at)
                VALUES (?, 'office', ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')
                """, [.text(Self.userID), .text(number)])
            return true
        } catch {
            guard case .rule(.phoneNumberFormat) = StoreError(error) else {
                fatalError("unexpected database error: \(error)")
            }
            return false
        }
    }
}

nonisolated(unsafe) private let schema = Schema()

@main enum Main {
    static func main() {
        // Build both oracles before libFuzzer counts allocations: the Regex parser leaks a few
        // objects once (in the Swift runtime's _RegexParser), which would otherwise be blamed on
        // the first input.
        _ = documentedForm
        _ = schema
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzPhoneBody))
    }
}
