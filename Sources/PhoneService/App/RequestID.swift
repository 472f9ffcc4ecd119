import Synchronization

/// Request ids: GUIDs (version 4 layout) unique within this process's life and, through a random
/// prefix chosen at start-up, across restarts. Cheaper than a fresh random UUID per request: a
/// counter bump instead of a system call.
enum RequestID {
    private static let prefix: UInt64 = UInt64.random(in: .min ... .max)
    private static let counter = Atomic<UInt64>(UInt64.random(in: 0...UInt64(UInt32.max)))

    static func make() -> String {
        let count = counter.add(1, ordering: .relaxed).newValue
        // 128 bits: 64 of prefix, 64 of counter; then the version (4) and variant (10) bits.
        var high = prefix
        var low = count &* 0x9E37_79B9_7F4A_7C15  // spread consecutive counts over all digits
        high = (high & ~0xF000) | 0x4000
        low = (low & ~(0xC000 << 48)) | (0x8000 << 48)
        var bytes = [UInt8](repeating: UInt8(ascii: "-"), count: 36)
        let hex = Array("0123456789abcdef".utf8)
        var index = 0
        for nibble in 0..<32 {
            if index == 8 || index == 13 || index == 18 || index == 23 { index += 1 }
            let word = nibble < 16 ? high : low
            let shift = UInt64(60 - 4 * (nibble % 16))
            bytes[index] = hex[Int((word >> shift) & 0xF)]
            index += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
