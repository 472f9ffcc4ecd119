import CLibFuzzer
import Glibc

@testable import PhoneService

/// libFuzzer target for `JSONParser`, the parser every request body and token goes through.
///
/// Beyond "never traps", a property: whatever the parser accepts, `JSONWriter` writes out in a
/// form the parser reads back as the same value, and writing that again gives the same bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    guard let value = try? JSONParser.parse(input) else { return 0 }
    let written = value.serialized()
    guard let reparsed = try? JSONParser.parse(written) else {
        fatalError("the writer's output does not parse: \(String(decoding: written, as: UTF8.self))")
    }
    precondition(reparsed == value, "round trip changed the value")
    precondition(reparsed.serialized() == written, "writing is not stable")
    return 0
}

@main enum Main {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzJSON))
    }
}
