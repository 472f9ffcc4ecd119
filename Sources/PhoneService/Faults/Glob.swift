/// Glob matching for fault paths: `*` is any run of characters but '/', `**` any run at all.
enum Glob {
    static func matches(_ pattern: String, _ text: String) -> Bool {
        matches(Array(pattern.utf8)[...], Array(text.utf8)[...])
    }

    private static func matches(_ pattern: ArraySlice<UInt8>, _ text: ArraySlice<UInt8>) -> Bool {
        guard let first = pattern.first else { return text.isEmpty }
        let star = UInt8(ascii: "*")
        if first == star {
            let doubleStar = pattern.dropFirst().first == star
            let rest = pattern.dropFirst(doubleStar ? 2 : 1)
            var index = text.startIndex
            while true {
                if matches(rest, text[index...]) { return true }
                guard index < text.endIndex, doubleStar || text[index] != UInt8(ascii: "/") else { return false }
                index += 1
            }
        }
        guard let head = text.first, head == first else { return false }
        return matches(pattern.dropFirst(), text.dropFirst())
    }
}
