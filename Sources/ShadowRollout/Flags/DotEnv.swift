import Foundation
import ShadowKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Errors

/// Something wrong with a `.env` file: its syntax, its encoding, a key we were asked to write, or the
/// file system underneath it. The description is what a user should read: `FILE:LINE: what is wrong`.
public enum DotEnvError: InputError, Equatable {
    /// The file does not parse the way phpdotenv would parse it.
    case syntax(file: String, line: Int, message: String)
    /// The file is not valid UTF-8 (phpdotenv reads UTF-8).
    case invalidEncoding(file: String)
    /// A key given to ``DotEnvFile/setting(_:)`` that phpdotenv would reject.
    case invalidKey(key: String)
    /// Reading the file failed; `reason` is the `errno` text.
    case readFailed(path: String, operation: String, reason: String)
    /// Writing failed (the `.env`, its backup, a temporary file, the pending journal); `reason` is the `errno` text.
    case io(path: String, operation: String, reason: String)
    /// Another process changed the file between reading it and writing the edit; nothing was written.
    case changedConcurrently(path: String)
    /// The edited text did not read back as the value we meant to write. This is a bug in the editor;
    /// the edit is refused rather than written.
    case editVerificationFailed(file: String, key: String, expected: String, found: String?)

    /// A failure to write (exit 73 in the CLI), as opposed to input that cannot be read (66) or used (65).
    public var isWriteFailure: Bool {
        switch self {
        case .io, .changedConcurrently: true
        case .syntax, .invalidEncoding, .invalidKey, .readFailed, .editVerificationFailed: false
        }
    }

    public var inputFile: String {
        switch self {
        case .syntax(let file, _, _), .invalidEncoding(let file), .editVerificationFailed(let file, _, _, _): file
        case .readFailed(let path, _, _), .io(let path, _, _), .changedConcurrently(let path): path
        case .invalidKey: ""
        }
    }

    public var inputLine: Int? {
        if case .syntax(_, let line, _) = self { return line }
        return nil
    }

    public var isUnreadable: Bool {
        if case .readFailed = self { return true }
        return false
    }

    public var problem: String {
        switch self {
        case let .syntax(_, _, message):
            return message
        case .invalidEncoding:
            return "not valid UTF-8 (phpdotenv reads .env files as UTF-8)"
        case let .invalidKey(key):
            return "invalid .env key \(String(reflecting: key)): use only letters, digits, '_' and '.'"
        case let .readFailed(_, operation, reason), let .io(_, operation, reason):
            return "cannot \(operation): \(reason)"
        case .changedConcurrently:
            return "cannot replace: the file changed while the edit was being prepared; nothing was written, run the command again"
        case let .editVerificationFailed(_, key, expected, found):
            let foundText = found.map { String(reflecting: $0) } ?? "nothing"
            return "internal error: after editing, \(key) reads back as \(foundText) instead of "
                + "\(String(reflecting: expected)); the file was not changed"
        }
    }
}

// MARK: - Model

/// One physical line of a `.env` file, exactly as it was: its content and its own line ending
/// (`"\n"`, `"\r\n"`, `"\r"`, or `""` for a last line without one).
public struct DotEnvLine: Sendable, Equatable {
    public var content: String
    public var terminator: String

    init(content: String, terminator: String) {
        self.content = content
        self.terminator = terminator
    }
}

/// One variable assignment found in a `.env` file.
public struct DotEnvEntry: Sendable, Equatable {
    /// The variable name, without `export` and without quotes around it.
    public let key: String
    /// The value as phpdotenv yields it (quotes removed, escapes applied, `${VAR}` resolved against
    /// earlier lines of the same file). `nil` for a bare `KEY` line, which makes phpdotenv unset it.
    public let value: String?
    /// 1-based number of the first physical line of the entry.
    public let line: Int
    /// Physical lines the entry spans (more than one only for a multi-line double-quoted value).
    let lineCount: Int
    /// Whether the line started with `export `.
    let isExported: Bool
    /// Where the value text sits in the (single) physical line, for in-place replacement.
    let valueSpan: ValueSpan?
    /// Whether `${VAR}` references were resolved into ``value``: such a line is rewritten even when
    /// its value already matches, since it would follow the variable, not keep the value.
    var isInterpolated = false

    struct ValueSpan: Sendable, Equatable {
        /// Unicode-scalar offsets into the line content: `start..<end` is the value as written
        /// (quotes included), anything after `end` is whitespace and/or a `# comment`.
        var start: Int
        var end: Int
    }
}

