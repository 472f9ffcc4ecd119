import CSQLite
import Testing

@testable import PhoneStore

/// Expects `body` to throw exactly `StoreError.rule(rule)`.
func expectRule(
    _ rule: Rule, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) {
    do {
        try body()
        Issue.record("expected rule \(rule.rawValue), but the call succeeded", sourceLocation: sourceLocation)
    } catch let error as StoreError {
        guard case .rule(let actual) = error else {
            Issue.record("expected rule \(rule.rawValue), got \(error)", sourceLocation: sourceLocation)
            return
        }
        #expect(actual == rule, sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected rule \(rule.rawValue), got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
    }
}

/// Expects `sql`, run on a plain connection, to fail with a constraint error that the store maps
/// to `rule`.
func expectRawRule(
    _ rule: Rule, on db: Database, _ sql: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    do throws(SQLiteError) {
        try db.execute(sql)
        Issue.record("expected rule \(rule.rawValue) for: \(sql)", sourceLocation: sourceLocation)
    } catch {
        #expect(error.primaryCode == SQLITE_CONSTRAINT, "\(error)", sourceLocation: sourceLocation)
        guard case .rule(let actual) = StoreError(error) else {
            Issue.record("expected rule \(rule.rawValue), got \(error)", sourceLocation: sourceLocation)
            return
        }
        #expect(actual == rule, "\(sql)", sourceLocation: sourceLocation)
    }
}

/// Expects `body` to throw `StoreError.userNotFound`.
func expectUserNotFound(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected userNotFound, but the call succeeded", sourceLocation: sourceLocation)
    } catch StoreError.userNotFound {
    } catch {
        Issue.record("expected userNotFound, got \(error)", sourceLocation: sourceLocation)
    }
}

/// Expects `body` to throw `StoreError.phoneMethodNotFound(type)`.
func expectPhoneMethodNotFound(
    _ type: PhoneType, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) {
    do {
        try body()
        Issue.record("expected phoneMethodNotFound, but the call succeeded", sourceLocation: sourceLocation)
    } catch StoreError.phoneMethodNotFound(let actual) {
        #expect(actual == type, sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected phoneMethodNotFound(\(type)), got \(error)", sourceLocation: sourceLocation)
    }
}

/// Expects `body` to throw an `E` and returns it. A plain function rather than
/// `#expect(throws:) { }`: Swift 6.3 can give a closure written inside a macro expansion the same
/// symbol as another closure in the function, and then call the wrong one (seen in this suite).
@discardableResult
func expectThrows<E: Error>(
    _ errorType: E.Type, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) -> E? {
    do {
        try body()
        Issue.record("expected \(E.self) to be thrown, but the call succeeded", sourceLocation: sourceLocation)
    } catch let error as E {
        return error
    } catch {
        Issue.record("expected \(E.self), got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
    }
    return nil
}
