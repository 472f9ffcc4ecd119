extension String {
    /// Calls `body` with the string's UTF-8 bytes, like `withUTF8`, but without copying the string
    /// first: `withUTF8` is `mutating`, so calling it on a `let` meant a copy, and a copy of a
    /// heap-allocated string is an atomic retain and release. Native strings, small ones too, are
    /// contiguous and go straight to `body`; a bridged non-contiguous one is copied as before.
    @inlinable
    public func withContiguousUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if let result = try utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = self
        return try copy.withUTF8(body)
    }
}
