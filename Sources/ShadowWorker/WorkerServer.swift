import Foundation
import ShadowKit

/// Serves any in-process ``SubjectSide`` as a worker over the protocol (`shadowgate serve-builtin`): the
/// built-in LMS as an external process, for mixed pairs and as a worker written against docs/protocol.md.
public struct WorkerServer {
    public let side: any SubjectSide

    public init(side: any SubjectSide) { self.side = side }

    /// How serving ended.
    public enum Ending: Sendable, Equatable {
        /// `shutdown`, or the end of the input.
        case finished
        /// The client asked for a protocol version this worker does not speak.
        case unsupportedProtocol
    }

    /// Answers requests from `input` on `output` until `shutdown` or the end of the input.
    public func serve(input: FileHandle = .standardInput, output: FileHandle = .standardOutput) -> Ending {
        var session: (any SideSession)?
        var pending: [Int] = []
        var buffer: [UInt8] = []
        func reply(_ value: JSONValue) {
            output.write(Data((value.jsonText + "\n").utf8))
        }
        while true {
            let chunk = input.availableData
            if chunk.isEmpty { return .finished }
            buffer.append(contentsOf: chunk)
            while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                guard let request = try? JSONValue.parse(line), case .string(let type)? = request["type"] else {
                    reply(.object(["type": .string("error"), "message": .string("a request must be a JSON object with a type")]))
                    continue
                }
                switch type {
                case "hello":
                    guard request["protocol"] == .int(WorkerProtocol.version) else {
                        reply(.object(["type": .string("error"),
                                       "message": .string("unsupported protocol; this worker speaks \(WorkerProtocol.version)")]))
                        return .unsupportedProtocol
                    }
                    reply(helloReply)
                case "reset":
                    session = try? side.makeSession()
                    pending = []
                    reply(.object(["type": .string("ready")]))
                case "apply":
                    guard case .int(let id)? = request["id"], case .string(let op)? = request["op"],
                          case .object(let fields)? = request["fields"], case .string(let at)? = request["at"],
                          case .string(let now)? = request["now"], let atTime = Timestamp.parse(at),
                          let nowTime = Timestamp.parse(now) else {
                        reply(.object(["id": request["id"] ?? .null,
                                       "invalid": .object(["message": .string("a malformed apply request")])]))
                        continue
                    }
                    let scenario = request["scenario"].flatMap { if case .string(let s) = $0 { s } else { nil } } ?? ""
                    let seq = request["seq"].flatMap { if case .int(let n) = $0 { n } else { nil } } ?? 0
                    let sideRequest = SideRequest(scenario: scenario, seq: seq, at: atTime, now: nowTime, op: op, fields: fields)
                    pending.append(id)
                    let started = DispatchTime.now().uptimeNanoseconds
                    do {
                        guard let session else { throw SubjectFailure.invalidCommand("apply before reset") }
                        if let without = request["without"] {
                            // A probe: the command with quirks switched off, on the world as it is, which stays unchanged.
                            let quirks = try probeQuirks(without)
                            guard let probing = session as? any ProbingSession else {
                                throw SubjectFailure.invalidCommand("this worker cannot switch quirks off")
                            }
                            let outcome = try probing.probe(sideRequest, without: quirks)
                            let took = DispatchTime.now().uptimeNanoseconds &- started
                            reply(.object(["id": .int(id), "outcome": .object(outcome.tree), "durationNs": .int(Int(took))]))
                            continue
                        }
                        try session.begin(scenario: scenario, start: atTime, requests: [sideRequest], first: false, last: false)
                        let outcome = try session.applyNext()
                        let took = DispatchTime.now().uptimeNanoseconds &- started
                        reply(.object(["id": .int(id), "outcome": .object(outcome.tree), "durationNs": .int(Int(took))]))
                    } catch SubjectFailure.invalidCommand(let message) {
                        reply(.object(["id": .int(id), "invalid": .object(["message": .string(message)])]))
                    } catch {
                        let errorClass = String(describing: Swift.type(of: error))
                        reply(.object(["id": .int(id), "fault": .object(["message": .string("\(error)"),
                                                                         "class": .string(errorClass)])]))
                    }
                case "shutdown":
                    return .finished
                default:
                    reply(.object(["type": .string("error"), "message": .string("unknown request type \"\(type)\"")]))
                }
            }
        }
    }

    /// The quirks of a probe's `without`: ids this worker listed in its hello, else the probe is `invalid`.
    func probeQuirks(_ without: JSONValue) throws -> Set<String> {
        guard case .array(let items) = without else {
            throw SubjectFailure.invalidCommand("\"without\" must be a list of quirk ids")
        }
        var quirks = Set<String>()
        for item in items {
            guard case .string(let quirk) = item, side.info.quirks.contains(quirk) else {
                throw SubjectFailure.invalidCommand("\"without\" names \(item.jsonText), which this worker did not list in "
                                                    + "its hello's quirks")
            }
            quirks.insert(quirk)
        }
        return quirks
    }

    var helloReply: JSONValue {
        let info = side.info
        var object: [String: JSONValue] = [
            "type": .string("hello"), "protocol": .int(WorkerProtocol.version), "name": .string(info.name),
            "version": .string(info.version),
            "ops": .object(info.ops.mapValues { $0.map(JSONValue.string) ?? .null }),
        ]
        if let x = info.sideEffectsFeature { object["sideEffectsFeature"] = .string(x) }
        if let x = info.clockOp { object["clockOp"] = .string(x) }
        if let x = info.transitionRefusalCode { object["transitionRefusalCode"] = .string(x) }
        if !info.quirks.isEmpty { object["quirks"] = .array(info.quirks.map(JSONValue.string)) }
        return .object(object)
    }
}