/// A key whose value ``DotEnvFile/setting(_:)`` changed.
public struct DotEnvChange: Sendable, Equatable, Codable {
    public let key: String
    /// The value before the edit (`nil` if the key was absent or unset).
    let oldValue: String?
    public let newValue: String
    /// 1-based line of the key in the edited file.
    public let line: Int
    /// 1-based lines (in the original file) of earlier duplicates of the key that were removed.
    let removedDuplicateLines: [Int]
}

/// A parsed Laravel `.env` file that remembers its exact original text, so that editing a few keys
/// leaves every other byte (comments, blank lines, odd spacing, line endings) untouched.
///
/// Parsing follows vlucas/phpdotenv 5 (Laravel's loader) as loaded through an array-backed
/// repository: comments and blank lines are skipped, `export ` is accepted, unquoted values end at
/// whitespace or `#`, single quotes are literal, double quotes know `\" \\ \$ \n \r \t \f \v`
/// and may span lines, `${VAR}` refers to earlier lines of the same file, and when a key appears
/// twice the last one wins. phpdotenv's errors are errors here too (e.g. an unquoted value with a
/// space in it). Unlike phpdotenv, a double-quoted value that is never closed is an error instead of
/// being silently dropped.
public struct DotEnvFile: Sendable, Equatable {
    /// Name used in error messages (usually the path).
    public let file: String
    /// The physical lines, byte for byte.
    public let lines: [DotEnvLine]
    /// Assignments in file order, duplicates included.
    public let entries: [DotEnvEntry]
    /// What the file defines after loading: last assignment wins, bare `KEY` lines unset.
    public let values: [String: String]
    /// What a lenient parse (``load(contentsOf:lenient:)``) skipped: records phpdotenv would refuse or drop.
    public internal(set) var problems: [DotEnvError] = []
    /// The file was not valid UTF-8: each invalid byte is held in ``lines`` as the scalar
    /// `U+10FF00 + byte` and written back as that byte, so every byte survives an edit (phpdotenv reads such
    /// a byte as `?`, and so do ``values``).
    var byteMapped = false

    static let byteScalarBase: UInt32 = 0x10FF00

    /// The file's bytes, identical to what was read (or to the edited result).
    public var bytes: [UInt8] {
        guard byteMapped else { return Array(text.utf8) }
        var out: [UInt8] = []
        for scalar in text.unicodeScalars {
            if scalar.value >= Self.byteScalarBase {
                out.append(UInt8(scalar.value - Self.byteScalarBase))
            } else {
                out += Array(String(scalar).utf8)
            }
        }
        return out
    }

    /// The file's text, identical to what was parsed (or to the edited result).
    public var text: String {
        var result = ""
        for line in lines {
            result += line.content
            result += line.terminator
        }
        return result
    }

    /// The value of `key` after loading the whole file (last assignment wins).
    public subscript(key: String) -> String? { values[key] }

    /// The entry that decides `key`'s value: its last assignment in the file.
    func lastEntry(for key: String) -> DotEnvEntry? {
        entries.last { $0.key == key }
    }

    /// Parses `.env` text. `file` names the source in error messages.
    public static func parse(_ text: String, file: String) throws(DotEnvError) -> DotEnvFile {
        try parse(text, file: file, lenient: false, byteMapped: false)
    }

    /// Parses; `lenient` skips (and lists in ``problems``) what does not parse instead of failing, the way a
    /// rollback must read any file; `byteMapped` text holds invalid bytes as scalars (see ``byteMapped``).
    static func parse(_ text: String, file: String, lenient: Bool, byteMapped: Bool) throws(DotEnvError) -> DotEnvFile {
        let lines = splitLines(text)
        var entries: [DotEnvEntry] = []
        var values: [String: String] = [:]
        var collected: [DotEnvError]? = lenient ? [] : nil
        let records = try logicalRecords(lines, file: file, problems: &collected)
        var problems = collected ?? []
        for record in records {
            var entry: DotEnvEntry
            do {
                entry = try parseEntry(record, values: values, file: file)
            } catch {
                guard lenient else { throw error }
                problems.append(error)
                continue
            }
            if byteMapped, let value = entry.value, value.unicodeScalars.contains(where: { $0.value >= byteScalarBase }) {
                var substituted = String.UnicodeScalarView()
                for scalar in value.unicodeScalars { substituted.append(scalar.value >= byteScalarBase ? "?" : scalar) }
                entry = DotEnvEntry(key: entry.key, value: String(substituted), line: entry.line, lineCount: entry.lineCount,
                                    isExported: entry.isExported, valueSpan: entry.valueSpan,
                                    isInterpolated: entry.isInterpolated)
            }
            entries.append(entry)
            if let value = entry.value {
                values[entry.key] = value
            } else {
                values[entry.key] = nil
            }
        }
        var parsed = DotEnvFile(file: file, lines: lines, entries: entries, values: values)
        parsed.problems = problems
        parsed.byteMapped = byteMapped
        return parsed
    }

