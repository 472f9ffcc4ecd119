import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

/// Inputs the libFuzzer targets under Fuzz/ found, kept as tests. Each names its target.
@Suite struct FuzzRegressionTests {
    /// FuzzPhoneBody: SQLite's text functions stop at a NUL, so the `phone_number_format` CHECK
    /// passed a valid number followed by a NUL and anything, which `PhoneNumber.isValid` refuses.
    @Test(arguments: ["+1 2065555555\u{0}", "+1 2065555555\u{0}x", "+7 855555555\u{0}\u{0}55", "+1 5\u{0}\u{A6}"])
    func aNumberWithANulIsRefusedByTheSchema(_ number: String) throws {
        #expect(!PhoneNumber.isValid(number))
        let server = try TestServer()
        let alice = try server.addUser("alice@contoso.com")
        Self.expectFormatRule {
            _ = try server.store.createPhoneMethod(userID: alice.id, type: .office, number: number)
        }
        _ = try server.store.createPhoneMethod(userID: alice.id, type: .office, number: "+1 2065555555")
        Self.expectFormatRule { try server.store.updatePhoneMethod(userID: alice.id, type: .office, number: number) }
        #expect(try server.store.phoneMethods(userID: alice.id).map(\.number) == ["+1 2065555555"])
    }

    static func expectFormatRule(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("the store accepted the number", sourceLocation: sourceLocation)
        } catch StoreError.rule(.phoneNumberFormat) {
            // refused by the rule, as it should be
        } catch {
            Issue.record("refused with \(error)", sourceLocation: sourceLocation)
        }
    }
}
