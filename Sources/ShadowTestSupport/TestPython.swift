import Foundation

/// How the tests start Python (the worker scripts, the schema validator, the SciPy-free reference scripts):
/// Debian's `/usr/bin/python3` when there is one — `make deps` installs python3-jsonschema for it, and it starts in
/// about 20 ms where a version manager's shim on PATH (pyenv's) takes about 200 ms, paid on every worker process
/// the tests launch — else `python3` from PATH.
public enum TestPython {
    public static let debian = "/usr/bin/python3"

    /// The interpreter as a worker command line starts it: `\(TestPython.command) script.py`.
    public static let command = FileManager.default.isExecutableFile(atPath: debian) ? debian : "python3"

    /// A process that runs the interpreter with `arguments`.
    public static func process(_ arguments: [String]) -> Process {
        let process = Process()
        if command == debian {
            process.executableURL = URL(fileURLWithPath: debian)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3"] + arguments
        }
        return process
    }
}