    /// Reads and parses the `.env` file at `path`. Bytes that are not UTF-8 (a Latin-1 `é`) are read as
    /// phpdotenv reads them (`?`) and kept as they are on edit. `lenient` (for `rollback`, which must always
    /// work) skips what does not parse, listing it in ``problems``.
    public static func load(contentsOf path: String, lenient: Bool = false) throws(DotEnvError) -> DotEnvFile {
        let bytes = try DotEnvFileIO.readAll(path)
        if let text = String(validating: bytes, as: UTF8.self) {
            return try parse(text, file: path, lenient: lenient, byteMapped: false)
        }
        return try parse(try byteMappedText(bytes, file: path), file: path, lenient: lenient, byteMapped: true)
    }

    /// `bytes` decoded as UTF-8 where valid, each other byte as the scalar `U+10FF00 + byte`.
    static func byteMappedText(_ bytes: [UInt8], file: String) throws(DotEnvError) -> String {
        var scalars = String.UnicodeScalarView()
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            let length = lead < 0x80 ? 1 : lead >= 0xC2 && lead < 0xE0 ? 2 : lead >= 0xE0 && lead < 0xF0 ? 3
                : lead >= 0xF0 && lead < 0xF5 ? 4 : 0
            if length > 0, index + length <= bytes.count,
               let decoded = String(validating: bytes[index..<(index + length)], as: UTF8.self),
               let scalar = decoded.unicodeScalars.first, decoded.unicodeScalars.count == 1 {
                // A real character in the range the mapping uses would come back as a byte: refuse that file.
                guard scalar.value < byteScalarBase else { throw .invalidEncoding(file: file) }
                scalars.append(scalar)
                index += length
            } else {
                scalars.append(Unicode.Scalar(byteScalarBase + UInt32(lead))!)
                index += 1
            }
        }
        return String(scalars)
    }

    // MARK: Editing

    /// Returns the file with each key set to its value, and the list of keys whose value changed.
    ///
    /// An existing key is replaced in place on its last occurrence (keeping `export `, the spacing
    /// around `=` and a trailing `# comment`); earlier duplicates of it are removed; absent keys are
    /// appended at the end. Every other line is kept byte for byte. A key that already has the
    /// value and no duplicates is left untouched, so setting the same values twice changes nothing.
    /// Values are quoted only when they need it. If the same key is given twice, the last value wins.
    ///
    /// The result is parsed again and every assigned key is checked to read back as the value
    /// asked for, so an edit can never write something phpdotenv would read differently. Other
    /// keys whose values interpolate `${KEY}` follow the new value, as phpdotenv resolves them.
    func setting(
        _ assignments: [(key: String, value: String)]
    ) throws(DotEnvError) -> (DotEnvFile, changes: [DotEnvChange]) {
        var orderedKeys: [String] = []
        var wanted: [String: String] = [:]
        for assignment in assignments {
            guard DotEnvFile.isValidKey(assignment.key) else { throw .invalidKey(key: assignment.key) }
            if wanted[assignment.key] == nil { orderedKeys.append(assignment.key) }
            wanted[assignment.key] = assignment.value
        }

        // nil = delete the line; a value = replace the line (possibly several, for multi-line entries).
        var replacements: [Int: DotEnvLine?] = [:]
        var appended: [String] = []
        var pending: [(key: String, old: String?, new: String, removed: [Int])] = []

        for key in orderedKeys {
            guard let newValue = wanted[key] else { continue }
            let occurrences = entries.filter { $0.key == key }
            guard let last = occurrences.last else {
                appended.append("\(key)=\(DotEnvFile.encode(newValue))")
                pending.append((key, nil, newValue, []))
                continue
            }
            let duplicates = occurrences.dropLast()
            for duplicate in duplicates {
                for index in (duplicate.line - 1)..<(duplicate.line - 1 + duplicate.lineCount) {
                    replacements[index] = .some(nil)
                }
            }
            let alreadySet = last.value == newValue && !last.isInterpolated
            if alreadySet && duplicates.isEmpty { continue }
            if !alreadySet {
                let firstIndex = last.line - 1
                let lastIndex = firstIndex + last.lineCount - 1
                let replaced = DotEnvFile.replacementLine(
                    for: last, in: lines[firstIndex], newValue: newValue, terminator: lines[lastIndex].terminator)
                replacements[firstIndex] = .some(replaced)
                if lastIndex > firstIndex {
                    for index in (firstIndex + 1)...lastIndex { replacements[index] = .some(nil) }
                }
            }
            pending.append((key, last.value, newValue, duplicates.map(\.line)))
        }

        var newLines: [DotEnvLine] = []
        for (index, line) in lines.enumerated() {
            if let replacement = replacements[index] {
                if let replacement { newLines.append(replacement) }
            } else {
                newLines.append(line)
            }
        }
        if !appended.isEmpty {
            let terminator = lines.first { !$0.terminator.isEmpty }?.terminator ?? "\n"
            if let lastIndex = newLines.indices.last, newLines[lastIndex].terminator.isEmpty {
                newLines[lastIndex].terminator = terminator
            }
            for text in appended {
                newLines.append(DotEnvLine(content: text, terminator: terminator))
            }
        }

        var newText = ""
        for line in newLines { newText += line.content + line.terminator }
        let edited = try DotEnvFile.parse(newText, file: file, lenient: !problems.isEmpty, byteMapped: byteMapped)
        for key in orderedKeys {
            guard let expected = wanted[key] else { continue }
            if edited[key] != expected {
                throw .editVerificationFailed(file: file, key: key, expected: expected, found: edited[key])
            }
        }
        let changes = pending.map { item in
            DotEnvChange(
                key: item.key, oldValue: item.old, newValue: item.new,
                line: edited.lastEntry(for: item.key)?.line ?? 0,
                removedDuplicateLines: item.removed)
        }
        return (edited, changes)
    }

    /// Whether phpdotenv accepts `key` as a variable name.
    static func isValidKey(_ key: String) -> Bool {
        !key.isEmpty && key.unicodeScalars.allSatisfy(isNameScalar)
    }

    /// `value` written the way ``setting(_:)`` writes it: bare when phpdotenv reads it back
    /// unchanged, otherwise double-quoted with `\"`, `\\`, `\$` and control-character escapes.
    public static func encode(_ value: String) -> String {
        let needsQuotes = value.unicodeScalars.contains { scalar in
            isSpace(scalar) || scalar == "#" || scalar == "\"" || scalar == "'" || scalar == "\\"
                || scalar == "$" || scalar == "\0"
        }
        guard needsQuotes else { return value }
        var result = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "$": result += "\\$"  // keeps phpdotenv from treating ${...} as a variable
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{0B}": result += "\\v"
            case "\u{0C}": result += "\\f"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    private static func replacementLine(
        for entry: DotEnvEntry, in line: DotEnvLine, newValue: String, terminator: String
    ) -> DotEnvLine {
        let encoded = encode(newValue)
        guard entry.lineCount == 1 else {
            // A multi-line value has no single span to swap; write the assignment afresh.
            let prefix = entry.isExported ? "export " : ""
            return DotEnvLine(content: "\(prefix)\(entry.key)=\(encoded)", terminator: terminator)
        }
        let scalars = Array(line.content.unicodeScalars)
        guard let span = entry.valueSpan else {
            // Bare `KEY` (no `=`): keep what was written and give it a value.
            var content = line.content
            while let last = content.unicodeScalars.last, isTrimmed(last) { content.unicodeScalars.removeLast() }
            return DotEnvLine(content: content + "=" + encoded, terminator: terminator)
        }
        var content = String.UnicodeScalarView()
        content.append(contentsOf: scalars[..<span.start])
        content.append(contentsOf: encoded.unicodeScalars)
        let rest = scalars[span.end...]
        if span.start == span.end, let first = rest.first, first == "#" {
            // `KEY=# comment` held an empty value; keep the comment apart from the new value.
            content.append(" ")
        }
        content.append(contentsOf: rest)
        return DotEnvLine(content: String(content), terminator: terminator)
    }

    // MARK: Atomic write

    /// Replaces the file at `path` with `text` so that a reader sees either the old or the new file,
    /// never a partial one, and a crash leaves one of the two on disk.
    ///
    /// If the file exists it is first copied to `path + backupSuffix` (replacing an older backup, also
    /// atomically). The new text goes to a temporary file in the same directory, which is fsynced,
    /// given the old file's mode (and owner, when permitted), renamed over the target, and the
    /// directory is fsynced so the rename itself survives a crash. A symlink at `path` is followed,
    /// so the file it points to is replaced, not the link.
    static func writeAtomically(
        _ text: String, to path: String, backupSuffix: String = ".bak"
    ) throws(DotEnvError) {
        try writeAtomically(bytes: Array(text.utf8), to: path, backupSuffix: backupSuffix)
    }

    /// ``writeAtomically(_:to:backupSuffix:)`` for bytes (a file that is not all UTF-8 keeps its bytes).
    static func writeAtomically(
        bytes: [UInt8], to path: String, backupSuffix: String = ".bak"
    ) throws(DotEnvError) {
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        var existing = stat()
        var mode: mode_t = 0o644
        var owner: (uid_t, gid_t)?
        if stat(target, &existing) == 0 {
            mode = existing.st_mode & 0o7777
            owner = (existing.st_uid, existing.st_gid)
            let previous = try DotEnvFileIO.readAll(target)
            try DotEnvFileIO.replace(target + backupSuffix, with: previous, mode: mode, owner: owner)
        } else if errno != ENOENT {
            throw DotEnvFileIO.readFailure(target, "read file status")
        }
        try DotEnvFileIO.replace(target, with: bytes, mode: mode, owner: owner)
    }
}

