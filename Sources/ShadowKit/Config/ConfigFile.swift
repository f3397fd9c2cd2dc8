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

/// Loads YAML configuration files with messages that name the line and field at fault: the one YAML loader
/// (comparison rules, accepted divergences, redaction, report settings, and the rollout plan's nodes).
package enum ConfigFile {
    package static func load<T: Decodable>(_ type: T.Type, path: String, keys: KeySchema = .any) throws(ConfigError) -> T {
        try decode(type, text: text(path: path), path: path, keys: keys)
    }

    /// The file's text; `unreadable` is the message when it cannot be read.
    package static func text(path: String, unreadable: String = "cannot read the file") throws(ConfigError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(file: path, message: unreadable, unreadable: true)
        }
        guard let text = String(data: data, encoding: .utf8) else { throw ConfigError(file: path, message: "not valid UTF-8") }
        return text
    }

    /// The document's node tree (nil for an empty document); syntax errors name their line.
    package static func compose(_ text: String, path: String) throws(ConfigError) -> Node? {
        do {
            return try Yams.compose(yaml: text)
        } catch let error as YamlError {
            switch error {
            case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
                 let .composer(context, problem, mark, _):
                let detail = context.map { "\(problem) \($0.text)" } ?? problem
                throw ConfigError(file: path, line: mark.line, message: "not valid YAML: \(detail)")
            case let .duplicatedKeysInMapping(duplicates, context):
                throw ConfigError(file: path, line: context.mark.line,
                                  message: "duplicate key(s) \(duplicates.joined(separator: ", ")) in one mapping")
            default:
                throw ConfigError(file: path, message: "not valid YAML: \(error)")
            }
        } catch {
            throw ConfigError(file: path, message: "not valid YAML: \(error)")
        }
    }

    package static func decode<T: Decodable>(_ type: T.Type, text: String, path: String,
                                     keys: KeySchema = .any) throws(ConfigError) -> T {
        let root = try compose(text, path: path)
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
