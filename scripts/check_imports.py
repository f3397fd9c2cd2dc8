#!/usr/bin/env python3
"""Check that each target's dependencies in Package.swift are exactly the modules its sources import.

Issue 10: "`Package.swift` dependencies exactly what each target imports". The declared dependencies come from
`swift package dump-package` (the manifest as SwiftPM reads it); the imports from `import X` and
`@testable import X` lines of the target's folder (`Sources/<T>` or `Tests/<T>`). Modules of the toolchain and
the system (Foundation, Testing, Dispatch, Glibc, and Darwin or Musl behind `#if canImport`) are not
dependencies and are left out.

Prints one line per mismatch, `TARGET: imports X, not a dependency` or `TARGET: depends on X, imports it
nowhere`. Exit 0 when every target matches, 1 otherwise, 2 when the manifest cannot be read.
"""
import json
import os
import re
import subprocess
import sys

SYSTEM = {"Foundation", "FoundationEssentials", "FoundationXML", "FoundationNetworking", "Testing", "XCTest",
          "Dispatch", "Glibc", "Darwin", "Musl", "Synchronization", "_Concurrency", "os"}
IMPORT = re.compile(r"^\s*(?:@testable\s+|@_exported\s+|@preconcurrency\s+)*import\s+(?:(?:struct|class|enum|func|protocol|typealias|var|let)\s+)?([A-Za-z_][A-Za-z0-9_]*)", re.M)


def declared(target):
    names = set()
    for dep in target["dependencies"]:
        kind, value = next(iter(dep.items()))
        names.add(value[0])  # byName / target: the module; product: the product (named as its module here)
    return names


def imported(folder):
    names = set()
    for root, _, files in os.walk(folder):
        for name in files:
            if name.endswith(".swift"):
                with open(os.path.join(root, name), encoding="utf-8") as source:
                    names.update(IMPORT.findall(source.read()))
    return names - SYSTEM


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        manifest = json.loads(subprocess.run(["swift", "package", "dump-package"], cwd=root, check=True,
                                             capture_output=True, text=True).stdout)
    except (OSError, subprocess.CalledProcessError, json.JSONDecodeError) as error:
        print(f"check_imports: cannot read the manifest: {error}", file=sys.stderr)
        return 2
    problems = []
    for target in manifest["targets"]:
        if target["type"] == "system":
            continue
        base = "Tests" if target["type"] == "test" else "Sources"
        folder = os.path.join(root, target.get("path") or os.path.join(base, target["name"]))
        uses, needs = imported(folder), declared(target)
        problems += [f"{target['name']}: imports {name}, not a dependency" for name in sorted(uses - needs)]
        problems += [f"{target['name']}: depends on {name}, imports it nowhere" for name in sorted(needs - uses)]
    for line in problems:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
