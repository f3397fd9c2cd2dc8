import Foundation
import ShadowKit
import ShadowReport
import ShadowRollout
import Testing

extension Tag {
    /// Tests that run the built `shadowgate` executable as a subprocess.
    @Tag static var endToEnd: Self
}

/// Runs the `shadowgate` executable built next to the test bundle.
enum CLI {
    /// The package root, from this file's path.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `SHADOWGATE_BIN` if set; else `shadowgate` in the build products directory of the running tests
    /// (where `swift test` builds it); else `.build/debug/shadowgate` in the package.
    static let binary: String? = {
        let fileManager = FileManager.default
        if let explicit = ProcessInfo.processInfo.environment["SHADOWGATE_BIN"], !explicit.isEmpty {
            return fileManager.isExecutableFile(atPath: explicit) ? explicit : nil
        }
        var candidates: [URL] = []
        if let executable = Bundle.main.executableURL { candidates.append(executable.deletingLastPathComponent()) }
        // On macOS the tests run inside an .xctest bundle hosted by xctest; the products are next to the bundle.
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            candidates.append(bundle.bundleURL.deletingLastPathComponent())
        }
        candidates.append(packageRoot.appendingPathComponent(".build/debug"))
        for directory in candidates {
            let path = directory.appendingPathComponent("shadowgate").path
            if fileManager.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var stdoutData: Data
    }

    /// Runs the binary with `arguments` in `directory` and waits for it to exit.
    static func run(_ arguments: [String], in directory: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Result {
        let binary = try #require(binary, "shadowgate executable not found: build it (swift build) or set SHADOWGATE_BIN",
                                  sourceLocation: sourceLocation)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        // Output goes to files so a large output can never block on a full pipe.
        let outPath = (directory as NSString).appendingPathComponent(".stdout-\(UUID().uuidString)")
        let errPath = (directory as NSString).appendingPathComponent(".stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        let stdout = try Data(contentsOf: URL(fileURLWithPath: outPath))
        let stderr = try Data(contentsOf: URL(fileURLWithPath: errPath))
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self), stdoutData: stdout)
    }

    /// Rows of a query run by the `sqlite3` shell, columns split on tabs: the database must open there.
    static func sqlite(_ database: String, _ sql: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String]] {
        let shell = try #require(["/usr/bin/sqlite3", "/usr/local/bin/sqlite3", "/opt/homebrew/bin/sqlite3"]
            .first { FileManager.default.isExecutableFile(atPath: $0) }, "the sqlite3 shell is not installed",
            sourceLocation: sourceLocation)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: shell)
        process.arguments = ["-batch", "-noheader", "-separator", "\t", database, sql]
        let pipe = Pipe()
        let errors = Pipe()
        process.standardOutput = pipe
        process.standardError = errors
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "sqlite3: \(errorText)", sourceLocation: sourceLocation)
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)
            .map { $0.components(separatedBy: "\t") }
    }

    /// The repository's rule files, so runs do not depend on the working directory.
    static var ruleArguments: [String] {
        ["--accepted", packageRoot.appendingPathComponent("scenarios/accepted.yaml").path,
         "--comparator", packageRoot.appendingPathComponent("scenarios/comparator.yaml").path, "--day", "2026-11-24"]
    }
}
