import Foundation
@testable import ShadowKit
import Testing

/// `JSONValueEncoder` gives the tree that `JSONEncoder`'s text read back gives (`JSONValue.of`), without the text.
@Suite struct JSONValueEncoderTests {
    enum Kind: String, Codable { case first, second }

    struct Inner: Codable, Equatable {
        var name: String
        var score: Double?
        var flags: [Bool]
    }

    struct Sample: Codable {
        var kind: Kind
        var count: Int
        var big: UInt64
        var small: Int8
        var ratio: Double
        var optional: String?
        var missing: Int?
        var inner: Inner?
        var list: [Inner]
        var matrix: [[Int]]
        var map: [String: Int]
        var url: URL
        var data: Data
    }

    static let samples: [Sample] = [
        Sample(kind: .first, count: 0, big: 0, small: -1, ratio: 0, optional: nil, missing: nil, inner: nil, list: [],
               matrix: [], map: [:], url: URL(string: "https://example.com/a?b=1")!, data: Data()),
        Sample(kind: .second, count: -42, big: UInt64.max, small: 127, ratio: 54.375, optional: "a \"quoted\"\n",
               missing: nil, inner: Inner(name: "x", score: 80, flags: [true, false]),
               list: [Inner(name: "", score: nil, flags: []), Inner(name: "é", score: -0.0, flags: [true])],
               matrix: [[1, 2], [], [3]], map: ["b": 2, "a": 1], url: URL(string: "file:///tmp/x")!,
               data: Data([0, 1, 2, 250])),
        Sample(kind: .first, count: Int.max, big: 7, small: 0, ratio: 1e16, optional: "", missing: 3,
               inner: Inner(name: "y", score: 123_456_789_012_345, flags: []), list: [], matrix: [[0]], map: ["k": -1],
               url: URL(string: "https://example.com")!, data: Data("hi".utf8)),
        Sample(kind: .second, count: 1, big: 1, small: 1, ratio: 999_999_999_999_999, optional: nil, missing: nil,
               inner: Inner(name: "z", score: 0.1, flags: [false]), list: [], matrix: [], map: [:],
               url: URL(string: "https://example.com")!, data: Data()),
    ]

    @Test(arguments: samples.indices)
    func treeIsWhatJSONEncoderTextGives(_ index: Int) throws {
        let sample = Self.samples[index]
        let tree = try JSONValueEncoder.tree(of: sample)
        #expect(tree == JSONValue.of(sample))
        #expect(tree.jsonText == JSONValue.of(sample).jsonText)
    }

    @Test func nilIsLeftOutAndNumbersFollowTheirText() throws {
        let tree = try JSONValueEncoder.tree(of: Inner(name: "n", score: 80, flags: []))
        #expect(tree == .object(["name": .string("n"), "score": .int(80), "flags": .array([])]))
        #expect(JSONValueEncoder.number(80) == .int(80))
        #expect(JSONValueEncoder.number(-0.0) == .int(0))
        #expect(JSONValueEncoder.number(54.375) == .double(54.375))
        // JSONEncoder writes whole numbers up to 2^53 without an exponent; the trees have always kept 10^15 and
        // above as doubles (stored outcomes stay byte-identical).
        #expect(JSONValueEncoder.number(1e15) == .double(1e15))
        #expect(JSONValueEncoder.number(999_999_999_999_999) == .int(999_999_999_999_999))
        #expect(try JSONValueEncoder.tree(of: [Kind.first, .second]) == .array([.string("first"), .string("second")]))
        #expect(try JSONValueEncoder.tree(of: Optional<Int>.none) == .null)
    }

    /// Hand-written conformances may use nested containers and super-encoders; they land where `JSONEncoder` puts them.
    struct Nested: Encodable {
        enum Keys: String, CodingKey { case outer, list, inner, `super` }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(1, forKey: .outer)
            var list = container.nestedUnkeyedContainer(forKey: .list)
            try list.encode("a")
            var inList = list.nestedContainer(keyedBy: Keys.self)
            try inList.encode(true, forKey: .inner)
            try list.encode(2.5)
            var inner = container.nestedContainer(keyedBy: Keys.self, forKey: .inner)
            try inner.encode([1, 2], forKey: .list)
            try Inner(name: "s", score: nil, flags: []).encode(to: container.superEncoder())
        }
    }

    @Test func nestedContainersAndSuperEncoders() throws {
        let tree = try JSONValueEncoder.tree(of: Nested())
        #expect(tree == JSONValue.of(Nested()))
        #expect(tree["list"] == .array([.string("a"), .object(["inner": .bool(true)]), .double(2.5)]))
    }

    /// A selected tree answers every selected path as the whole tree does, and leaves out what no path reaches.
    @Test(arguments: samples.indices)
    func selectedTreeAnswersItsPathsAsTheWholeTree(_ index: Int) throws {
        let sample = Self.samples[index]
        let whole = try JSONValueEncoder.tree(of: sample)
        let paths = ["$.inner.score", "$.list[*].flags", "$.list[1].name", "$.matrix[*][0]", "$.map.*", "$.count",
                     "$.missing", "$.inner.flags[0]", "$.nothing.here"]
        let patterns = paths.compactMap(PathPattern.init)
        #expect(patterns.count == paths.count)
        let selected = try JSONValueEncoder.tree(of: sample, selecting: TreeSelection(patterns))
        for pattern in patterns {
            #expect(pattern.values(in: selected, bindings: []) == pattern.values(in: whole, bindings: []), "\(pattern)")
        }
        // Nested values no path leads to are not built (plain fields may stay: they cost nothing to keep);
        // list elements keep their places.
        #expect(selected["url"] == nil && selected["data"] == nil && selected["kind"] == nil)
        if case .array(let list)? = selected["list"] { #expect(list.count == sample.list.count) } else { Issue.record("no list") }
        // An index names one element: the others stay in place as null.
        let second = try JSONValueEncoder.tree(of: sample.list, selecting: TreeSelection([PathPattern("$[1].name")!]))
        if case .array(let items) = second, items.count == 2 {
            #expect(items[0] == .null && items[1]["name"] == .string(sample.list[1].name))
        } else {
            #expect(sample.list.count != 2)
        }
        #expect(try JSONValueEncoder.tree(of: sample, selecting: .everything) == whole)
        #expect(try JSONValueEncoder.tree(of: sample, selecting: TreeSelection([PathPattern("$")!])) == whole)
    }

    struct PathProbe: Encodable {
        struct Leaf: Encodable {
            func encode(to encoder: any Encoder) throws {
                var container = encoder.singleValueContainer()
                try container.encode(encoder.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
                    .joined(separator: "/"))
            }
        }
        var items = [Leaf(), Leaf()]
        var one = Leaf()
    }

    @Test func codingPathNamesKeysAndIndices() throws {
        let tree = try JSONValueEncoder.tree(of: PathProbe())
        #expect(tree == .object(["items": .array([.string("items/0"), .string("items/1")]), "one": .string("one")]))
    }
}
