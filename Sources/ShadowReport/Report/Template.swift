import Foundation

/// A page template: text with `{{name}}` (the value, HTML-escaped) and `{{{name}}}` (the value as it is:
/// markup the renderer built, escaped piece by piece) placeholders, as in Mustache. A placeholder alone on its
/// line takes the line's newline with it, so a section that ends its own lines leaves no blank line.
/// No sections, loops or partials: the report's structure is decided in Swift, the page around it here.
struct Template: Sendable {
    enum Piece: Sendable, Equatable {
        case text(String)
        case value(String, escaped: Bool)
    }

    let pieces: [Piece]

    init(_ text: String) {
        var pieces: [Piece] = []
        var rest = Substring(text)
        var atLineStart = true
        while let open = rest.range(of: "{{") {
            let raw = rest[open.upperBound...].hasPrefix("{")
            let nameStart = raw ? rest.index(after: open.upperBound) : open.upperBound
            guard let end = rest[nameStart...].range(of: raw ? "}}}" : "}}") else { break }
            let before = rest[..<open.lowerBound]
            if !before.isEmpty { pieces.append(.text(String(before))) }
            pieces.append(.value(rest[nameStart..<end.lowerBound].trimmingCharacters(in: .whitespaces), escaped: !raw))
            let standalone = (before.isEmpty ? atLineStart : before.hasSuffix("\n")) && rest[end.upperBound...].hasPrefix("\n")
            rest = standalone ? rest[end.upperBound...].dropFirst() : rest[end.upperBound...]
            atLineStart = standalone
        }
        if !rest.isEmpty { pieces.append(.text(String(rest))) }
        self.pieces = pieces
    }

    /// The names the template uses, for checking a render passes each.
    var names: Set<String> {
        Set(pieces.compactMap { if case .value(let name, _) = $0 { name } else { nil } })
    }

    /// The text with each placeholder replaced; a name with no value is a programming error.
    func render(_ values: [String: String]) -> String {
        var out = ""
        for piece in pieces {
            switch piece {
            case .text(let text): out += text
            case let .value(name, escaped):
                guard let value = values[name] else { preconditionFailure("template value \"\(name)\" not given") }
                out += escaped ? ReportText.html(value) : value
            }
        }
        return out
    }

    /// A template among this target's resources (`Templates/`).
    static func resource(_ name: String) -> Template { Template(text(ofResource: name)) }

    /// A resource file's text.
    static func text(ofResource name: String) -> String {
        let file = (name as NSString).deletingPathExtension
        let ext = (name as NSString).pathExtension
        guard let url = Bundle.module.url(forResource: file, withExtension: ext, subdirectory: "Templates"),
              let text = try? String(contentsOf: url, encoding: .utf8) else {
            preconditionFailure("ShadowReport resource Templates/\(name) is missing from \(Bundle.module.bundlePath)")
        }
        return text
    }
}
