import Foundation

/// One step of a path into an outcome tree.
public enum PathStep: Sendable, Hashable {
    case key(String)
    case index(Int)
}

/// Renders steps as `$.events[2].name`.
package func renderPath(_ steps: [PathStep]) -> String {
    var out = "$"
    for step in steps {
        switch step {
        case .key(let key): out += "." + key
        case .index(let index): out += "[\(index)]"
        }
    }
    return out
}

/// A path with wildcards, as written in config files: `$.jobs[*].id`, `$.value.grade`, `$.events`.
///
/// A pattern matches a path when it matches the path's first steps: `$.events` covers `$.events[2].name`.
/// `[*]` matches any index and `.*` any key.
public struct PathPattern: Sendable, Hashable, CustomStringConvertible {
    enum Step: Sendable, Hashable {
        case key(String), anyKey, index(Int), anyIndex
    }

    let steps: [Step]
    public let description: String

    /// Parses `$.a.b[*].c`; `nil` when the text is not a path.
    public init?(_ text: String) {
        description = text
        var steps: [Step] = []
        var rest = Substring(text)
        guard rest.first == "$" else { return nil }
        rest = rest.dropFirst()
        while let first = rest.first {
            if first == "." {
                rest = rest.dropFirst()
                let end = rest.firstIndex(where: { $0 == "." || $0 == "[" }) ?? rest.endIndex
                let key = rest[rest.startIndex..<end]
                guard !key.isEmpty else { return nil }
                steps.append(key == "*" ? .anyKey : .key(String(key)))
                rest = rest[end...]
            } else if first == "[" {
                guard let close = rest.firstIndex(of: "]") else { return nil }
                let inner = rest[rest.index(after: rest.startIndex)..<close]
                if inner == "*" {
                    steps.append(.anyIndex)
                } else if let index = Int(inner) {
                    steps.append(.index(index))
                } else {
                    return nil
                }
                rest = rest[rest.index(after: close)...]
            } else {
                return nil
            }
        }
        self.steps = steps
    }

    /// Whether the pattern covers `path` (equal to it, or a prefix of it).
    public func covers(_ path: [PathStep]) -> Bool {
        guard steps.count <= path.count else { return false }
        for (pattern, step) in zip(steps, path) {
            switch (pattern, step) {
            case (.anyKey, .key), (.anyIndex, .index): continue
            case (.key(let a), .key(let b)) where a == b: continue
            case (.index(let a), .index(let b)) where a == b: continue
            default: return false
            }
        }
        return true
    }

    /// The indices a concrete path has where the pattern has `[*]`, in order; `nil` when it does not cover it.
    func wildcardBindings(_ path: [PathStep]) -> [Int]? {
        guard covers(path) else { return nil }
        var out: [Int] = []
        for (pattern, step) in zip(steps, path) {
            if case .anyIndex = pattern, case .index(let index) = step { out.append(index) }
        }
        return out
    }

    /// Whether the pattern covers a rendered path such as `$.events[2].name`.
    public func covers(rendered path: String) -> Bool {
        PathStep.parse(path).map(covers) ?? false
    }
}

extension PathStep {
    /// The steps of a concrete rendered path (`$.events[2].name`, as ``renderPath(_:)`` writes it); `nil` for
    /// a pattern with wildcards or text that is not a path. The one parser of paths, through ``PathPattern``.
    public static func parse(_ rendered: String) -> [PathStep]? {
        guard let pattern = PathPattern(rendered) else { return nil }
        var steps: [PathStep] = []
        steps.reserveCapacity(pattern.steps.count)
        for step in pattern.steps {
            switch step {
            case .key(let key): steps.append(.key(key))
            case .index(let index): steps.append(.index(index))
            case .anyKey, .anyIndex: return nil
            }
        }
        return steps
    }
}
