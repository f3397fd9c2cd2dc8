#!/usr/bin/env python3
"""Parity of two implementations of the LMS with the built-in one, from `shadowgate run --json` outputs.

    parity.py LEGACY_VS_BUILTIN.json MODERN_VS_BUILTIN.json PAIR.json BUILTIN_PAIR.json

The first two runs (one language against the other, same implementation) must show no divergence of any
kind; the third (legacy against modern in the other language) must give the fourth run, the built-in
pair as sides (`--control builtin:legacy --candidate builtin:modern`: the checks a worker control offers,
`without` probes but no corrected world for knock-ons and no triggered quirks), exactly: the same signatures with the same counts, the same knock-on (downstream) signatures with their
roots, the same per-feature counts, and each accepted signature explained and unexplained as often (the PHP
legacy answers the counterfactual check's `without` probes as the built-in legacy switches its quirks off). Knock-ons are chained on the `entities` the control returns, so equal
downstream counts also check that the other language's entities match the built-in ones. Exit 0 on parity,
1 with what differs otherwise.
"""
import json
import sys

KINDS = ("mismatches", "accepted", "noise", "candidateErrors", "stateTransitionErrors", "abandoned")


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def zero(name, run):
    problems = []
    for feature, counts in sorted(run["features"].items()):
        if counts["comparisons"] == 0:
            problems.append(f"{name}: {feature} compared nothing")
        for kind in KINDS:
            if counts.get(kind, 0):
                problems.append(f"{name}: {feature} has {counts[kind]} {kind}")
    for s in run["divergenceSignatures"] + run.get("downstreamSignatures", []):
        problems.append(f"{name}: signature {s['signature']} {s['feature']} {s['op']} {s['kind']} x{s['count']}")
    return problems


def same(pair, builtin):
    problems = []
    a = {s["signature"]: s for s in pair["divergenceSignatures"] + pair.get("downstreamSignatures", [])}
    b = {s["signature"]: s for s in builtin["divergenceSignatures"] + builtin.get("downstreamSignatures", [])}
    for sig in sorted(set(a) | set(b)):
        x, y = a.get(sig), b.get(sig)
        if x is None or y is None or x["count"] != y["count"] or x.get("caused") != y.get("caused"):
            desc = (x or y)
            problems.append(f"signature {sig} {desc['feature']} {desc['op']} {desc['kind']}: "
                            f"{x['count'] if x else 0} here, {y['count'] if y else 0} in the built-in pair")
        elif (x.get("explained"), x.get("unexplained")) != (y.get("explained"), y.get("unexplained")):
            problems.append(f"signature {sig} {x['feature']} {x['op']} {x['kind']}: explained {x.get('explained')}, "
                            f"unexplained {x.get('unexplained')} here, {y.get('explained')} and {y.get('unexplained')} "
                            f"in the built-in pair")
    for feature in sorted(set(pair["features"]) | set(builtin["features"])):
        x, y = pair["features"].get(feature), builtin["features"].get(feature)
        if x != y:
            problems.append(f"{feature}: {x} here, {y} in the built-in pair")
    return problems


def main(argv):
    if len(argv) != 5:
        print(__doc__, file=sys.stderr)
        return 64
    legacy, modern, pair, builtin = (load(p) for p in argv[1:])
    problems = zero("legacy vs built-in legacy", legacy) + zero("modern vs built-in modern", modern)
    problems += same(pair, builtin)
    commands = sum(c["comparisons"] for f, c in builtin["features"].items() if f != "domain_events")
    if problems:
        print(f"PARITY BROKEN ({len(problems)} differences):")
        for p in problems[:50]:
            print("  " + p)
        return 1
    knock_ons = sum(c.get("downstream", 0) for c in builtin["features"].values())
    explained = sum(s.get("explained", 0) for s in builtin["divergenceSignatures"])
    unexplained = sum(s.get("unexplained", 0) for s in builtin["divergenceSignatures"])
    print(f"parity holds: 0 divergences legacy and modern against the built-in sides; "
          f"{len(builtin['divergenceSignatures'])} signatures with equal counts over {commands} compared commands, "
          f"{len(builtin.get('downstreamSignatures', []))} knock-on signatures ({knock_ons} knock-ons) equal; "
          f"accepted divergences explained {explained}, unexplained {unexplained} in both")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
