/// The Graph versions phone-service serves.
enum APIVersion: String, Sendable {
    case v1 = "v1.0"
    case beta

    /// Base of `@odata.context`: "https://graph.microsoft.com/v1.0/$metadata#".
    var metadataBase: String { "https://graph.microsoft.com/\(rawValue)/$metadata#" }
}
