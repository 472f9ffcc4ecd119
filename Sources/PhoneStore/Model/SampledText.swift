/// A text as a dictionary key, equal when the texts are, but hashed from its length and three
/// 8-byte samples (start, middle, end) instead of every byte. For keys of a few hundred bytes that
/// are looked up on every request: whole-text hashing of SQL statements (the statement cache) and
/// bearer tokens (the token cache) cost 1,500-4,000 instructions per lookup (callgrind). Texts
/// alike in length and samples still find their own entry, by comparing the whole text; keys
/// chosen to collide only make their own lookups slower.
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
