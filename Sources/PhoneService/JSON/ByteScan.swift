/// Whether a buffer holds a byte that needs attention, eight bytes at a time: the scans that decide
/// whether a JSON string needs escaping and a log value quoting, which run on every request over
/// every string written, where byte-by-byte `contains(where:)` costs more.
enum ByteScan {
    /// Whether `bytes` holds a byte below `limit` (at most 0x80), or equal to `first` or `second`.
    @inline(__always)
    static func contains(
        below limit: UInt8, or first: UInt8, or second: UInt8, in bytes: UnsafeBufferPointer<UInt8>
    ) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let count = bytes.count
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let below = ones &* UInt64(limit)
        let matchFirst = ones &* UInt64(first)
        let matchSecond = ones &* UInt64(second)
        var offset = 0
        while offset + 8 <= count {
            let word = UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self)
            // (x - n) & ~x & 0x80 in some byte exactly when some byte of x is below n (n <= 0x80);
            // a byte equal to c is a zero byte of x ^ c, that is, below 1.
            let x1 = word ^ matchFirst
            let x2 = word ^ matchSecond
            let found = ((word &- below) & ~word) | ((x1 &- ones) & ~x1) | ((x2 &- ones) & ~x2)
            if found & highs != 0 { return true }
            offset += 8
        }
        while offset < count {
            let byte = base[offset]
            if byte < limit || byte == first || byte == second { return true }
            offset += 1
        }
        return false
    }
}
