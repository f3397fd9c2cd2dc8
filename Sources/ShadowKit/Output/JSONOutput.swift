import Foundation

/// The one path machine-readable output takes: `run --json`, `gate --json`, `advance --json`, `monitor --json`
/// and `summary.json` are `Encodable` values written by one `JSONEncoder` configuration (sorted keys, slashes
/// unescaped; numbers stay numbers). ``JSONValue/jsonText`` remains for the hot path (worker requests, stored
/// rows) only.
public enum JSONOutput {
    /// The value as JSON text: one line, or indented with `pretty`.
    public static func text(_ value: some Encodable, pretty: Bool = false) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            : [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            // Every value written here is made of strings, numbers, arrays and keyed containers.
            preconditionFailure("JSONOutput cannot encode \(type(of: value)): \(error)")
        }
    }

    /// The value as a ``JSONValue`` tree, to embed in another document (the ledger's evidence).
    public static func value(_ value: some Encodable) -> JSONValue {
        let text = Self.text(value)
        do {
            return try JSONValue.parse(Array(text.utf8))
        } catch {
            preconditionFailure("JSONOutput wrote JSON it cannot read back: \(error)")
        }
    }
}