// MARK: - Parsing, following phpdotenv 5

extension DotEnvFile {
    private struct Record {
        var firstLine: Int  // 0-based index into lines
        var lineCount: Int
        var scalars: [Unicode.Scalar]
        /// Offset of the record's scalars within the physical line content (1 after a BOM).
        var contentOffset: Int
    }

    static func splitLines(_ text: String) -> [DotEnvLine] {
        var lines: [DotEnvLine] = []
        var content = String.UnicodeScalarView()
        var iterator = text.unicodeScalars.makeIterator()
        var pending = iterator.next()
        while let scalar = pending {
            pending = iterator.next()
            switch scalar {
            case "\n":
                lines.append(DotEnvLine(content: String(content), terminator: "\n"))
                content = String.UnicodeScalarView()
            case "\r":
                if pending == "\n" {
                    pending = iterator.next()
                    lines.append(DotEnvLine(content: String(content), terminator: "\r\n"))
                } else {
                    lines.append(DotEnvLine(content: String(content), terminator: "\r"))
                }
                content = String.UnicodeScalarView()
            default:
                content.append(scalar)
            }
        }
        if !content.isEmpty {
            lines.append(DotEnvLine(content: String(content), terminator: ""))
        }
        return lines
    }

    /// Groups physical lines into entries the way phpdotenv's `Lines::process` does: a line with
    /// `="` whose quotes do not close starts a multi-line value that runs to the next line with a
    /// closing quote; blank lines and lines starting with `#` are dropped.
    private static func logicalRecords(_ lines: [DotEnvLine], file: String,
                                       problems: inout [DotEnvError]?) throws(DotEnvError) -> [Record] {
        var records: [Record] = []
        var multiline = false
        var buffer: [Int] = []
        var bufferScalars: [[Unicode.Scalar]] = []
        for (index, line) in lines.enumerated() {
            var scalars = Array(line.content.unicodeScalars)
            var contentOffset = 0
            if index == 0, scalars.first == "\u{FEFF}" {
                scalars.removeFirst()  // phpdotenv strips a UTF-8 byte order mark
                contentOffset = 1
            }
            let started = looksLikeMultilineStart(scalars)
            if started { multiline = true }
            var record = Record(firstLine: index, lineCount: 1, scalars: scalars, contentOffset: contentOffset)
            if multiline {
                buffer.append(index)
                bufferScalars.append(scalars)
                if looksLikeMultilineStop(scalars, started: started) {
                    multiline = false
                    let joined = Array(bufferScalars.joined(separator: ["\n"]))
                    // Always two lines or more (a start line never closes itself), so the
                    // entry is rewritten whole on edit and no offset into it is needed.
                    record = Record(firstLine: buffer[0], lineCount: buffer.count, scalars: joined, contentOffset: 0)
                    buffer = []
                    bufferScalars = []
                }
            }
            if !multiline && !isCommentOrWhitespace(record.scalars) {
                records.append(record)
            }
        }
        if let start = buffer.first {
            let problem = DotEnvError.syntax(
                file: file, line: start + 1,
                message: "double-quoted value is never closed (no closing \" before the end of the file)")
            guard problems != nil else { throw problem }
            // phpdotenv silently drops this line and every line after it. Leniently, each of those lines is read
            // on its own, so a rollback still finds (and turns off) a flag there; the unclosed line is skipped.
            problems?.append(.syntax(
                file: file, line: start + 1,
                message: "double-quoted value is never closed; phpdotenv ignores lines \(start + 1)-\(lines.count)"))
            for (offset, index) in buffer.enumerated() where offset > 0 && !isCommentOrWhitespace(bufferScalars[offset]) {
                records.append(Record(firstLine: index, lineCount: 1, scalars: bufferScalars[offset], contentOffset: 0))
            }
        }
        return records
    }

