import Foundation
import SwiftASN1
import X509

/// A name a server certificate is issued for: a DNS name (lower-cased) or an IP address.
enum TLSHostname: Hashable, Sendable, CustomStringConvertible {
    case dns(String)
    case ip(String, bytes: [UInt8])

    /// The names every certificate from the tenant's CA carries, whatever `--tls-hostname` adds.
    static let loopback: [TLSHostname] = [.dns("localhost"), .ip("127.0.0.1", bytes: [127, 0, 0, 1]), ipv6Loopback]
    private static let ipv6Loopback = TLSHostname.ip("::1", bytes: Array(repeating: 0, count: 15) + [1])

    struct Invalid: Error, CustomStringConvertible {
        let text: String
        var description: String {
            "'\(text)' is not a host name or an IP address for --tls-hostname (e.g. phone-service.test, 192.0.2.10, ::1)"
        }
    }

    /// Parses `text`: an IPv4 or IPv6 address (brackets allowed), or a DNS name of letters, digits,
    /// hyphens and dots, whose first label may be `*`.
    init(_ text: String) throws(Invalid) {
        var address = text
        if address.hasPrefix("[") && address.hasSuffix("]") { address = String(address.dropFirst().dropLast()) }
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, address, &v4) == 1 {
            self = .ip(address, bytes: withUnsafeBytes(of: v4) { Array($0) })
            return
        }
        if inet_pton(AF_INET6, address, &v6) == 1 {
            self = .ip(address, bytes: withUnsafeBytes(of: v6) { Array($0) })
            return
        }
        let name = text.lowercased()
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        let valid =
            !name.isEmpty && name.utf8.count <= 253
            && labels.enumerated().allSatisfy { index, label in
                (index == 0 && label == "*" && labels.count > 2)
                    || (!label.isEmpty && label.utf8.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                        && label.utf8.allSatisfy { $0.isASCIILetterOrDigit || $0 == UInt8(ascii: "-") })
            }
        guard valid else { throw Invalid(text: text) }
        self = .dns(name)
    }

    var description: String {
        switch self {
        case .dns(let name): name
        case .ip(let text, _): text
        }
    }

    /// The name as a certificate's subject alternative name carries it.
    var generalName: GeneralName {
        switch self {
        case .dns(let name): .dnsName(name)
        case .ip(_, let bytes): .ipAddress(ASN1OctetString(contentBytes: bytes[...]))
        }
    }

    /// The loopback names followed by `extra`, each once, in order.
    static func withLoopback(_ extra: [TLSHostname]) -> [TLSHostname] {
        var seen = Set<GeneralName>()
        return (loopback + extra).filter { seen.insert($0.generalName).inserted }
    }
}

extension UInt8 {
    fileprivate var isASCIILetterOrDigit: Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self)
    }
}
