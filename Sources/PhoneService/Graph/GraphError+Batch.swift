extension GraphError {
    /// The most requests one `$batch` may carry, as on Graph.
    static let batchLimit = 20

    /// A batch Graph would not run at all: malformed, too many requests, bad dependencies.
    static func invalidBatch(_ message: String) -> GraphError {
        GraphError(status: 400, code: "BadRequest", message: message)
    }

    /// An inner request of a batch whose `url` cannot be sent inside a batch (absolute, or itself
    /// a `$batch`); only that request fails.
    static func invalidBatchURL(_ url: String, _ reason: String) -> GraphError {
        GraphError(status: 400, code: "BadRequest", message: "Invalid request url '\(url.prefix(200))': \(reason)")
    }

    /// An inner request that was not run because a request it depends on failed [choice: Graph
    /// documents the status, not the body].
    static func failedDependency(_ dependency: String) -> GraphError {
        GraphError(
            status: 424, code: "failedDependency",
            message: "The request was not run because request '\(dependency)', which it depends on, failed.")
    }
}
