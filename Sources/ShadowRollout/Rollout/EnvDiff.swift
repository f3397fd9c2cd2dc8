import Foundation
import ShadowKit

/// Renders a `.env` edit as a small diff a person can check at a glance: for each changed key, the
/// lines it had (duplicates that were removed included) and the line it has now.
public enum EnvDiff {
    /// ```
    /// --- .env
    /// +++ .env
    /// @@ line 12 @@
    /// -ROLLOUT_ENROLLMENT_SERVICE=0
    /// +ROLLOUT_ENROLLMENT_SERVICE=10
    /// ```
    /// Empty when nothing changed.
    public static func render(file: String, original: DotEnvFile, edited: DotEnvFile, changes: [DotEnvChange]) -> String {
        guard !changes.isEmpty else { return "" }
        var out = "--- \(file)\n+++ \(file)\n"
        for change in changes {
            for line in change.removedDuplicateLines {
                out += "@@ line \(line): duplicate \(change.key) removed @@\n"
                out += lines(of: change.key, at: line, in: original).map { "-\($0)\n" }.joined()
            }
            let previous = original.lastEntry(for: change.key)
            out += "@@ line \(previous?.line ?? change.line)\(previous == nil ? ": appended" : "") @@\n"
            if let previous {
                out += lines(of: change.key, at: previous.line, in: original).map { "-\($0)\n" }.joined()
            }
            if change.line > 0, let entry = edited.lastEntry(for: change.key) {
                out += lines(of: change.key, at: entry.line, in: edited).map { "+\($0)\n" }.joined()
            }
        }
        return out
    }

    /// The physical lines of the entry of `key` starting at `line`.
    private static func lines(of key: String, at line: Int, in file: DotEnvFile) -> [String] {
        guard let entry = file.entries.first(where: { $0.key == key && $0.line == line }) else { return [] }
        let first = entry.line - 1
        let last = min(first + entry.lineCount, file.lines.count)
        guard first >= 0, first < last else { return [] }
        return file.lines[first..<last].map(\.content)
    }
}
