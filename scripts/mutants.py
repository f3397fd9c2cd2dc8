#!/usr/bin/env python3
"""make mutants: the project's own mutation score.

Applies each patch of Benchmarks/mutants/ (a realistic bug of the modern implementation) in turn to a scratch
copy of the repository that keeps its build folder between mutants, so each mutant costs an incremental build.
Runs one generated corpus (a seed used nowhere else) through the unmutated build and through each mutant, and
reports per mutant whether ShadowGate caught it: a new unexpected signature (root or downstream) or a changed
count of an unexpected signature against the unmutated run. Also the gate verdict of the mutant's feature before
and after, and for a miss where it went: the accepted signatures (rules) whose counts changed, or no change at
all (the corpus never reached the mutated path, or it only changed commands already accepted by a rule).

Signatures come from the run's store (table `signatures`, read by column name), the run id from `run --json`
(other fields are ignored), verdicts from `gate --json`: new fields in either never break this script.

Usage: scripts/mutants.py [--mutants a,b] [--seed N] [--count N] [--config release|debug]
                          [--scratch DIR] [--out FILE] [--expect-caught]
Exit 0 when done (with --expect-caught: only when every mutant was caught), 1 otherwise, 2 on a setup error.
"""
import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MUTANTS_DIR = os.path.join(ROOT, "Benchmarks", "mutants")
# What the scratch copy needs to build the CLI (the package manifest names the test targets too).
SYNCED = ["Package.swift", "Package.resolved", "Sources", "Tests"]
DEFAULT_SEED = 604231  # used nowhere else in the project
DEFAULT_COUNT = 2000


class SetupError(Exception):
    pass


def log(message):
    print(message, file=sys.stderr, flush=True)


def read_header(path):
    """The `# breaks:`, `# feature:`, `# ops:` lines at the top of a mutant patch."""
    header = {"breaks": "", "feature": "", "ops": ""}
    with open(path, encoding="utf-8") as patch:
        for line in patch:
            if not line.startswith("#"):
                break
            key, _, value = line[1:].partition(":")
            if key.strip() in header:
                header[key.strip()] = value.strip()
    if not header["breaks"]:
        raise SetupError(f"{path}:1: a mutant patch starts with '# breaks: what it breaks'")
    return header


def sync(source, target):
    """Makes `target` a copy of the synced parts of `source`, writing only files whose bytes differ (so the
    build folder sees only real changes) and deleting files the source no longer has."""
    wanted = set()
    for entry in SYNCED:
        path = os.path.join(source, entry)
        if os.path.isfile(path):
            wanted.add(entry)
        elif os.path.isdir(path):
            for folder, dirs, files in os.walk(path):
                dirs[:] = [d for d in dirs if d not in (".build", ".swiftpm")]
                for name in files:
                    wanted.add(os.path.relpath(os.path.join(folder, name), source))
    for relative in sorted(wanted):
        src, dst = os.path.join(source, relative), os.path.join(target, relative)
        with open(src, "rb") as handle:
            data = handle.read()
        if os.path.isfile(dst):
            with open(dst, "rb") as handle:
                if handle.read() == data:
                    continue
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        with open(dst, "wb") as handle:
            handle.write(data)
    for entry in SYNCED:
        path = os.path.join(target, entry)
        if not os.path.isdir(path):
            continue
        for folder, _, files in os.walk(path):
            for name in files:
                relative = os.path.relpath(os.path.join(folder, name), target)
                if relative not in wanted:
                    os.remove(os.path.join(target, relative))


def run(command, cwd, check=True):
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise SetupError(f"{' '.join(command)} exited {result.returncode}:\n{result.stderr[-4000:]}")
    return result


class Scratch:
    def __init__(self, folder, config):
        self.folder = os.path.abspath(folder)
        self.source = os.path.join(self.folder, "src")
        self.build_path = os.path.join(self.folder, "build")
        self.config = config
        os.makedirs(self.source, exist_ok=True)

    @property
    def binary(self):
        return os.path.join(self.build_path, self.config, "shadowgate")

    def build(self):
        started = time.monotonic()
        result = run(["swift", "build", "-c", self.config, "--product", "shadowgate",
                      "--package-path", self.source, "--scratch-path", self.build_path], ROOT, check=False)
        return result.returncode == 0, time.monotonic() - started, result.stderr[-3000:] + result.stdout[-3000:]


