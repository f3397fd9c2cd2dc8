import Foundation

/// The parts of a tree some readers need: every value on a set of paths (``PathPattern``s) and all that lies
/// below where a path ends. ``JSONValueEncoder/tree(of:selecting:)`` builds only those parts, so that a reader
/// of a few values (an accepted rule's value constraints) does not pay for a whole outcome's tree.
///
/// Looking up any of the selected paths in a selected tree gives what it gives in the whole tree. Anything
/// else may be missing; array elements no path reaches stay in place as `null`, so indices hold.
public final class TreeSelection: Sendable {
    /// A path ends here: everything below is kept.
    let whole: Bool
    /// Children under a named key (a `.*` path's continuation merged in).
    let keys: [String: TreeSelection]
    /// The child under any other key (a `.*` path), `nil` when other keys are left out.
    let otherKeys: TreeSelection?
    /// Children of the elements a path names by index (`[2]`; a `[*]` path's continuation merged in).
    let indices: [Int: TreeSelection]
    /// The child for every other element (a `[*]` path), `nil` when other elements are left out.
    let otherElements: TreeSelection?

    /// Everything (the whole tree).
    public static let everything = TreeSelection(remainders: [[]])

    /// The parts on `patterns`. No pattern: nothing but the root's shape.
    public convenience init(_ patterns: [PathPattern]) {
        self.init(remainders: patterns.map(\.steps))
    }

    private init(remainders: [[PathPattern.Step]]) {
        whole = remainders.contains(where: \.isEmpty)
        var named: [String: [[PathPattern.Step]]] = [:]
        var anyKey: [[PathPattern.Step]] = []
        var numbered: [Int: [[PathPattern.Step]]] = [:]
        var anyIndex: [[PathPattern.Step]] = []
        for steps in remainders where !steps.isEmpty {
            let rest = Array(steps.dropFirst())
            switch steps[0] {
            case .key(let key): named[key, default: []].append(rest)
            case .anyKey: anyKey.append(rest)
            case .index(let index): numbered[index, default: []].append(rest)
            case .anyIndex: anyIndex.append(rest)
            }
        }
        keys = named.mapValues { TreeSelection(remainders: $0 + anyKey) }
        otherKeys = anyKey.isEmpty ? nil : TreeSelection(remainders: anyKey)
        indices = numbered.mapValues { TreeSelection(remainders: $0 + anyIndex) }
        otherElements = anyIndex.isEmpty ? nil : TreeSelection(remainders: anyIndex)
    }

    /// What to build under `key` of an object here: `nil` to leave it out.
    func child(key: String) -> TreeSelection? {
        whole ? self : keys[key] ?? otherKeys
    }

    /// What to build in the element at `index` of an array here: `nil` to leave it out (as `null`).
    func child(index: Int) -> TreeSelection? {
        whole ? self : indices[index] ?? otherElements
    }
}