    private static func looksLikeMultilineStart(_ scalars: [Unicode.Scalar]) -> Bool {
        guard scalars.count >= 2 else { return false }
        let opensQuote = zip(scalars, scalars.dropFirst()).contains { $0 == "=" && $1 == "\"" }
        return opensQuote && !looksLikeMultilineStop(scalars, started: true)
    }

    /// phpdotenv counts positions where a character other than `\` is followed by `"`, after
    /// deleting every `\\` pair.
    private static func looksLikeMultilineStop(_ scalars: [Unicode.Scalar], started: Bool) -> Bool {
        if scalars == ["\""] { return true }
        var stripped: [Unicode.Scalar] = []
        var index = 0
        while index < scalars.count {
            if scalars[index] == "\\", index + 1 < scalars.count, scalars[index + 1] == "\\" {
                index += 2
            } else {
                stripped.append(scalars[index])
                index += 1
            }
        }
        var count = 0
        if stripped.count >= 2 {
            for position in 1..<stripped.count where stripped[position] == "\"" && stripped[position - 1] != "\\" {
                count += 1
            }
        }
        return started ? count > 1 : count >= 1
    }

    private static func isCommentOrWhitespace(_ scalars: [Unicode.Scalar]) -> Bool {
        let trimmed = trim(scalars[...])
        return trimmed.isEmpty || trimmed.first == "#"
    }

