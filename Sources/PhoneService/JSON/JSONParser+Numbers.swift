extension JSONParser.Cursor {
    /// Exact powers of ten: every one up to 10^22 is representable in a Double.
    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Parses a number at the read position, validating the RFC 8259 grammar byte by byte and then
    /// converting it with the same result as `Double(String)`: correctly rounded to nearest.
    mutating func parseNumber() throws(JSONError) -> Double {
        let start = index
        let negative = current == JSONByte.minus
        if negative { index += 1 }

        // Integer and fraction digits accumulate into `significand` while it stays exact; `digitCount`
        // counts every digit so that the fast path below knows when it may not be used.
        var significand: UInt64 = 0
        var digitCount = 0
        var fractionDigits = 0

        guard let first = current, isDigit(first) else {
            throw unexpected("a digit after '-'")
        }
        if first == JSONByte.zero {
            index += 1
            if let next = current, isDigit(next) {
                throw JSONError("numbers must not have leading zeros.", at: index - 1)
            }
        } else {
            accumulateDigits(into: &significand, count: &digitCount)
        }
        if current == JSONByte.dot {
            index += 1
            guard let digit = current, isDigit(digit) else { throw unexpected("a digit after the decimal point") }
            let before = digitCount
            accumulateDigits(into: &significand, count: &digitCount)
            fractionDigits = digitCount - before
        }
        var exponent = 0
        if current == JSONByte.lowerE || current == JSONByte.upperE {
            index += 1
            var negativeExponent = false
            if current == JSONByte.plus || current == JSONByte.minus {
                negativeExponent = current == JSONByte.minus
                index += 1
            }
            guard let digit = current, isDigit(digit) else { throw unexpected("a digit in the exponent") }
            while let digit = current, isDigit(digit) {
                // Saturate: beyond this every Double overflows or underflows anyway, and the slow path
                // below sees the original text.
                if exponent < 1_000_000 { exponent = exponent * 10 + Int(digit - JSONByte.zero) }
                index += 1
            }
            if negativeExponent { exponent = -exponent }
        }

        // Clinger's fast path: a significand below 2^53 and a power of ten up to 10^22 are both exact,
        // so a single IEEE multiplication or division yields the correctly rounded result.
        let scale = exponent - fractionDigits
        if digitCount <= 15 && abs(scale) <= 22 {
            var value = Double(significand)
            if scale >= 0 {
                value *= Self.exactPowersOfTen[scale]
            } else {
                value /= Self.exactPowersOfTen[-scale]
            }
            return negative ? -value : value
        }

        let text = String(decoding: UnsafeBufferPointer(rebasing: input[start..<index]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw JSONError("number is too large to represent.", at: start)
        }
        return value
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        JSONByte.zero <= byte && byte <= JSONByte.nine
    }

    /// Consumes a run of digits; the significand stops growing after 19 digits (it could overflow),
    /// by which point `count` has already ruled out the fast path.
    private mutating func accumulateDigits(into significand: inout UInt64, count: inout Int) {
        while let byte = current, isDigit(byte) {
            if count < 19 { significand = significand * 10 + UInt64(byte - JSONByte.zero) }
            count += 1
            index += 1
        }
    }
}
