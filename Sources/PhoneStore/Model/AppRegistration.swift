/// An app registration with its service principal: what may sign in as it, and what it may ask for.
public struct AppRegistration: Sendable, Equatable {
    /// The client id (`appid`, `aud` of its ID tokens).
    public let appID: String
    /// The service principal's object id (`oid` of its app-only tokens).
    public let objectID: String
    public let displayName: String
    /// Graph application permissions granted to it (app roles: `roles` of its app-only tokens).
    public let applicationPermissions: [String]
    /// Graph delegated permissions consented for it (`scp` of tokens for its users).
    public let delegatedPermissions: [String]
    public let redirectURIs: [String]
    public let isPublicClient: Bool
    public let secrets: [ClientSecret]
    public let certificates: [ClientCertificate]

    public init(
        appID: String, objectID: String, displayName: String, applicationPermissions: [String],
        delegatedPermissions: [String], redirectURIs: [String], isPublicClient: Bool, secrets: [ClientSecret] = [],
        certificates: [ClientCertificate] = []
    ) {
        self.appID = appID
        self.objectID = objectID
        self.displayName = displayName
        self.applicationPermissions = applicationPermissions
        self.delegatedPermissions = delegatedPermissions
        self.redirectURIs = redirectURIs
        self.isPublicClient = isPublicClient
        self.secrets = secrets
        self.certificates = certificates
    }
}

/// A client secret as stored: never its text, only the SHA-256 of it.
public struct ClientSecret: Sendable, Equatable {
    public let keyID: String
    public let hash: [UInt8]
    /// The secret's first three characters, as Entra shows them.
    public let hint: String
    /// ISO 8601 UTC.
    public let endDateTime: String

    public init(keyID: String, hash: [UInt8], hint: String, endDateTime: String) {
        self.keyID = keyID
        self.hash = hash
        self.hint = hint
        self.endDateTime = endDateTime
    }
}

/// A certificate registered for client assertions.
public struct ClientCertificate: Sendable, Equatable {
    public let keyID: String
    /// SHA-1 thumbprint of the DER in base64url (an assertion's `x5t`).
    public let x5t: String
    /// SHA-256 thumbprint of the DER in base64url (`x5t#S256`).
    public let x5tS256: String
    public let certificate: [UInt8]
    /// ISO 8601 UTC: the certificate's notAfter.
    public let endDateTime: String

    public init(keyID: String, x5t: String, x5tS256: String, certificate: [UInt8], endDateTime: String) {
        self.keyID = keyID
        self.x5t = x5t
        self.x5tS256 = x5tS256
        self.certificate = certificate
        self.endDateTime = endDateTime
    }
}

/// A password as stored: PBKDF2-HMAC-SHA256 of it under `salt` with `iterations` rounds.
public struct PasswordHash: Sendable, Equatable {
    public let salt: [UInt8]
    public let iterations: Int
    public let hash: [UInt8]

    public init(salt: [UInt8], iterations: Int, hash: [UInt8]) {
        self.salt = salt
        self.iterations = iterations
        self.hash = hash
    }
}
