import Foundation

/// Encodes an `Encodable` value straight into a ``JSONValue`` tree, without JSON text in between.
///
/// The tree has the shape `JSONEncoder`'s text read back by ``JSONValue/parse(_:)`` has, so that a type's
/// fields are written once, in its `Codable` conformance, for trees, storage and diffs alike: property names
/// (coding keys) as keys, `nil` optionals left out (`encodeIfPresent`), enums by raw value, `URL` as its
/// absolute string, `Data` as Base64, and numbers as ``number(_:)`` says. Two differences, both kept so that
/// trees stay what the hand-built ones were: a whole double from 10^15 up stays a double (`JSONEncoder` writes
/// it without exponent up to 2^53), and non-finite doubles are kept as `.double` (``JSONValue/jsonText``
/// writes them as `null`) where `JSONEncoder` throws.
///
/// Divergences build trees of both outcomes, so this is written for speed: one object per nested value,
/// primitives stored without a detour through a container.
public enum JSONValueEncoder {
    /// The tree of `value`. Throws only what the value's own `encode(to:)` throws.
    public static func tree<T: Encodable>(of value: T) throws -> JSONValue {
        try TreeEncoder.encode(value, parent: nil, key: nil, selection: nil)
    }

    /// The parts of `value`'s tree that `selection` names (``TreeSelection``): the values a reader of a few
    /// paths needs, without encoding the rest.
    public static func tree<T: Encodable>(of value: T, selecting selection: TreeSelection) throws -> JSONValue {
        try TreeEncoder.encode(value, parent: nil, key: nil, selection: TreeEncoder.narrowing(selection))
    }

    /// A `Double` as JSON text read back gives it: a whole number below 10^15 in magnitude is an integer
    /// (`80.0` is written `80`), anything else a double.
    @inlinable
    public static func number(_ value: Double) -> JSONValue {
        value == value.rounded() && abs(value) < 1e15 ? .int(Int(value)) : .double(value)
    }

    fileprivate static func number(_ value: Float) -> JSONValue { number(Double(value.description) ?? Double(value)) }

    static func integer<T: BinaryInteger>(_ value: T) -> JSONValue {
        if let exact = Int(exactly: value) { return .int(exact) }
        return .double(Double(value))
    }
}

/// One value being encoded: a keyed container fills `fields`, an unkeyed one `items`, a single value `single`.
private final class TreeEncoder: Encoder {
    enum Shape { case none, object, array, single }

    let parent: TreeEncoder?
    let key: (any CodingKey)?
    /// The parts to build; `nil` builds everything.
    let selection: TreeSelection?
    var shape = Shape.none
    var fields: [String: JSONValue] = [:]
    var items: [JSONValue] = []
    var single = JSONValue.null
    /// Nested containers and super-encoders, filled in by `finish()`; rare (synthesized code never uses them).
    var nested: [(key: String?, index: Int, encoder: TreeEncoder)] = []

    init(parent: TreeEncoder?, key: (any CodingKey)?, selection: TreeSelection?) {
        self.parent = parent
        self.key = key
        self.selection = selection
    }

    /// `selection` as an encoder keeps it: `nil` when it keeps everything.
    static func narrowing(_ selection: TreeSelection?) -> TreeSelection? {
        selection?.whole == true ? nil : selection
    }

    var codingPath: [any CodingKey] {
        var path: [any CodingKey] = []
        var node: TreeEncoder? = self
        while let current = node, let key = current.key {
            path.append(key)
            node = current.parent
        }
        return path.reversed()
    }

    var userInfo: [CodingUserInfoKey: Any] { [:] }

    static func encode<T: Encodable>(_ value: T, parent: TreeEncoder?, key: (any CodingKey)?,
                                     selection: TreeSelection?) throws -> JSONValue {
        if T.self == URL.self, let url = value as? URL { return .string(url.absoluteString) }
        if T.self == Data.self, let data = value as? Data { return .string(data.base64EncodedString()) }
        let encoder = TreeEncoder(parent: parent, key: key, selection: selection)
        try value.encode(to: encoder)
        return encoder.finish()
    }

