import Foundation

extension JSONValue {
    /// The value at `path`, or `nil` when the path does not exist.
    package func value(at path: ArraySlice<PathStep>) -> JSONValue? {
        guard let step = path.first else { return self }
        switch (self, step) {
        case (.object(let object), .key(let key)):
            return object[key]?.value(at: path.dropFirst())
        case (.array(let array), .index(let index)):
            return array.indices.contains(index) ? array[index].value(at: path.dropFirst()) : nil
        default:
            return nil
        }
    }

    /// This tree with the value at `path` replaced, or removed when `replacement` is `nil`.
    /// `nil` when the path does not exist.
    package func replacing(at path: ArraySlice<PathStep>, with replacement: JSONValue?) -> JSONValue? {
        guard let step = path.first else { return replacement }
        switch (self, step) {
        case (.object(var object), .key(let key)):
            guard let child = object[key] else { return nil }
            if path.count == 1 {
                object[key] = replacement
            } else {
                guard let edited = child.replacing(at: path.dropFirst(), with: replacement) else { return nil }
                object[key] = edited
            }
            return .object(object)
        case (.array(var array), .index(let index)):
            guard array.indices.contains(index) else { return nil }
            if path.count == 1 {
                if let replacement { array[index] = replacement } else { array.remove(at: index) }
            } else {
                guard let edited = array[index].replacing(at: path.dropFirst(), with: replacement) else { return nil }
                array[index] = edited
            }
            return .array(array)
        default:
            return nil
        }
    }

    /// Every leaf (number, string, boolean, null) with its path, objects in sorted key order: a stable walk.
    package func leaves(prefix: [PathStep] = []) -> [(path: [PathStep], value: JSONValue)] {
        switch self {
        case .object(let object):
            return object.keys.sorted().flatMap { key in
                object[key].map { $0.leaves(prefix: prefix + [.key(key)]) } ?? []
            }
        case .array(let array):
            return array.enumerated().flatMap { $0.element.leaves(prefix: prefix + [.index($0.offset)]) }
        default:
            return [(prefix, self)]
        }
    }
}

extension Array where Element == PathStep {
    /// The nearest object key on the path: the field name a leaf belongs to (`weights` for `weights[2]`).
    package var fieldName: String? {
        for step in reversed() {
            if case .key(let key) = step { return key }
        }
        return nil
    }
}
