import Crypto
import Foundation
import PhoneStore
import SwiftASN1
import X509
import _CryptoExtras

/// One of the tenant's RSA signing keys, parsed: what signs tokens (the private key) and what the
/// JWKS publishes (modulus, exponent, certificate, thumbprint).
struct SigningKey: Sendable {
    let kid: String
    let x5t: String
    let privateKey: _RSA.Signing.PrivateKey
    let publicKey: _RSA.Signing.PublicKey
    /// DER of the self-signed certificate (`x5c`).
    let certificate: [UInt8]
    /// Big-endian modulus and public exponent (`n`, `e`).
    let modulus: [UInt8]
    let exponent: [UInt8]

    init(_ record: SigningKeyRecord) throws {
        privateKey = try _RSA.Signing.PrivateKey(derRepresentation: record.privateKey)
        publicKey = privateKey.publicKey
        let primitives = try publicKey.getKeyPrimitives()
        modulus = Array(primitives.modulus.drop(while: { $0 == 0 }))
        exponent = Array(primitives.publicExponent.drop(while: { $0 == 0 }))
        kid = record.kid
        x5t = record.x5t
        certificate = record.certificate
    }

    /// A new RSA-2048 key with a self-signed certificate valid for ten years; `kid` and `x5t` are
    /// the certificate's SHA-1 thumbprint in base64url, as Entra's are.
    static func make(now: Date = Date()) throws -> SigningKeyRecord {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let name = try DistinguishedName { CommonName("phone-service token signing") }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(10 * 365 * 86_400),
            issuer: name, subject: name, signatureAlgorithm: .sha256WithRSAEncryption,
            extensions: Certificate.Extensions(), issuerPrivateKey: Certificate.PrivateKey(key))
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        let der = serializer.serializedBytes
        let thumbprint = Base64URL.encode(Insecure.SHA1.hash(data: der))
        return SigningKeyRecord(
            kid: thumbprint, x5t: thumbprint, privateKey: Array(key.derRepresentation), certificate: der,
            createdAt: Timestamp.format(now))
    }
}
