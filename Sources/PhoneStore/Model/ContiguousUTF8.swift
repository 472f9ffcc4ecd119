extension StringProtocol {
    /// Calls `body` with the text's UTF-8 bytes, like `withUTF8`, but without copying the text
    /// first: `withUTF8` is `mutating`, so calling it on a `let` meant a copy, and a copy of a
    /// heap-allocated string is an atomic retain and release. Native strings and their substrings,
    /// small ones too, are contiguous and go straight to `body`; anything else is copied first.
    @inlinable
    public func withContiguousUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if let result = try utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = String(self)
        return try copy.withUTF8(body)
    }
}
