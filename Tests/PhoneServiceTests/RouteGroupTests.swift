import Testing

@testable import PhoneService

/// `RouteGroup`: a handler's routes under one prefix, added to the table as named.
@Suite struct RouteGroupTests {
    private static let answer: @Sendable (Call) throws -> HandlerOutcome = { _ in
        throw GraphError.badRequest("unused")
    }

    @Test func routesLandUnderThePrefixUnthrottledAndInOrder() throws {
        var add = RouteGroup(prefix: "/_admin/things")
        add("GET", "", Self.answer)
        add("POST", "", Self.answer)
        add("DELETE", "/{thing}", Self.answer)
        add("GET", "/{thing}", Self.answer)
        var table = RouteTable<Endpoint>()
        table.add(add)

        let collection = try table.match(["_admin", "things"]).get()
        #expect(collection.pattern == "/_admin/things")
        #expect(collection.allowed == ["GET", "POST"])
        let item = try table.match(["_admin", "things", "t1"]).get()
        #expect(item.pattern == "/_admin/things/{thing}")
        #expect(item.parameters == ["thing": "t1"])
        // Allow lists methods in the order the group named them.
        #expect(item.allowed == ["DELETE", "GET"])
        #expect(item.handlers.allSatisfy { !$0.handler.throttled && !$0.handler.addressesUser })
        // Nothing lands outside the prefix.
        #expect(throws: RouteTable<Endpoint>.Miss.self) { try table.match(["things"]).get() }
    }

    @Test func anEmptyGroupAddsNothing() {
        var table = RouteTable<Endpoint>()
        table.add(RouteGroup(prefix: "/{tenant}"))
        #expect(throws: RouteTable<Endpoint>.Miss.self) { try table.match(["common"]).get() }
    }
}
