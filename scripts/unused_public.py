#!/usr/bin/env python3
"""List (and optionally narrow) the `public`/`open` declarations of a target that no other target uses.

Issue 10: "`public` only what another target uses". For each target named, every `public`/`open`
declaration of `Sources/<Target>` gets the access it needs:

- **public**: its name occurs in another target's sources (`Sources/<Other>`, `Tests/<Other>Tests`) or in
  `Benchmarks/` (another package, so only `public` reaches it); or it must stay public for Swift's sake:
  a member that may witness a protocol requirement (its name, or an initialiser's first label, is a
  requirement of a protocol declared in `Sources/` or of a common standard-library / ArgumentParser
  protocol) or an `override` keeps its modifier (without holding its type public); the enclosing type of a
  public member, a type named in the signature (declaration text up to its body, inheritance clause, enum
  cases) of a public declaration, and what a public default argument names (`= T(...)`, `= .member`);
- **package**: only the target's own tests (`Tests/<Target>Tests`) name it, in a file that does not
  `@testable import` the target (files with `@testable` reach internal names);
- **internal**: nothing outside the target names it.

The same rules run to a fixpoint for `package` (its enclosing type and signature types need `package`).
Matching is by name (identifier tokens, whole-line comments left out), so it errs on the side of `public`:
a name shared by two declarations keeps both. Initialisers are matched through their type: `T(`, `T.init`,
or `.init(` in a file that names `T`. What the compiler still refuses (an `@inlinable` body naming a
narrowed declaration, a default argument the patterns above miss) shows in `swift build`; fix it by hand.

Usage:
    scripts/unused_public.py TARGET...            # list, one `FILE:LINE: kind name -> access` per line
    scripts/unused_public.py --apply TARGET...    # rewrite the modifiers in place
    scripts/unused_public.py --count TARGET...    # one line per target: public declarations, and how many narrow
Exit 0; 2 on a usage error (unknown target).
"""
import argparse
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Members that may witness a requirement of a protocol outside the package (standard library, Foundation,
# ArgumentParser). Requirements of protocols declared in Sources/ are added by parsing them.
STANDARD_REQUIREMENTS = {
    "description", "debugDescription", "errorDescription", "failureReason", "recoverySuggestion",
    "localizedDescription", "encode", "hash", "hashValue", "rawValue", "allCases", "id", "makeIterator", "next",
    "run", "validate", "configuration", "helpMessage", "callAsFunction", "wrappedValue", "projectedValue",
    "startIndex", "endIndex", "index", "count", "isEmpty", "underestimatedCount", "makeAsyncIterator",
    "==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "~=", "subscript", "deinit",
    "defaultValueDescription", "allValueStrings", "completionKind", "argument", "name",
    "databaseTableName", "databaseSelection", "didInsert", "write", "dumpValue",
    # first labels of initialiser requirements: Decodable, RawRepresentable, CodingKey, ExpressibleBy...
    "from", "rawValue", "stringValue", "intValue", "argument", "stringLiteral", "integerLiteral", "arrayLiteral",
    "dictionaryLiteral", "floatLiteral", "booleanLiteral", "row",
}

DECL = re.compile(
    r"^(?P<indent>\s*)(?P<attrs>(?:@\w+(?:\([^)]*\))?\s+)*)"
    r"(?P<mods>(?:(?:public|open|package|internal|private|fileprivate)(?:\(set\))?\s+|"
    r"(?:static|class|final|override|mutating|nonmutating|convenience|required|indirect|lazy|weak|unowned|"
    r"nonisolated|dynamic|optional|prefix|postfix|infix|distributed)\s+)*)"
    r"(?P<kind>func|var|let|struct|enum|class|protocol|typealias|init|subscript|actor|extension)\b"
    r"(?P<rest>.*)$")
ACCESS = re.compile(r"\b(public|open)\b(?!\()")
TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|==|!=|<=|>=|~=|[<>+\-*/]")
TYPE_KINDS = {"struct", "enum", "class", "protocol", "actor", "typealias"}
LEVEL = {"internal": 0, "package": 1, "public": 2}


def swift_files(path):
    found = []
    for directory, subdirectories, files in os.walk(path):
        subdirectories[:] = [d for d in subdirectories if not d.startswith(".") and d != "Fixtures"]
        found += [os.path.join(directory, f) for f in files if f.endswith(".swift")]
    return sorted(found)


def code_lines(text):
    """The file's lines with whole-line comments and block comments blanked (line numbers kept)."""
    lines = text.split("\n")
    out, in_block = [], False
    for line in lines:
        stripped = line.strip()
        if in_block:
            out.append("")
            if "*/" in stripped:
                in_block = False
            continue
        if stripped.startswith("/*"):
            in_block = "*/" not in stripped
            out.append("")
            continue
        out.append("" if stripped.startswith("//") else line)
    return out


def tokens(text):
    return set(TOKEN.findall(text))


class Declaration:
    def __init__(self, path, line, kind, name, mods, signature, body):
        self.path, self.line, self.kind, self.name = path, line, kind, name
        self.mods, self.signature, self.body = mods, signature, body  # body: (first, last) line indices or None
        self.parent = None
        self.level = 0
        self.why = ""

    @property
    def is_type(self):
        return self.kind in TYPE_KINDS


def brace_body(lines, start):
    """(first, last) line index of the body opened on or after `start`, by brace counting; None without one."""
    depth, opened = 0, False
    for index in range(start, len(lines)):
        line = re.sub(r'"(?:\\.|[^"\\])*"', '""', lines[index])
        for char in line:
            if char == "{":
                depth += 1
                opened = True
            elif char == "}":
                depth -= 1
        if opened and depth <= 0:
            return (start, index)
        if not opened and index > start and ("=" in line or not line.strip().endswith((",", "(", "->"))):
            # A stored property or a one-line declaration: no body.
            if "{" not in line:
                return None
    return None


def signature_text(lines, start):
    """The declaration up to its body: parameters, result, inheritance clause, where clause."""
    text, depth = "", 0
    for index in range(start, min(start + 30, len(lines))):
        line = lines[index]
        cut = line.find("{")
        part = line if cut < 0 else line[:cut]
        text += " " + part
        depth += part.count("(") - part.count(")")
        if cut >= 0 or depth <= 0:
            break
    return text


def parse_declarations(path, lines):
    decls = []
    for index, line in enumerate(lines):
        match = DECL.match(line)
        if not match or match.group("kind") == "extension":
            continue
        if not ACCESS.search(match.group("mods")):
            continue
        kind, rest = match.group("kind"), match.group("rest")
        if kind in ("init", "subscript"):
            name = kind
        else:
            found = re.match(r"\s*(`?[A-Za-z_][A-Za-z0-9_]*`?|[^\s(<]+)", rest)
            if not found:
                continue
            name = found.group(1).strip("`")
        body = brace_body(lines, index) if kind in TYPE_KINDS | {"func", "init", "var", "subscript"} else None
        decls.append(Declaration(path, index, kind, name, match.group("mods"), signature_text(lines, index), body))
    # Enclosing declarations (types only) by body ranges.
    types = [d for d in decls if d.is_type and d.body]
    for decl in decls:
        enclosing = [t for t in types if t is not decl and t.body[0] < decl.line <= t.body[1]]
        if enclosing:
            decl.parent = max(enclosing, key=lambda t: t.body[0])
    return decls


def extension_types(lines):
    """Line ranges of `extension T` bodies, so their members have T as parent (by name)."""
    ranges = []
    for index, line in enumerate(lines):
        match = re.match(r"^\s*(?:@\w+\s+)*(?:public\s+|package\s+|internal\s+)?extension\s+([A-Za-z_][\w.]*)", line)
        if match:
            body = brace_body(lines, index)
            if body:
                ranges.append((body, match.group(1).split(".")[-1]))
    return ranges


def protocol_requirements(all_files):
    names = set()
    for path in all_files:
        lines = code_lines(open(path, encoding="utf-8").read())
        for index, line in enumerate(lines):
            if re.match(r"^\s*(?:public\s+|package\s+)?protocol\s+\w+", line):
                body = brace_body(lines, index)
                if not body:
                    continue
                for inner in lines[body[0] + 1: body[1] + 1]:
                    found = re.match(r"^\s*(?:static\s+|mutating\s+)*(?:func|var|let|init|subscript|associatedtype)\s*"
                                     r"([A-Za-z_]\w*|[^\s(<]+)?", inner)
                    if found:
                        names.add(found.group(1) or inner.split()[0])
                    init = re.match(r"^\s*init[?!]?\s*\(\s*(\w+)", inner)
                    if init:
                        names.add(init.group(1))
    return names


def analyse(target, requirements):
    source_dir = os.path.join(ROOT, "Sources", target)
    own_tests = os.path.join(ROOT, "Tests", target + "Tests")
    outside, tests = [], []
    for name in sorted(os.listdir(os.path.join(ROOT, "Sources"))):
        if name != target:
            outside += swift_files(os.path.join(ROOT, "Sources", name))
    for name in sorted(os.listdir(os.path.join(ROOT, "Tests"))):
        (tests if name == target + "Tests" else outside).extend(swift_files(os.path.join(ROOT, "Tests", name)))
    outside += swift_files(os.path.join(ROOT, "Benchmarks"))

    def usage(files):
        words, texts = set(), []
        for path in files:
            text = "\n".join(code_lines(open(path, encoding="utf-8").read()))
            words |= tokens(text)
            texts.append(text)
        return words, texts

    outside_words, outside_texts = usage(outside)
    # Own tests that `@testable import` the target reach internal names; the others need `package`.
    testable = re.compile(r"@testable\s+import\s+" + target + r"\b")
    test_words, test_texts = usage([t for t in tests if not testable.search(open(t, encoding="utf-8").read())])

    decls, by_name = [], {}
    for path in swift_files(source_dir):
        lines = code_lines(open(path, encoding="utf-8").read())
        file_decls = parse_declarations(path, lines)
        extensions = extension_types(lines)
        for decl in file_decls:
            decl.extended = None
            if decl.parent is None:
                for (first, last), type_name in extensions:
                    if first < decl.line <= last:
                        decl.extended = type_name
            decls.append(decl)
            by_name.setdefault(decl.name, []).append(decl)

    def type_name(decl):
        return decl.parent.name if decl.parent else decl.extended

    def init_used(type_, words, texts):
        if type_ is None:
            return True
        pattern = re.compile(r"\b" + re.escape(type_) + r"\s*(\(|\.init\b)")
        return any(pattern.search(t) or (".init(" in t and re.search(r"\b" + re.escape(type_) + r"\b", t))
                   for t in texts)

    def raise_level(decl, level, why):
        if LEVEL[level] > decl.level:
            decl.level, decl.why = LEVEL[level], why
            return True
        return False

    for decl in decls:
        decl.pinned = False
        if decl.kind == "init":
            label = re.search(r"\binit[?!]?\s*(?:<[^>]*>)?\s*\(\s*(\w*)", decl.signature)
            if label and (label.group(1) in ("", "_") and "()" in decl.signature or label.group(1) in requirements):
                decl.pinned, decl.why = True, "may witness an initialiser requirement"
            elif init_used(type_name(decl), outside_words, outside_texts):
                raise_level(decl, "public", "another target constructs its type")
            elif init_used(type_name(decl), test_words, test_texts):
                raise_level(decl, "package", "its tests construct its type")
            continue
        if "override" in decl.mods:
            decl.pinned, decl.why = True, "override"
        elif (decl.parent or decl.extended) and decl.name in requirements:
            decl.pinned, decl.why = True, "may witness a protocol requirement"
        if decl.name in outside_words:
            raise_level(decl, "public", "named by another target")
        elif decl.name in test_words:
            raise_level(decl, "package", "named by its tests")

    # Fixpoint: enclosing types and signature types need at least the member's level. A pinned member (a
    # possible witness) keeps its modifier and needs its signature types as accessible as its enclosing type.
    def enclosing_level(decl):
        if decl.parent is not None:
            return decl.parent.level
        if decl.extended:
            return max([o.level for o in by_name.get(decl.extended, []) if o.is_type] or [2])
        return 2

    changed = True
    while changed:
        changed = False
        for decl in decls:
            level_value = max(decl.level, enclosing_level(decl)) if decl.pinned else decl.level
            if level_value == 0:
                continue
            level = [k for k, v in LEVEL.items() if v == level_value][0]
            if not decl.pinned:
                if decl.parent is not None:
                    changed |= raise_level(decl.parent, level, "encloses a " + level + " member")
                elif decl.extended:
                    for other in by_name.get(decl.extended, []):
                        if other.is_type:
                            changed |= raise_level(other, level, "extended with a " + level + " member")
            words = tokens(decl.signature)
            if decl.is_type and decl.body and decl.kind == "enum":
                words |= tokens(" ".join(l for l in decl_lines(decl) if l.strip().startswith("case ")))
            for word in words:
                for other in by_name.get(word, []):
                    if other.is_type and other is not decl:
                        changed |= raise_level(other, level, "named in the signature of " + decl.name)
            # Default argument values must only use declarations as accessible as the function.
            for default in re.findall(r"=\s*([A-Za-z_][\w.]*)\s*\(", decl.signature):
                type_ = default.split(".init")[0].split(".")[-1] if default.endswith(".init") or "." not in default \
                    else None
                for other in decls:
                    if type_ and other.kind == "init" and type_name(other) == type_:
                        changed |= raise_level(other, level, "a default argument of " + decl.name)
            for member in re.findall(r"=\s*(?:[A-Za-z_]\w*)?\.([A-Za-z_]\w*)", decl.signature):
                for other in by_name.get(member, []):
                    changed |= raise_level(other, level, "a default argument of " + decl.name)
    return decls


_file_cache = {}


def decl_lines(decl):
    if decl.path not in _file_cache:
        _file_cache[decl.path] = code_lines(open(decl.path, encoding="utf-8").read())
    first, last = decl.body
    return _file_cache[decl.path][first + 1: last + 1]


def apply(decls):
    edits = {}
    for decl in decls:
        if decl.level < 2 and not decl.pinned:
            edits.setdefault(decl.path, []).append(decl)
    for path, items in edits.items():
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().split("\n")
        for decl in items:
            line = lines[decl.line]
            new = re.sub(r"\b(public|open)\s+(?!\()", "package " if decl.level == 1 else "", line, count=1)
            lines[decl.line] = new
        with open(path, "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("targets", nargs="+")
    parser.add_argument("--apply", action="store_true")
    parser.add_argument("--count", action="store_true")
    args = parser.parse_args()
    all_sources = swift_files(os.path.join(ROOT, "Sources"))
    requirements = STANDARD_REQUIREMENTS | protocol_requirements(all_sources)
    for target in args.targets:
        if not os.path.isdir(os.path.join(ROOT, "Sources", target)):
            print(f"unknown target {target} (no Sources/{target})", file=sys.stderr)
            return 2
        decls = analyse(target, requirements)
        narrowed = [d for d in decls if d.level < 2 and not d.pinned]
        if args.count:
            to_package = sum(1 for d in narrowed if d.level == 1)
            print(f"{target}: {len(decls)} public/open declarations, {len(decls) - len(narrowed)} needed public, "
                  f"{to_package} to package, {len(narrowed) - to_package} to internal")
        else:
            for decl in sorted(narrowed, key=lambda d: (d.path, d.line)):
                access = "package" if decl.level == 1 else "internal"
                print(f"{os.path.relpath(decl.path, ROOT)}:{decl.line + 1}: {decl.kind} {decl.name} -> {access}")
        if args.apply:
            apply(decls)
    return 0


if __name__ == "__main__":
    sys.exit(main())