    private static func parseEntry(
        _ record: Record, values: [String: String], file: String
    ) throws(DotEnvError) -> DotEnvEntry {
        let lineNumber = record.firstLine + 1
        func fail(_ message: String) -> DotEnvError { .syntax(file: file, line: lineNumber, message: message) }
        let scalars = record.scalars

        let equals = scalars.firstIndex(of: "=")
        var name: ArraySlice<Unicode.Scalar>
        if let equals {
            name = trim(scalars[..<equals])
            if name.isEmpty { throw fail("'=' with no variable name before it") }
        } else {
            name = scalars[...]  // phpdotenv does not trim a line without '='
        }

        var exported = false
        if name.count > 8, Array(name.prefix(6)) == Array("export".unicodeScalars),
           isSpace(name[name.startIndex + 6]) {
            exported = true
            name = ltrim(name.dropFirst(6))
        }
        if name.count >= 3, let first = name.first, let last = name.last,
           (first == "\"" && last == "\"") || (first == "'" && last == "'") {
            name = name.dropFirst().dropLast()
        }
        guard !name.isEmpty, name.allSatisfy(isNameScalar) else {
            throw fail("invalid variable name \(String(reflecting: string(name))) "
                + "(use only letters, digits, '_' and '.')")
        }
        let key = string(name)

        guard let equals else {
            return DotEnvEntry(
                key: key, value: nil, line: lineNumber, lineCount: record.lineCount,
                isExported: exported, valueSpan: nil)
        }
        let rawValue = scalars[(equals + 1)...]
        let leading = rawValue.prefix { isTrimmed($0) }.count
        let valueText = trim(rawValue)
        let valueStart = equals + 1 + leading
        if valueText.isEmpty {
            let at = record.contentOffset + equals + 1
            return DotEnvEntry(
                key: key, value: "", line: lineNumber, lineCount: record.lineCount, isExported: exported,
                valueSpan: .init(start: at, end: at))
        }
        let parsed = try parseValue(Array(valueText), fail: fail)
        let resolved = resolveVariables(parsed.chars, at: parsed.variablePositions, values: values)
        let span = DotEnvEntry.ValueSpan(
            start: record.contentOffset + valueStart,
            end: record.contentOffset + valueStart + parsed.contentEnd)
        return DotEnvEntry(
            key: key, value: resolved, line: lineNumber, lineCount: record.lineCount,
            isExported: exported, valueSpan: span, isInterpolated: resolved != string(parsed.chars[...]))
    }

    private enum TokenKind { case newline, whitespace, backslash, singleQuote, doubleQuote, hash, dollar, text }

