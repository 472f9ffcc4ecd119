/// One of the tenant's token signing keys as stored: an RSA private key and its self-signed
/// certificate, in DER. The store keeps them as bytes; the service parses and uses them.
public struct SigningKeyRecord: Sendable, Equatable {
    /// The key id in token headers and the JWKS (the certificate's SHA-1 thumbprint, as Entra's is).
    public let kid: String
    /// The certificate's SHA-1 thumbprint in base64url.
    public let x5t: String
    /// PKCS#1 DER of the RSA private key.
    public let privateKey: [UInt8]
    /// DER of the self-signed X.509 certificate.
    public let certificate: [UInt8]
    /// ISO 8601 UTC.
    public let createdAt: String
    /// When a rotation retired the key (ISO 8601 UTC); nil for the current key.
    public let retiredAt: String?

    public init(
        kid: String, x5t: String, privateKey: [UInt8], certificate: [UInt8], createdAt: String,
        retiredAt: String? = nil
    ) {
        self.kid = kid
        self.x5t = x5t
        self.privateKey = privateKey
        self.certificate = certificate
        self.createdAt = createdAt
        self.retiredAt = retiredAt
    }

    /// How long a retired key stays in the key set after its retirement: the longest lifetime of
    /// the tokens it may have signed that a rotation honours (24 hours) [choice].
    public static let retiredRetentionSeconds = 86_400
}