def shadow_run(binary, corpus, database):
    """Runs the corpus with the repository's rules; returns (run id, signatures, gate verdicts by feature)."""
    if os.path.exists(database):
        os.remove(database)
    result = run([binary, "run", "--input", corpus, "--db", database, "--quiet", "--json"], ROOT, check=False)
    try:
        document = json.loads(result.stdout)
    except json.JSONDecodeError:
        raise SetupError(f"run --json gave no JSON (exit {result.returncode}): {result.stderr[-2000:]}")
    run_id = document.get("runId")
    if not isinstance(run_id, int):
        raise SetupError(f"run --json has no runId: {result.stdout[:500]}")
    gate = run([binary, "gate", "--db", database, "--run", str(run_id), "--json"], ROOT, check=False)
    try:
        verdicts = {name: feature.get("verdict", "?")
                    for name, feature in json.loads(gate.stdout).get("features", {}).items()}
    except (json.JSONDecodeError, AttributeError):
        verdicts = {}
    with sqlite3.connect(database) as db:
        db.row_factory = sqlite3.Row
        rows = db.execute("select * from signatures where run_id = ?", (run_id,)).fetchall()
    signatures = {}
    for row in rows:
        keys = row.keys()
        signatures[row["signature"]] = {
            "count": row["count"], "feature": row["feature"], "op": row["op"], "kind": row["kind"],
            "rule": row["accepted_rule"] if "accepted_rule" in keys else None,
            "description": row["description"] if "description" in keys else "",
        }
    return run_id, signatures, verdicts


def compare(base, mutant, ops=()):
    """(caught, evidence lines, absorbed-by lines). Evidence on the mutant's own ops (`# ops:`) comes first, so a
    table row starts with what the bug itself changed rather than with knock-on counts that drift."""
    evidence, absorbed = [], []
    for signature, entry in mutant.items():
        before = base.get(signature, {}).get("count", 0)
        if entry["rule"] is None and entry["count"] != before:
            label = "new" if before == 0 else f"{before}→{entry['count']}"
            evidence.append(f"{entry['op']} {entry['kind']} `{signature}` ({label})")
    for signature, entry in base.items():
        if entry["rule"] is None and signature not in mutant:
            evidence.append(f"{entry['op']} {entry['kind']} `{signature}` (gone)")
    evidence.sort(key=lambda line: line.split(" ", 1)[0] not in ops)
    for signature in sorted(set(base) | set(mutant)):
        entry = mutant.get(signature) or base[signature]
        if entry["rule"] is None:
            continue
        before = base.get(signature, {}).get("count", 0)
        after = mutant.get(signature, {}).get("count", 0)
        if before != after:
            absorbed.append(f"`{entry['rule']}` ({entry['op']} {entry['kind']}: {before}→{after})")
    return bool(evidence), evidence, absorbed


def op_counts(corpus, ops):
    counts = {op: 0 for op in ops}
    with open(corpus, encoding="utf-8") as lines:
        for line in lines:
            for op in ops:
                if f'"op":"{op}"' in line or f'"op": "{op}"' in line:
                    counts[op] += 1
    return counts


