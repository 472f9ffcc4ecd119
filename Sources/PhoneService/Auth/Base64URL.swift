/// The URL- and filename-safe Base64 alphabet of RFC 4648 §5, without padding, as used by JWTs
/// (RFC 7515 §2).
enum Base64URL {
    private static let alphabet: [UInt8] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Maps every byte to its 6-bit value, or 0xFF for bytes outside the alphabet (including '=').
    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, character) in alphabet.enumerated() { table[Int(character)] = UInt8(value) }
        return table
    }()

    /// Encodes `bytes` without '=' padding.
    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.underestimatedCount * 4 / 3 + 3)
        var group: UInt32 = 0
        var groupLength = 0
        for byte in bytes {
            group = group << 8 | UInt32(byte)
            groupLength += 1
            if groupLength == 3 {
                output.append(alphabet[Int(group >> 18 & 0x3F)])
                output.append(alphabet[Int(group >> 12 & 0x3F)])
                output.append(alphabet[Int(group >> 6 & 0x3F)])
                output.append(alphabet[Int(group & 0x3F)])
                group = 0
                groupLength = 0
            }
        }
        // A trailing group of one or two bytes yields two or three characters, zero-filled on the right.
        if groupLength == 1 {
            output.append(alphabet[Int(group >> 2 & 0x3F)])
            output.append(alphabet[Int(group << 4 & 0x3F)])
        } else if groupLength == 2 {
            output.append(alphabet[Int(group >> 10 & 0x3F)])
            output.append(alphabet[Int(group >> 4 & 0x3F)])
            output.append(alphabet[Int(group << 2 & 0x3F)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes unpadded base64url text, or returns nil if it is not the canonical encoding of some
    /// bytes: a character outside the alphabet (padding included), a length of 4n+1, or non-zero
    /// leftover bits in the last character. Insisting on the canonical form means each byte string
    /// has exactly one accepted spelling, so a token cannot be altered without changing its bytes.
    static func decode(_ text: Substring) -> [UInt8]? {
        let utf8 = text.utf8
        guard utf8.count % 4 != 1 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(utf8.count * 3 / 4)
        var group: UInt32 = 0
        var groupLength = 0
        for character in utf8 {
            let value = decodeTable[Int(character)]
            guard value != 0xFF else { return nil }
            group = group << 6 | UInt32(value)
            groupLength += 1
            if groupLength == 4 {
                output.append(UInt8(truncatingIfNeeded: group >> 16))
                output.append(UInt8(truncatingIfNeeded: group >> 8))
                output.append(UInt8(truncatingIfNeeded: group))
                group = 0
                groupLength = 0
            }
        }
        switch groupLength {
        case 2:  // 12 bits: one byte and 4 spare bits
            guard group & 0xF == 0 else { return nil }
            output.append(UInt8(truncatingIfNeeded: group >> 4))
        case 3:  // 18 bits: two bytes and 2 spare bits
            guard group & 0x3 == 0 else { return nil }
            output.append(UInt8(truncatingIfNeeded: group >> 10))
            output.append(UInt8(truncatingIfNeeded: group >> 2))
        default:
            break
        }
        return output
    }
}
