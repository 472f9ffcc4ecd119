/// A text as a dictionary key, equal when the texts are, but hashed from its length and three
/// 8-byte samples (start, middle, end) instead of every byte: for keys of a few hundred bytes looked
/// up on every request (SQL statements in the statement cache, bearer tokens in the token cache),
/// hashing every byte is a cost every request pays. Texts alike in length and samples still find
/// their own entry, by comparing the whole text; keys chosen to collide only make their own lookups
/// slower.
public struct SampledText: Hashable, Sendable {
    public let text: String

    @inlinable
    public init(_ text: String) { self.text = text }

    @inlinable
    public static func == (lhs: SampledText, rhs: SampledText) -> Bool { lhs.text == rhs.text }

    @inlinable
    public func hash(into hasher: inout Hasher) {
        // A (rare) non-contiguous text is made contiguous first, so equal texts always hash from
        // the same bytes.
        text.withContiguousUTF8 { bytes in
            hasher.combine(bytes.count)
            guard bytes.count >= 8, let base = bytes.baseAddress else {
                for byte in bytes { hasher.combine(byte) }
                return
            }
            let raw = UnsafeRawPointer(base)
            hasher.combine(raw.loadUnaligned(as: UInt64.self))
            hasher.combine(raw.loadUnaligned(fromByteOffset: (bytes.count - 8) / 2, as: UInt64.self))
            hasher.combine(raw.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self))
        }
    }
}