    private struct Token {
        var kind: TokenKind
        var scalars: ArraySlice<Unicode.Scalar>
        var offset: Int
        var isSpace: Bool { kind == .newline || kind == .whitespace }
    }

    /// phpdotenv's `Lexer`: runs of newlines, runs of other whitespace, single special characters,
    /// and runs of everything else.
    private static func lex(_ scalars: [Unicode.Scalar]) -> [Token] {
        func kind(of scalar: Unicode.Scalar) -> TokenKind {
            switch scalar {
            case "\r", "\n": return .newline
            case " ", "\t", "\u{0B}", "\u{0C}": return .whitespace
            case "\\": return .backslash
            case "'": return .singleQuote
            case "\"": return .doubleQuote
            case "#": return .hash
            case "$": return .dollar
            default: return .text
            }
        }
        var tokens: [Token] = []
        var index = 0
        while index < scalars.count {
            let current = kind(of: scalars[index])
            var end = index + 1
            if current == .newline || current == .whitespace || current == .text {
                while end < scalars.count, kind(of: scalars[end]) == current { end += 1 }
            }
            tokens.append(Token(kind: current, scalars: scalars[index..<end], offset: index))
            index = end
        }
        return tokens
    }

    private struct ParsedValue {
        var chars: [Unicode.Scalar] = []
        var variablePositions: [Int] = []
        /// Offset just past the value as written (closing quote included), before any comment.
        var contentEnd = 0
    }

    private enum ValueState { case initial, unquoted, singleQuoted, doubleQuoted, escape, whitespace, comment }

    /// phpdotenv's `EntryParser::parseValue` state machine.
    private static func parseValue(
        _ scalars: [Unicode.Scalar], fail: (String) -> DotEnvError
    ) throws(DotEnvError) -> ParsedValue {
        var result = ParsedValue()
        var state = ValueState.initial
        var closedQuote = false
        for token in lex(scalars) {
            let tokenEnd = token.offset + token.scalars.count
            switch state {
            case .initial, .unquoted:
                switch token.kind {
                case .singleQuote where state == .initial: state = .singleQuoted
                case .doubleQuote where state == .initial: state = .doubleQuoted
                case .hash: state = .comment
                case _ where state == .unquoted && token.isSpace: state = .whitespace
                case .dollar:
                    result.variablePositions.append(result.chars.count)
                    result.chars.append("$")
                    state = .unquoted
                    result.contentEnd = tokenEnd
                default:
                    result.chars.append(contentsOf: token.scalars)
                    state = .unquoted
                    result.contentEnd = tokenEnd
                }
            case .singleQuoted:
                if token.kind == .singleQuote {
                    state = .whitespace
                    closedQuote = true
                } else {
                    result.chars.append(contentsOf: token.scalars)
                }
                result.contentEnd = tokenEnd
            case .doubleQuoted:
                switch token.kind {
                case .doubleQuote:
                    state = .whitespace
                    closedQuote = true
                case .backslash: state = .escape
                case .dollar:
                    result.variablePositions.append(result.chars.count)
                    result.chars.append("$")
                default: result.chars.append(contentsOf: token.scalars)
                }
                result.contentEnd = tokenEnd
            case .escape:
                switch token.kind {
                case .doubleQuote, .backslash, .dollar:
                    result.chars.append(contentsOf: token.scalars)
                default:
                    let first = token.scalars[token.scalars.startIndex]
                    let escaped: Unicode.Scalar
                    switch first {
                    case "n": escaped = "\n"
                    case "r": escaped = "\r"
                    case "t": escaped = "\t"
                    case "f": escaped = "\u{0C}"
                    case "v": escaped = "\u{0B}"
                    default:
                        throw fail("unknown escape sequence \\\(first) in a double-quoted value "
                            + "(known: \\\" \\\\ \\$ \\n \\r \\t \\f \\v)")
                    }
                    result.chars.append(escaped)
                    result.chars.append(contentsOf: token.scalars.dropFirst())
                }
                state = .doubleQuoted
                result.contentEnd = tokenEnd
            case .whitespace:
                if token.kind == .hash {
                    state = .comment
                } else if !token.isSpace {
                    throw fail(closedQuote
                        ? "unexpected text after the closing quote (start a comment with ' #')"
                        : "unquoted value contains whitespace; wrap the value in double quotes")
                }
            case .comment:
                break
            }
        }
        switch state {
        case .singleQuoted: throw fail("single-quoted value is never closed (missing ')")
        case .doubleQuoted, .escape: throw fail("double-quoted value is never closed (missing \")")
        default: return result
        }
    }

