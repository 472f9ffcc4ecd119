/// The Graph versions phone-service serves.
enum APIVersion: String, Sendable, CaseIterable {
    case v1 = "v1.0"
    case beta

    /// Base of `@odata.context`: "https://graph.microsoft.com/v1.0/$metadata#".
    var metadataBase: String {
        switch self {
        case .v1: "https://graph.microsoft.com/v1.0/$metadata#"
        case .beta: "https://graph.microsoft.com/beta/$metadata#"
        }
    }
}
