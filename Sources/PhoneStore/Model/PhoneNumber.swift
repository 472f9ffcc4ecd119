/// Graph's phone number form, `+{country code} {number}x{extension}`: exactly
/// `^\+[1-9][0-9]{0,2} [0-9]{1,15}(x[0-9]{1,10})?$`. The same rule is the `phone_number_format`
/// CHECK in the schema; this copy lets the API explain a rejection before touching the database.
public enum PhoneNumber {
    public static let expectedForm =
        "+{country code} {subscriber number}x{extension}, for example '+1 2065555555' or '+1 2065555555x123'"

    public static func isValid(_ number: String) -> Bool {
        var bytes = number.utf8.makeIterator()
        guard bytes.next() == UInt8(ascii: "+") else { return false }
        // Country code: 1-3 digits, not starting with 0, then one space.
        guard let first = bytes.next(), first >= UInt8(ascii: "1"), first <= UInt8(ascii: "9") else { return false }
        var countryDigits = 1
        while true {
            guard let b = bytes.next() else { return false }
            if b == UInt8(ascii: " ") { break }
            guard isDigit(b), countryDigits < 3 else { return false }
            countryDigits += 1
        }
        // Subscriber number: 1-15 digits, then optionally 'x' and 1-10 digits.
        var digits = 0
        while let b = bytes.next() {
            if b == UInt8(ascii: "x") {
                guard (1...15).contains(digits) else { return false }
                var extensionDigits = 0
                while let e = bytes.next() {
                    guard isDigit(e) else { return false }
                    extensionDigits += 1
                }
                return (1...10).contains(extensionDigits)
            }
            guard isDigit(b) else { return false }
            digits += 1
        }
        return (1...15).contains(digits)
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
}