def cell(text):
    return text.replace("|", "\\|").replace("\n", " ")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mutants", default="", help="comma-separated mutant names (default: all)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT)
    parser.add_argument("--config", choices=["release", "debug"], default="release")
    parser.add_argument("--scratch", default=os.path.join(ROOT, ".build", "mutants"))
    parser.add_argument("--out", default=os.path.join(ROOT, "reports", "mutants.md"))
    parser.add_argument("--expect-caught", action="store_true", help="exit 1 unless every mutant is caught")
    args = parser.parse_args()

    available = sorted(name[:-6] for name in os.listdir(MUTANTS_DIR) if name.endswith(".patch"))
    chosen = [name.strip() for name in args.mutants.split(",") if name.strip()] or available
    unknown = [name for name in chosen if name not in available]
    if unknown:
        raise SetupError(f"unknown mutant(s) {', '.join(unknown)}; known: {', '.join(available)}")
    headers = {name: read_header(os.path.join(MUTANTS_DIR, name + ".patch")) for name in chosen}

    scratch = Scratch(args.scratch, args.config)
    log(f"scratch copy {scratch.source} (build folder {scratch.build_path}, kept between mutants)")
    sync(ROOT, scratch.source)
    ok, seconds, output = scratch.build()
    if not ok:
        raise SetupError(f"the unmutated scratch copy does not build:\n{output}")
    log(f"unmutated build: {seconds:.0f} s")
    corpus = os.path.join(scratch.folder, f"corpus-{args.seed}.jsonl")
    run([scratch.binary, "generate", "--seed", str(args.seed), "--count", str(args.count), "--out", corpus], ROOT)
    _, base, base_verdicts = shadow_run(scratch.binary, corpus, os.path.join(scratch.folder, "base.sqlite"))
    log(f"unmutated run: {sum(1 for e in base.values() if e['rule'] is None)} unexpected signatures, "
        f"{sum(1 for e in base.values() if e['rule'] is not None)} accepted")

    results = []
    for name in chosen:
        header = headers[name]
        sync(ROOT, scratch.source)
        patch = os.path.join(MUTANTS_DIR, name + ".patch")
        applied = run(["patch", "-p1", "--forward", "--quiet", "-d", scratch.source, "-i", patch], ROOT, check=False)
        if applied.returncode != 0:
            results.append({"name": name, **header, "status": "patch failed", "caught": False,
                            "evidence": [applied.stdout + applied.stderr], "absorbed": []})
            continue
        ok, seconds, output = scratch.build()
        if not ok:
            results.append({"name": name, **header, "status": "build failed", "caught": False,
                            "evidence": [output[-300:]], "absorbed": [], "build": seconds})
            continue
        _, signatures, verdicts = shadow_run(scratch.binary, corpus, os.path.join(scratch.folder, "mutant.sqlite"))
        own_ops = {op.strip() for op in header["ops"].split(",") if op.strip()}
        caught, evidence, absorbed = compare(base, signatures, own_ops)
        feature = header["feature"]
        entry = {"name": name, **header, "status": "caught" if caught else "missed", "caught": caught,
                 "evidence": evidence, "absorbed": absorbed, "build": seconds,
                 "gateBefore": base_verdicts.get(feature, "?"), "gateAfter": verdicts.get(feature, "?")}
        if not caught and not absorbed:
            ops = [op.strip() for op in header["ops"].split(",") if op.strip()]
            entry["opCounts"] = op_counts(corpus, ops)
        results.append(entry)
        log(f"{name}: {entry['status']} (build {seconds:.0f} s)")
    sync(ROOT, scratch.source)

    caught = sum(1 for r in results if r["caught"])
    lines = [f"Mutation score: **{caught} of {len(results)}** caught "
             f"(corpus: `generate --seed {args.seed} --count {args.count}`, {args.config} build).", "",
             "| mutant | breaks | feature | caught | evidence / where it went | gate before → after | build s |",
             "|---|---|---|---|---|---|---:|"]
    for r in results:
        if r["caught"]:
            where = "; ".join(r["evidence"][:3]) + (f"; +{len(r['evidence']) - 3} more" if len(r["evidence"]) > 3 else "")
        elif r["status"] != "missed":
            where = r["status"]
        elif r["absorbed"]:
            where = "absorbed by " + "; ".join(r["absorbed"])
        else:
            counts = ", ".join(f"{op} ×{n}" for op, n in r.get("opCounts", {}).items())
            where = (f"no signature count moved: the corpus never reached the mutated path, or the path only changed "
                     f"commands that already diverged under an accepted rule ({counts})")
        gate = f"{r.get('gateBefore', '?')} → {r.get('gateAfter', '?')}"
        lines.append(f"| {r['name']} | {cell(r['breaks'])} | {r['feature']} | {'yes' if r['caught'] else '**no**'} | "
                     f"{cell(where)} | {gate} | {r.get('build', 0):.0f} |")
    markdown = "\n".join(lines) + "\n"
    print(markdown, end="")
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as out:
        out.write(markdown)
    with open(os.path.splitext(args.out)[0] + ".json", "w", encoding="utf-8") as out:
        json.dump({"seed": args.seed, "count": args.count, "caught": caught, "total": len(results),
                   "mutants": results}, out, indent=2)
    if args.expect_caught and caught != len(results):
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except SetupError as error:
        log(f"mutants: {error}")
        sys.exit(2)