    func finish() -> JSONValue {
        for entry in nested {
            let value = entry.encoder.finish()
            if let key = entry.key { fields[key] = value } else { items[entry.index] = value }
        }
        switch shape {
        case .none, .object: return .object(fields)
        case .array: return .array(items)
        case .single: return single
        }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        // Room for a typical struct's fields at once: growing one by one rehashes several times.
        if shape != .object { fields.reserveCapacity(8) }
        shape = .object
        return KeyedEncodingContainer(KeyedTreeContainer<Key>(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        shape = .array
        return UnkeyedTreeContainer(encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        shape = .single
        return SingleTreeContainer(encoder: self)
    }

    func nestedEncoder(key: (any CodingKey)?, name: String?) -> TreeEncoder {
        // The caller writes into what it gets, so a part the selection leaves out is built whole here (rare:
        // synthesized code never asks for nested containers).
        let part = selection.flatMap { name.map($0.child(key:)) ?? $0.child(index: items.count) }
        let child = TreeEncoder(parent: self, key: key, selection: Self.narrowing(part))
        if name == nil { items.append(.null) }
        nested.append((name, items.count - 1, child))
        return child
    }
}

private struct IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

private struct KeyedTreeContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: TreeEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    func set(_ value: JSONValue, _ key: Key) { encoder.fields[key.stringValue] = value }

    mutating func encodeNil(forKey key: Key) { set(.null, key) }
    mutating func encode(_ value: Bool, forKey key: Key) { set(.bool(value), key) }
    mutating func encode(_ value: String, forKey key: Key) { set(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) { set(JSONValueEncoder.number(value), key) }
    mutating func encode(_ value: Float, forKey key: Key) { set(JSONValueEncoder.number(value), key) }
    mutating func encode(_ value: Int, forKey key: Key) { set(.int(value), key) }
    mutating func encode(_ value: Int8, forKey key: Key) { set(.int(Int(value)), key) }
    mutating func encode(_ value: Int16, forKey key: Key) { set(.int(Int(value)), key) }
    mutating func encode(_ value: Int32, forKey key: Key) { set(.int(Int(value)), key) }
    mutating func encode(_ value: Int64, forKey key: Key) { set(JSONValueEncoder.integer(value), key) }
    mutating func encode(_ value: UInt, forKey key: Key) { set(JSONValueEncoder.integer(value), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) { set(.int(Int(value)), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) { set(.int(Int(value)), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) { set(.int(Int(value)), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) { set(JSONValueEncoder.integer(value), key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        guard let selection = encoder.selection else {
            return set(try TreeEncoder.encode(value, parent: encoder, key: key, selection: nil), key)
        }
        guard let part = selection.child(key: key.stringValue) else { return }
        set(try TreeEncoder.encode(value, parent: encoder, key: key, selection: TreeEncoder.narrowing(part)), key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type,
                                                        forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        encoder.nestedEncoder(key: key, name: key.stringValue).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        encoder.nestedEncoder(key: key, name: key.stringValue).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { encoder.nestedEncoder(key: nil, name: "super") }
    mutating func superEncoder(forKey key: Key) -> any Encoder {
        encoder.nestedEncoder(key: key, name: key.stringValue)
    }
}

private struct UnkeyedTreeContainer: UnkeyedEncodingContainer {
    let encoder: TreeEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }
    var count: Int { encoder.items.count }

    func append(_ value: JSONValue) { encoder.items.append(value) }

    mutating func encodeNil() { append(.null) }
    mutating func encode(_ value: Bool) { append(.bool(value)) }
    mutating func encode(_ value: String) { append(.string(value)) }
    mutating func encode(_ value: Double) { append(JSONValueEncoder.number(value)) }
    mutating func encode(_ value: Float) { append(JSONValueEncoder.number(value)) }
    mutating func encode(_ value: Int) { append(.int(value)) }
    mutating func encode(_ value: Int8) { append(.int(Int(value))) }
    mutating func encode(_ value: Int16) { append(.int(Int(value))) }
    mutating func encode(_ value: Int32) { append(.int(Int(value))) }
    mutating func encode(_ value: Int64) { append(JSONValueEncoder.integer(value)) }
    mutating func encode(_ value: UInt) { append(JSONValueEncoder.integer(value)) }
    mutating func encode(_ value: UInt8) { append(.int(Int(value))) }
    mutating func encode(_ value: UInt16) { append(.int(Int(value))) }
    mutating func encode(_ value: UInt32) { append(.int(Int(value))) }
    mutating func encode(_ value: UInt64) { append(JSONValueEncoder.integer(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        let key = IndexKey(encoder.items.count)
        guard let selection = encoder.selection else {
            return append(try TreeEncoder.encode(value, parent: encoder, key: key, selection: nil))
        }
        // An element nobody descends into stays as `null`, so that indices hold.
        guard let part = selection.child(index: key.intValue ?? 0) else { return append(.null) }
        append(try TreeEncoder.encode(value, parent: encoder, key: key, selection: TreeEncoder.narrowing(part)))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey> {
        encoder.nestedEncoder(key: IndexKey(count), name: nil).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        encoder.nestedEncoder(key: IndexKey(count), name: nil).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { encoder.nestedEncoder(key: IndexKey(count), name: nil) }
}

private struct SingleTreeContainer: SingleValueEncodingContainer {
    let encoder: TreeEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    func set(_ value: JSONValue) { encoder.single = value }

    mutating func encodeNil() { set(.null) }
    mutating func encode(_ value: Bool) { set(.bool(value)) }
    mutating func encode(_ value: String) { set(.string(value)) }
    mutating func encode(_ value: Double) { set(JSONValueEncoder.number(value)) }
    mutating func encode(_ value: Float) { set(JSONValueEncoder.number(value)) }
    mutating func encode(_ value: Int) { set(.int(value)) }
    mutating func encode(_ value: Int8) { set(.int(Int(value))) }
    mutating func encode(_ value: Int16) { set(.int(Int(value))) }
    mutating func encode(_ value: Int32) { set(.int(Int(value))) }
    mutating func encode(_ value: Int64) { set(JSONValueEncoder.integer(value)) }
    mutating func encode(_ value: UInt) { set(JSONValueEncoder.integer(value)) }
    mutating func encode(_ value: UInt8) { set(.int(Int(value))) }
    mutating func encode(_ value: UInt16) { set(.int(Int(value))) }
    mutating func encode(_ value: UInt32) { set(.int(Int(value))) }
    mutating func encode(_ value: UInt64) { set(JSONValueEncoder.integer(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        set(try TreeEncoder.encode(value, parent: encoder.parent, key: encoder.key, selection: encoder.selection))
    }
}
