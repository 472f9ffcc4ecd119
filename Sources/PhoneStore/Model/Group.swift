/// A directory group, for SMS policy targets.
public struct Group: Sendable, Equatable {
    public let id: String
    public let displayName: String
    /// Members' object ids.
    public let memberIDs: [String]

    public init(id: String, displayName: String, memberIDs: [String]) {
        self.id = id
        self.displayName = displayName
        self.memberIDs = memberIDs
    }
}