    /// phpdotenv's `Resolver`: each `$` recorded by the parser that starts `${NAME}` is replaced by
    /// NAME's value from earlier lines, if defined; positions are handled from last to first.
    private static func resolveVariables(
        _ chars: [Unicode.Scalar], at positions: [Int], values: [String: String]
    ) -> String {
        var result = chars
        for position in positions.sorted(by: >) {
            let tail = result[position...]
            guard tail.count >= 4, tail[position + 1] == "{" else { continue }
            let nameStart = position + 2
            let nameEnd = tail[nameStart...].firstIndex { !isNameScalar($0) } ?? result.endIndex
            guard nameEnd > nameStart, nameEnd < result.endIndex, result[nameEnd] == "}" else { continue }
            let name = string(result[nameStart..<nameEnd])
            guard let value = values[name] else { continue }
            result.replaceSubrange(position...nameEnd, with: Array(value.unicodeScalars))
        }
        return string(result[...])
    }

    // MARK: Character classes

    /// PHP `ctype_space`.
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case " ", "\t", "\n", "\r", "\u{0B}", "\u{0C}": return true
        default: return false
        }
    }

    /// The characters PHP's `trim()` removes by default.
    static func isTrimmed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case " ", "\t", "\n", "\r", "\0", "\u{0B}": return true
        default: return false
        }
    }

    static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_", ".": return true
        default: return false
        }
    }

    private static func trim(_ scalars: ArraySlice<Unicode.Scalar>) -> ArraySlice<Unicode.Scalar> {
        var slice = ltrim(scalars)
        while let last = slice.last, isTrimmed(last) { slice = slice.dropLast() }
        return slice
    }

    private static func ltrim(_ scalars: ArraySlice<Unicode.Scalar>) -> ArraySlice<Unicode.Scalar> {
        scalars.drop { isTrimmed($0) }
    }

    private static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }
}

// MARK: - File I/O

/// POSIX file operations with errno-carrying errors, for the atomic `.env` write.
enum DotEnvFileIO {
    static func failure(_ path: String, _ operation: String) -> DotEnvError {
        let code = errno
        return .io(path: path, operation: operation, reason: String(cString: strerror(code)))
    }

    static func readFailure(_ path: String, _ operation: String) -> DotEnvError {
        let code = errno
        return .readFailed(path: path, operation: operation, reason: String(cString: strerror(code)))
    }

    static func readAll(_ path: String) throws(DotEnvError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw readFailure(path, "open for reading") }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw readFailure(path, "read")
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }

    /// Writes `bytes` to a fresh temporary file beside `target`, fsyncs it, renames it over
    /// `target`, then fsyncs the directory. The temporary file is removed on any failure.
    static func replace(
        _ target: String, with bytes: [UInt8], mode: mode_t, owner: (uid_t, gid_t)?
    ) throws(DotEnvError) {
        let targetURL = URL(fileURLWithPath: target)
        let directory = targetURL.deletingLastPathComponent().path
        let temporary = targetURL.deletingLastPathComponent()
            .appendingPathComponent("\(targetURL.lastPathComponent).tmp.\(getpid()).\(UInt32.random(in: 0...UInt32.max))")
            .path
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw failure(temporary, "create temporary file") }
        var renamed = false
        defer { if !renamed { unlink(temporary) } }
        do throws(DotEnvError) {
            // The umask may have narrowed the mode; keep exactly the old file's permissions.
            guard fchmod(descriptor, mode) == 0 else { throw failure(temporary, "set file mode") }
            if let (uid, gid) = owner {
                _ = fchown(descriptor, uid, gid)  // only possible as root or owner; best effort
            }
            var written = 0
            while written < bytes.count {
                let count = bytes.withUnsafeBytes { buffer in
                    write(descriptor, buffer.baseAddress.map { $0 + written }, buffer.count - written)
                }
                if count < 0 {
                    if errno == EINTR { continue }
                    throw failure(temporary, "write")
                }
                written += count
            }
            guard fsync(descriptor) == 0 else { throw failure(temporary, "fsync") }
        } catch {
            close(descriptor)
            throw error
        }
        guard close(descriptor) == 0 else { throw failure(temporary, "close") }
        guard rename(temporary, target) == 0 else { throw failure(target, "rename \(temporary) over it") }
        renamed = true
        let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directoryDescriptor >= 0 else { throw failure(directory, "open directory for fsync") }
        defer { close(directoryDescriptor) }
        guard fsync(directoryDescriptor) == 0 else { throw failure(directory, "fsync directory") }
    }
}
