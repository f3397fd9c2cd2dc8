#!/usr/bin/env python3
"""Check that each target's dependencies in a package manifest are exactly the modules its sources import.

Issue 10: "`Package.swift` dependencies exactly what each target imports". The declared dependencies come from
`swift package dump-package` (the manifest as SwiftPM reads it); the imports from the `import X` lines of the
target's Swift files (`Sources/<T>`, `Tests/<T>` or the target's `path`, less its `exclude`), in any form:
`@testable`, `@_exported`, `@_implementationOnly`, `@_spi(...)`, an access level (`public import X`), a declaration
import (`import struct X.Y`). Comments and string literals are left out first. Modules of the toolchain and the
system (Foundation, Testing, Dispatch, Glibc, and Darwin or Musl behind `#if canImport`) are not dependencies.

Usage: scripts/check_imports.py [PACKAGE_DIR ...]   (default: the repository's root package)

Prints one line per mismatch, `PACKAGE: TARGET: imports X, not a dependency` or `...: depends on X, imports it
nowhere`. Exit 0 when every target matches, 1 otherwise, 2 when a manifest or a target's folder cannot be read.
"""
import json
import os
import re
import subprocess
import sys

SYSTEM = {"Foundation", "FoundationEssentials", "FoundationInternationalization", "FoundationXML",
          "FoundationNetworking", "CoreFoundation", "Testing", "XCTest", "Dispatch", "Glibc", "Darwin", "Musl",
          "Android", "WinSDK", "Synchronization", "RegexBuilder", "Observation", "Distributed", "_Concurrency",
          "_StringProcessing", "Swift", "os"}
IMPORT = re.compile(
    r"^[ \t]*(?:@\w+(?:\([^)\n]*\))?[ \t]+|(?:public|package|internal|fileprivate|private)[ \t]+)*import[ \t]+"
    r"(?:(?:struct|class|enum|func|protocol|typealias|var|let)[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)", re.M)
# Comments and string literals (multi-line first), replaced by blanks so that no `import` inside them counts.
NOT_CODE = re.compile(r'/\*.*?\*/|//[^\n]*|#*"""(?:.|\n)*?"""#*|"(?:\\.|[^"\\\n])*"', re.S)


class Unreadable(Exception):
    pass


def declared(target):
    return {next(iter(dep.values()))[0] for dep in target["dependencies"]}


def imported(folder, excluded):
    if not os.path.isdir(folder):
        raise Unreadable(f"no folder {folder}")
    names = set()
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if os.path.join(root, d) not in excluded]
        for name in files:
            path = os.path.join(root, name)
            if name.endswith(".swift") and path not in excluded:
                with open(path, encoding="utf-8") as source:
                    names.update(IMPORT.findall(NOT_CODE.sub(" ", source.read())))
    return names - SYSTEM


def check(package):
    try:
        manifest = json.loads(subprocess.run(["swift", "package", "dump-package"], cwd=package, check=True,
                                             capture_output=True, text=True).stdout)
    except (OSError, subprocess.CalledProcessError, json.JSONDecodeError) as error:
        raise Unreadable(f"cannot read the manifest of {package}: {error}")
    problems = []
    for target in manifest["targets"]:
        if target["type"] in ("system", "binary", "plugin", "macro"):
            continue
        base = "Tests" if target["type"] == "test" else "Sources"
        folder = os.path.normpath(os.path.join(package, target.get("path") or os.path.join(base, target["name"])))
        excluded = {os.path.normpath(os.path.join(folder, path)) for path in target.get("exclude", [])}
        uses, needs = imported(folder, excluded), declared(target)
        name = f"{os.path.basename(os.path.abspath(package))}: {target['name']}"
        problems += [f"{name}: imports {module}, not a dependency" for module in sorted(uses - needs)]
        problems += [f"{name}: depends on {module}, imports it nowhere" for module in sorted(needs - uses)]
    return problems


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    packages = sys.argv[1:] or [root]
    try:
        problems = [line for package in packages for line in check(package)]
    except Unreadable as error:
        print(f"check_imports: {error}", file=sys.stderr)
        return 2
    for line in problems:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
