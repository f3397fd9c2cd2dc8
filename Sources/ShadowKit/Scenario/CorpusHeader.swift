import Foundation

/// The optional first line of a scenario file, saying where its traffic comes from:
/// `{"corpus":"generated","generator":"lms","seed":20261125,"count":3000}`.
///
/// A generated corpus has a made-up clock: its scenarios may span weeks of scenario time each, side by side,
/// so hours measured on it say nothing about real traffic. The gate counts real hours only for recorded
/// traffic (a file without a header, or with `"corpus":"recorded"`) and uses a stated production rate for
/// generated traffic (see the README, "Failed jobs per hour").
public struct CorpusHeader: Sendable, Equatable {
    public enum Traffic: String, Sendable, CaseIterable {
        case generated, recorded
    }

    /// The key that makes a first line a header.
    public static let key = "corpus"

    public var traffic: Traffic
    /// Everything else the header says (generator, seed, count), kept as written.
    public var details: [String: JSONValue]

    public init(traffic: Traffic, details: [String: JSONValue] = [:]) {
        self.traffic = traffic
        self.details = details
    }

    init(_ object: [String: JSONValue], file: String, line: Int) throws(ScenarioError) {
        guard case .string(let text)? = object[Self.key], let traffic = Traffic(rawValue: text) else {
            let allowed = Traffic.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: " or ")
            throw ScenarioError(file: file, line: line,
                                message: "header field \"\(Self.key)\": expected \(allowed), got \(object[Self.key]?.jsonText ?? "nothing")")
        }
        self.traffic = traffic
        details = object.filter { $0.key != Self.key }
    }

    /// The header as one JSON line (keys sorted, `corpus` first).
    public var jsonLine: String {
        var text = "{\"\(Self.key)\":\(JSONValue.string(traffic.rawValue).jsonText)"
        for key in details.keys.sorted() {
            guard let value = details[key] else { continue }
            text += ",\(JSONValue.string(key).jsonText):\(value.jsonText)"
        }
        return text + "}"
    }
}
