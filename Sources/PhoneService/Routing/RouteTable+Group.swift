extension RouteTable where Handler == Endpoint {
    /// Adds `group`'s routes in the order it named them (the order `Allow` lists methods in).
    mutating func add(_ group: RouteGroup) {
        for route in group.routes { add(route.method, route.pattern, route.endpoint) }
    }
}
