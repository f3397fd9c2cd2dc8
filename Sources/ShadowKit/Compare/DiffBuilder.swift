import Foundation

/// Diffs two typed values field by field under the comparator's rules, giving exactly the entries that
/// ``OutcomeComparator/diff(_:_:)`` gives for their trees, without building the trees.
///
/// A subject walks its own types with it, visiting fields in the order of their JSON keys (sorted, as the
/// tree diff visits them). Equal parts are skipped by typed equality before any path is pushed, so a
/// divergence costs the few fields that differ rather than two whole outcome trees; JSON values are built
/// only for the leaves that end up in the diff. Lists under an `unordered` rule fall back to trees, since
/// their order is canonicalised on the JSON text.
public struct DiffBuilder {
    @usableFromInline let comparator: OutcomeComparator
    @usableFromInline var path: [PathStep] = []
    /// The differing leaves found so far, in document order.
    public internal(set) var entries: [DiffEntry] = []
    /// Differences within a tolerance, in document order; conditions not checked yet (``ComparatorRules/resolve``).
    public internal(set) var tolerated: [ToleratedEntry] = []

    public init(comparator: OutcomeComparator) {
        self.comparator = comparator
        path.reserveCapacity(8)
    }

    /// Diffs two whole trees at the current path (the fallback for subjects without a typed walk).
    public mutating func trees(_ control: JSONValue?, _ candidate: JSONValue?) {
        comparator.walk(control, candidate, &path, &entries, &tolerated)
    }

    /// A scalar field. `json` runs only when the values differ.
    @inlinable
    public mutating func value<T: Equatable>(_ key: String, _ control: T?, _ candidate: T?,
                                             _ json: (T) -> JSONValue) {
        guard control != candidate else { return }
        path.append(.key(key))
        leaf(control.map(json), candidate.map(json))
        path.removeLast()
    }

    /// A nested object field: `walk` compares its contents when both sides have it; when only one side
    /// does, the entry is the whole object (`tree`), as in the tree diff.
    @inlinable
    public mutating func object<T: Equatable>(_ key: String, _ control: T?, _ candidate: T?,
                                              tree: (T) -> JSONValue,
                                              walk: (inout DiffBuilder, T, T) -> Void) {
        guard control != candidate else { return }
        path.append(.key(key))
        defer { path.removeLast() }
        guard !isIgnored else { return }
        if let control, let candidate {
            walk(&self, control, candidate)
        } else {
            leaf(control.map(tree), candidate.map(tree))
        }
    }

    /// A list field, compared index by index; elements present on one side only are whole-element entries.
    @inlinable
    public mutating func list<T: Equatable>(_ key: String, _ control: [T], _ candidate: [T],
                                            tree: (T) -> JSONValue,
                                            walk: (inout DiffBuilder, T, T) -> Void) {
        guard control != candidate else { return }
        path.append(.key(key))
        defer { path.removeLast() }
        guard !isIgnored else { return }
        if comparator.rules.unordered.contains(where: { $0.covers(path) }) {
            trees(.array(control.map(tree)), .array(candidate.map(tree)))
            return
        }
        for index in 0..<max(control.count, candidate.count) {
            let left = index < control.count ? control[index] : nil
            let right = index < candidate.count ? candidate[index] : nil
            guard left != right else { continue }
            path.append(.index(index))
            if let left, let right {
                if !isIgnored { walk(&self, left, right) }
            } else {
                leaf(left.map(tree), right.map(tree))
            }
            path.removeLast()
        }
    }

    /// Whether an ignore rule covers the current path (and so everything under it).
    @inlinable var isIgnored: Bool { comparator.rules.ignored.contains { $0.covers(path) } }

    @usableFromInline mutating func leaf(_ control: JSONValue?, _ candidate: JSONValue?) {
        guard !isIgnored else { return }
        comparator.compareLeaf(control, candidate, path, &entries, &tolerated)
    }
}
