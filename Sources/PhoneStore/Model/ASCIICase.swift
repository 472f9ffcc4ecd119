/// Comparison without regard to ASCII case, for the names and ids Graph matches that way (path
/// segments, method ids): nothing but A–Z/a–z is folded, and nothing is allocated, unlike comparing
/// `lowercased()` copies or Foundation's `caseInsensitiveCompare`.
extension UInt8 {
    /// The byte with an ASCII capital letter made small; any other byte as it is.
    @inlinable
    public var lowercasedASCII: UInt8 { self >= UInt8(ascii: "A") && self <= UInt8(ascii: "Z") ? self | 0x20 : self }

    /// Whether two bytes are equal when ASCII letters are compared without regard to case.
    @inlinable
    public func equalsIgnoringASCIICase(_ other: UInt8) -> Bool {
        self == other || lowercasedASCII == other.lowercasedASCII
    }
}

extension StringProtocol {
    /// Equal to `other` when ASCII letters are compared without regard to case. Inlinable, so
    /// that other modules get it specialised for their string types rather than the far slower
    /// generic code.
    @inlinable
    public func equalsIgnoringASCIICase(_ other: some StringProtocol) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        // Native strings are contiguous UTF-8: compared as two buffers, without index arithmetic.
        let compared = utf8.withContiguousStorageIfAvailable { mine in
            other.utf8.withContiguousStorageIfAvailable { theirs in
                zip(mine, theirs).allSatisfy { $0.equalsIgnoringASCIICase($1) }
            }
        }
        if let compared, let equal = compared { return equal }
        return utf8.elementsEqual(other.utf8) { $0.equalsIgnoringASCIICase($1) }
    }
}
