import Foundation
import SwiftASN1
import X509

/// A certificate chain (leaf first) and the leaf's private key, checked before a server presents
/// them: every certificate parses and is within its validity period, and the key is the leaf's.
/// Checked here, so that a bad file is one clear line at start-up instead of a handshake that
/// fails for every client later.
struct ServerIdentity: Sendable {
    let chain: [Certificate]
    let key: Certificate.PrivateKey
    /// The chain and the key as GnuTLS reads them: PEM, one block per certificate.
    let certificateChainPEM: String
    let privateKeyPEM: String

    var leaf: Certificate { chain[0] }

    enum Failure: Error, CustomStringConvertible {
        case unreadable(path: String, reason: String)
        case noCertificate(path: String)
        case badCertificate(path: String, reason: String)
        case noKey(path: String)
        case encryptedKey(path: String)
        case badKey(path: String, reason: String)
        case keyMismatch(certificate: String, key: String)
        case expired(path: String, subject: String, notValidAfter: Date)
        case notYetValid(path: String, subject: String, notValidBefore: Date)

        var description: String {
            switch self {
            case .unreadable(let path, let reason): "cannot read '\(path)': \(reason)"
            case .noCertificate(let path): "'\(path)' holds no PEM certificate ('-----BEGIN CERTIFICATE-----')"
            case .badCertificate(let path, let reason): "'\(path)' holds a certificate that does not parse: \(reason)"
            case .noKey(let path): "'\(path)' holds no PEM private key ('-----BEGIN PRIVATE KEY-----' or similar)"
            case .encryptedKey(let path): "'\(path)' holds an encrypted private key; give the key without a passphrase"
            case .badKey(let path, let reason): "'\(path)' holds a private key that does not parse: \(reason)"
            case .keyMismatch(let certificate, let key):
                "the private key in '\(key)' does not belong to the certificate in '\(certificate)'"
            case .expired(let path, let subject, let date):
                "the certificate '\(subject)' in '\(path)' expired on \(ISO8601DateFormatter().string(from: date))"
            case .notYetValid(let path, let subject, let date):
                "the certificate '\(subject)' in '\(path)' is not valid before \(ISO8601DateFormatter().string(from: date))"
            }
        }
    }

    /// Reads `certificateFile` (PEM, leaf first, intermediates after it) and `keyFile` (PEM:
    /// PKCS#8, SEC1 or PKCS#1; not encrypted). They may be the same file.
    static func load(certificateFile: String, keyFile: String, now: Date = Date()) throws(Failure) -> ServerIdentity {
        try ServerIdentity(
            certificatePEM: try read(certificateFile), certificateSource: certificateFile,
            keyPEM: try read(keyFile), keySource: keyFile, now: now)
    }

    /// Checks PEM text; the sources name where it came from in the failures.
    init(certificatePEM: String, certificateSource: String, keyPEM: String, keySource: String, now: Date = Date())
        throws(Failure)
    {
        let certificateBlocks: [PEMDocument]
        let keyBlocks: [PEMDocument]
        do {
            certificateBlocks = try PEMDocument.parseMultiple(pemString: certificatePEM)
        } catch {
            throw .badCertificate(path: certificateSource, reason: "\(error)")
        }
        do {
            keyBlocks = try PEMDocument.parseMultiple(pemString: keyPEM)
        } catch {
            throw .badKey(path: keySource, reason: "\(error)")
        }
        let chain: [Certificate]
        do {
            chain = try certificateBlocks.filter { $0.discriminator == "CERTIFICATE" }.map(
                Certificate.init(pemDocument:))
        } catch {
            throw .badCertificate(path: certificateSource, reason: "\(error)")
        }
        guard let leaf = chain.first else { throw .noCertificate(path: certificateSource) }
        let keyBlock = keyBlocks.first { $0.discriminator.hasSuffix("PRIVATE KEY") }
        guard let keyBlock else { throw .noKey(path: keySource) }
        guard keyBlock.discriminator != "ENCRYPTED PRIVATE KEY" else { throw .encryptedKey(path: keySource) }
        let key: Certificate.PrivateKey
        do {
            key = try Certificate.PrivateKey(pemDocument: keyBlock)
        } catch {
            throw .badKey(path: keySource, reason: "\(error)")
        }
        guard key.publicKey == leaf.publicKey else {
            throw .keyMismatch(certificate: certificateSource, key: keySource)
        }
        for certificate in chain {
            if certificate.notValidAfter < now {
                throw .expired(
                    path: certificateSource, subject: "\(certificate.subject)",
                    notValidAfter: certificate.notValidAfter)
            }
            if certificate.notValidBefore > now {
                throw .notYetValid(
                    path: certificateSource, subject: "\(certificate.subject)",
                    notValidBefore: certificate.notValidBefore)
            }
        }
        self.chain = chain
        self.key = key
        certificateChainPEM =
            certificateBlocks.filter { $0.discriminator == "CERTIFICATE" }.map(\.pemString)
            .joined(separator: "\n") + "\n"
        privateKeyPEM = keyBlock.pemString + "\n"
    }

    /// What the HTTP server needs to speak TLS with this identity.
    var tls: HTTPServer.TLS {
        HTTPServer.TLS(certificateChainPEM: certificateChainPEM, privateKeyPEM: privateKeyPEM)
    }

    /// The names in the leaf's subject alternative names extension.
    var names: Set<GeneralName> {
        Set((try? leaf.extensions.subjectAlternativeNames).map { Array($0) } ?? [])
    }

    /// The leaf's alternative names as people write them, sorted: "127.0.0.1", "::1", "localhost".
    var nameList: [String] {
        names.map { name -> String in
            switch name {
            case .dnsName(let text): return text
            case .ipAddress(let octets): return Self.address(Array(octets.bytes))
            default: return "\(name)"
            }
        }.sorted()
    }

    private static func address(_ bytes: [UInt8]) -> String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        guard bytes.count == 4 || bytes.count == 16, inet_ntop(family, bytes, &text, socklen_t(text.count)) != nil
        else { return bytes.map { String($0) }.joined(separator: ".") }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func read(_ path: String) throws(Failure) -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason: String
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                reason = "no such file"
            } else if isDirectory.boolValue {
                reason = "it is a directory"
            } else if !FileManager.default.isReadableFile(atPath: path) {
                reason = "permission denied"
            } else {
                reason = "not UTF-8 text (PEM expected)"
            }
            throw .unreadable(path: path, reason: reason)
        }
    }
}
