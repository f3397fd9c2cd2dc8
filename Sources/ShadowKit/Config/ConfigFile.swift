import Foundation
import Yams

/// The keys a YAML document may have, so a misspelt key is an error instead of a silently ignored field
/// (a rule's `path:` for `paths:` would otherwise widen it to any path).
package indirect enum KeySchema: Sendable {
    case any
    case mapping([String: KeySchema])
    case sequence(KeySchema)

    package func check(_ node: Node, at location: String, file: String) throws(ConfigError) {
        switch self {
        case .any:
            return
        case .sequence(let element):
            guard let sequence = node.sequence else { return }
            for (index, item) in sequence.enumerated() {
                try element.check(item, at: "\(location)[\(index)]", file: file)
            }
        case .mapping(let keys):
            guard let mapping = node.mapping else { return }
            for (key, value) in mapping {
                let name = key.string ?? ""
                guard let schema = keys[name] else {
                    throw ConfigError(file: file, line: key.mark?.line,
                                      message: "\(location.isEmpty ? "" : location + ": ")unknown key \"\(name)\" "
                                        + "(expected one of: \(keys.keys.sorted().joined(separator: ", ")))")
                }
                try schema.check(value, at: location.isEmpty ? name : "\(location).\(name)", file: file)
            }
        }
    }
}

/// Loads YAML configuration files with messages that name the line and field at fault.
package enum ConfigFile {
    package static func load<T: Decodable>(_ type: T.Type, path: String, keys: KeySchema = .any) throws(ConfigError) -> T {
        guard let data = FileManager.default.contents(atPath: path),
              let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, message: "cannot read the file")
        }
        return try decode(type, text: text, path: path, keys: keys)
    }

    package static func decode<T: Decodable>(_ type: T.Type, text: String, path: String,
                                     keys: KeySchema = .any) throws(ConfigError) -> T {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            // Yams describes syntax errors as "LINE:COLUMN: error: ...".
            let description = "\(error)"
            let line = description.split(separator: ":", maxSplits: 1).first.flatMap { Int($0) }
            throw ConfigError(file: path, line: line, message: line == nil ? description
                                : String(description.drop(while: { $0 != " " }).dropFirst()))
        }
        if let root { try keys.check(root, at: "", file: path) }
        do {
            return try YAMLDecoder().decode(type, from: text)
        } catch let error as DecodingError {
            throw ConfigError(file: path, line: root.flatMap { line(of: error, in: $0) }, message: describe(error))
        } catch {
            throw ConfigError(file: path, message: "\(error)")
        }
    }

    /// The line of the deepest node on the error's coding path that exists in the document.
    static func line(of error: DecodingError, in root: Node) -> Int? {
        let path: [any CodingKey]
        switch error {
        case .keyNotFound(_, let context), .typeMismatch(_, let context), .valueNotFound(_, let context),
             .dataCorrupted(let context):
            path = context.codingPath
        @unknown default:
            return root.mark?.line
        }
        var node = root
        for key in path {
            if let index = key.intValue, let next = node.sequence.flatMap({ index < $0.count ? $0[index] : nil }) {
                node = next
            } else if let next = node.mapping?[key.stringValue] {
                node = next
            } else {
                break
            }
        }
        return node.mark?.line
    }
    static func describe(_ error: DecodingError) -> String {
        func at(_ path: [any CodingKey]) -> String {
            path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
                .trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(at(context.codingPath + [key])): missing field \"\(key.stringValue)\""
        case .typeMismatch(let type, let context):
            return "\(at(context.codingPath)): expected \(type)"
        case .valueNotFound(let type, let context):
            return "\(at(context.codingPath)): expected \(type), found nothing"
        case .dataCorrupted(let context):
            return "\(at(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
