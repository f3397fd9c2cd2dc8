import Foundation
import ShadowKit

/// Writes the four report files of a model into a directory, and refreshes a "latest" copy.
public enum ReportWriter {
    /// File name → renderer, in the order they are written.
    public static let files: [(name: String, render: @Sendable (ReportModel) -> String)] = [
        ("index.html", HTMLReport.render),
        ("report.md", MarkdownReport.render),
        ("junit.xml", JUnitReport.render),
        ("summary.json", JSONSummary.render),
    ]

    /// Writes `index.html`, `report.md`, `junit.xml` and `summary.json` into `directory` (created if needed),
    /// each atomically. Returns the path of `index.html`.
    @discardableResult
    public static func write(_ model: ReportModel, to directory: String) throws(OutputError) -> String {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw OutputError(path: directory, message: "cannot create the report directory: \(error.localizedDescription)")
        }
        for (name, render) in files {
            let path = (directory as NSString).appendingPathComponent(name)
            do {
                try Data(render(model).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw OutputError(path: path, message: "cannot write: \(error.localizedDescription)")
            }
        }
        return (directory as NSString).appendingPathComponent("index.html")
    }

    /// Replaces `latest` with a copy (not a link) of `directory`: the copy is made beside it, then swapped in,
    /// so a reader never sees a half-written directory.
    public static func refresh(latest: String, from directory: String) throws(OutputError) {
        let manager = FileManager.default
        let standardizedSource = URL(fileURLWithPath: directory).standardizedFileURL.path
        let standardizedLatest = URL(fileURLWithPath: latest).standardizedFileURL.path
        guard standardizedSource != standardizedLatest else { return }
        let staging = standardizedLatest + ".tmp-\(UUID().uuidString)"
        let retired = standardizedLatest + ".old-\(UUID().uuidString)"
        do {
            try manager.createDirectory(atPath: (standardizedLatest as NSString).deletingLastPathComponent,
                                        withIntermediateDirectories: true)
            try manager.copyItem(atPath: standardizedSource, toPath: staging)
            var isDirectory: ObjCBool = false
            let exists = manager.fileExists(atPath: standardizedLatest, isDirectory: &isDirectory)
                || (try? manager.destinationOfSymbolicLink(atPath: standardizedLatest)) != nil
            if exists { try manager.moveItem(atPath: standardizedLatest, toPath: retired) }
            try manager.moveItem(atPath: staging, toPath: standardizedLatest)
            if exists { try? manager.removeItem(atPath: retired) }
        } catch {
            try? manager.removeItem(atPath: staging)
            throw OutputError(path: latest, message: "cannot refresh the latest report: \(error.localizedDescription)")
        }
    }
}
