import Foundation
import ShadowKit

/// The JSON Lines worker protocol, version 1 (docs/protocol.md): building requests and reading replies.
public enum WorkerProtocol {
    public static let version = 1

    /// The error text of a hello reply that cannot be used.
    struct HelloError: Error {
        var message: String
    }

    static func sideInfo(fromHello reply: JSONValue) throws(HelloError) -> SideInfo {
        if reply["type"] == .string("error") {
            throw HelloError(message: "refused the hello: \(reply["message"].map(text) ?? reply.jsonText)")
        }
        guard reply["type"] == .string("hello") else {
            throw HelloError(message: "answered the hello with \(excerpt(reply)), not a hello")
        }
        guard let spoken = reply["protocol"] else {
            throw HelloError(message: "did not say which protocol it speaks (\"protocol\": \(version) expected)")
        }
        guard spoken == .int(version) else {
            throw HelloError(message: "speaks protocol \(spoken.jsonText); this ShadowGate speaks \(version)")
        }
        guard case .string(let name)? = reply["name"], !name.isEmpty else {
            throw HelloError(message: "did not give its \"name\" in the hello")
        }
        guard case .object(let opsObject)? = reply["ops"], !opsObject.isEmpty else {
            throw HelloError(message: "listed no \"ops\" in the hello")
        }
        var ops: [String: String?] = [:]
        for (op, feature) in opsObject {
            switch feature {
            case .string(let name): ops[op] = .some(name)
            case .null: ops[op] = .some(nil)
            default: throw HelloError(message: "gave op \"\(op)\" the feature \(feature.jsonText); a name or null expected")
            }
        }
        func optional(_ key: String) throws(HelloError) -> String? {
            switch reply[key] {
            case nil, .null?: return nil
            case .string(let value)?: return value
            case let other?: throw HelloError(message: "gave \"\(key)\" as \(other.jsonText); a string expected")
            }
        }
        var info = SideInfo(name: name, version: reply["version"].map(text) ?? "", ops: ops,
                            sideEffectsFeature: try optional("sideEffectsFeature"), clockOp: try optional("clockOp"),
                            transitionRefusalCode: try optional("transitionRefusalCode"))
        switch reply["quirks"] {
        case nil, .null?:
            break
        case .array(let list)?:
            for item in list {
                guard case .string(let quirk) = item, !quirk.isEmpty else {
                    throw HelloError(message: "listed \(item.jsonText) in \"quirks\"; quirk ids (non-empty strings) expected")
                }
                info.quirks.append(quirk)
            }
        case let other?:
            throw HelloError(message: "gave \"quirks\" as \(other.jsonText); a list of quirk ids expected")
        }
        return info
    }

    static func apply(_ request: SideRequest, id: Int) -> JSONValue {
        .object(["type": .string("apply"), "id": .int(id), "scenario": .string(request.scenario),
                 "seq": .int(request.seq), "at": .string(Timestamp.format(request.at)),
                 "now": .string(Timestamp.formatMillis(request.now)), "op": .string(request.op),
                 "fields": .object(request.fields)])
    }

    /// A probe of `request`: the same apply with `"without"` (sorted), run by the worker on its world as it is
    /// and then undone.
    static func probe(_ request: SideRequest, id: Int) -> JSONValue {
        guard case .object(var object) = apply(request, id: id) else { return apply(request, id: id) }
        object["without"] = .array((request.without ?? []).sorted().map(JSONValue.string))
        return .object(object)
    }

    enum ApplyReply {
        case outcome(TreeOutcome)
        case fault(WorkerFault)
        case invalid(String)
        case malformed(String)
    }

    static func applyReply(_ reply: JSONValue) -> ApplyReply {
        if let fault = reply["fault"] {
            let message = fault["message"].map(text) ?? fault.jsonText
            return .fault(WorkerFault(message: message, errorClass: fault["class"].map(text)))
        }
        if let invalid = reply["invalid"] {
            return .invalid(invalid["message"].map(text) ?? invalid.jsonText)
        }
        guard case .object(let tree)? = reply["outcome"] else {
            return .malformed("no \"outcome\", \"fault\" or \"invalid\": \(excerpt(reply))")
        }
        guard tree["status"] == .string("accepted") || tree["status"] == .string("rejected") else {
            return .malformed("an outcome whose \"status\" is not \"accepted\" or \"rejected\": \(excerpt(reply))")
        }
        var duration: UInt64?
        if let value = reply["durationNs"]?.numberValue, value.isFinite, value >= 0, value < 1e18 {
            duration = UInt64(value)
        }
        return .outcome(TreeOutcome(tree: normalized(tree), durationNs: duration))
    }

    /// Numbers compared by value: a whole number written `80.0` is the integer 80, as the built-in trees have it.
    static func normalized(_ object: [String: JSONValue]) -> [String: JSONValue] {
        object.mapValues(normalized)
    }

    static func normalized(_ value: JSONValue) -> JSONValue {
        switch value {
        case .double(let number) where number.rounded() == number && abs(number) < 9e15:
            .int(Int(number))
        case .array(let items): .array(items.map(normalized))
        case .object(let object): .object(normalized(object))
        default: value
        }
    }

    static func text(_ value: JSONValue) -> String {
        if case .string(let string) = value { return string }
        return value.jsonText
    }

    static func excerpt(_ value: JSONValue) -> String { excerpt(Array(value.jsonText.utf8)) }

    static func excerpt(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes.prefix(200), as: UTF8.self)
        return bytes.count > 200 ? "\"\(text)…\"" : "\"\(text)\""
    }

    static func milliseconds(_ seconds: TimeInterval) -> String { "\(Int((seconds * 1000).rounded())) ms" }
}
