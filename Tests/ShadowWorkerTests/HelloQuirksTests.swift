import Foundation
@testable import ShadowKit
@testable import ShadowWorker
import Testing

/// The optional `quirks` of a hello (docs/protocol.md, "Switching quirks off"): parsed, checked, served.
@Suite struct HelloQuirksTests {
    static func hello(_ extra: [String: JSONValue]) -> JSONValue {
        var object: [String: JSONValue] = ["type": .string("hello"), "protocol": .int(1), "name": .string("w"),
                                           "ops": .object(["a.b": .string("alpha")])]
        object.merge(extra) { $1 }
        return .object(object)
    }

    @Test func quirksAreOptionalAndRead() throws {
        #expect(try WorkerProtocol.sideInfo(fromHello: Self.hello([:])).quirks == [])
        #expect(try WorkerProtocol.sideInfo(fromHello: Self.hello(["quirks": .null])).quirks == [])
        let info = try WorkerProtocol.sideInfo(fromHello: Self.hello([
            "quirks": .array([.string("legacy.progress_floor"), .string("legacy.float_pass_mark")])]))
        #expect(info.quirks == ["legacy.progress_floor", "legacy.float_pass_mark"])
    }

    @Test(arguments: [JSONValue.string("legacy.x"), .array([.int(1)]), .array([.string("")])])
    func badQuirksFailTheHandshake(value: JSONValue) {
        #expect(throws: WorkerProtocol.HelloError.self) {
            _ = try WorkerProtocol.sideInfo(fromHello: Self.hello(["quirks": value]))
        }
    }
}
