/// Why a request body is not acceptable JSON. `message` is a complete sentence meant to be returned
/// verbatim in an HTTP 400 error; `offset` is the 0-based byte offset it refers to (the same number
/// the message quotes), so clients can locate the problem in what they sent.
struct JSONError: Error, Equatable, Sendable {
    var message: String
    var offset: Int

    init(message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }

    /// An error about the byte at `offset`; `reason` is the lower-case tail of the sentence.
    init(_ reason: String, at offset: Int) {
        self.init(message: "Invalid JSON at byte \(offset): \(reason)", offset: offset)
    }

    /// A zero-length body gets its own wording: "at byte 0" would only confuse the caller.
    static let emptyBody = JSONError(message: "The request body is empty.", offset: 0)
}
