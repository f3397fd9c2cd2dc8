#!/usr/bin/env bash
# Peak resident memory of a ~1,000,000-command shadow run against a ~100,000-command one, through the real
# CLI in release mode (issue 3 target: the large run stays within 1.5x of the small one, i.e. memory does not
# grow with the input). Run from anywhere; `make bench` runs it after the throughput benchmarks.
#
#   Benchmarks/memory.sh                       # uses .build/release/shadowgate (build it with `make release`)
#   SHADOWGATE_BIN=path/to/shadowgate Benchmarks/memory.sh
#   SMALL=1450 LARGE=14500 SEED=20261125 WORKERS=2 Benchmarks/memory.sh
#
# Generated scenarios average about 69 commands, so 1,450 and 14,500 scenarios give about 0.1M and 1M commands;
# the exact command counts are read back from the run database and printed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${SHADOWGATE_BIN:-$ROOT/.build/release/shadowgate}"
SEED="${SEED:-20261125}"
SMALL="${SMALL:-1450}"
LARGE="${LARGE:-14500}"
WORKERS="${WORKERS:-$(nproc)}"
LIMIT="1.5"

if [[ ! -x "$BIN" ]]; then
    echo "memory.sh: $BIN not found; build it first with 'make release' (or set SHADOWGATE_BIN)" >&2
    exit 64
fi
if [[ ! -x /usr/bin/time ]]; then
    echo "memory.sh: /usr/bin/time is missing; install it with 'apt-get install -y time'" >&2
    exit 69
fi
command -v sqlite3 >/dev/null || { echo "memory.sh: sqlite3 is missing; run 'make deps'" >&2; exit 69; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/shadowgate-memory.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# Runs `shadowgate run --generate N` under /usr/bin/time -v; prints "<peak RSS kB> <commands> <seconds>".
measure() {
    local scenarios="$1" db="$WORK/run-$1.sqlite" timing="$WORK/time-$1.txt"
    # The CLI reads scenarios/accepted.yaml and comparator.yaml from the working directory, as `make run` does.
    (cd "$ROOT" && /usr/bin/time -v -o "$timing" "$BIN" run --generate "$scenarios" --seed "$SEED" \
        --workers "$WORKERS" --db "$db" --quiet)
    local rss wall commands
    rss="$(awk -F': ' '/Maximum resident set size/ {print $2}' "$timing")"
    wall="$(awk -F': ' '/Elapsed \(wall clock\) time/ {print $2}' "$timing")"
    commands="$(sqlite3 "$db" "SELECT commands FROM runs WHERE status = 'complete' ORDER BY id DESC LIMIT 1")"
    echo "$rss $commands $wall"
}

read -r small_rss small_commands small_wall < <(measure "$SMALL")
read -r large_rss large_commands large_wall < <(measure "$LARGE")

ratio="$(awk -v a="$large_rss" -v b="$small_rss" 'BEGIN { printf "%.2f", a / b }')"
printf 'shadowgate run --generate N --seed %s --workers %s --quiet (release, %s)\n' "$SEED" "$WORKERS" "$BIN"
printf '  %-8s scenarios %9s commands  peak RSS %8.1f MiB  wall %s\n' \
    "$SMALL" "$small_commands" "$(awk -v k="$small_rss" 'BEGIN { print k / 1024 }')" "$small_wall"
printf '  %-8s scenarios %9s commands  peak RSS %8.1f MiB  wall %s\n' \
    "$LARGE" "$large_commands" "$(awk -v k="$large_rss" 'BEGIN { print k / 1024 }')" "$large_wall"
if awk -v r="$ratio" -v l="$LIMIT" 'BEGIN { exit !(r <= l) }'; then
    echo "  peak RSS ratio large/small: ${ratio}x (target <= ${LIMIT}x: met)"
else
    echo "  peak RSS ratio large/small: ${ratio}x (target <= ${LIMIT}x: MISSED)"
fi
