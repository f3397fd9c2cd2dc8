#!/usr/bin/env bash
# Checks that an optimisation changed nothing a run produces: runs two shadowgate binaries on the same
# generated input and compares the --json summary (without runId) and every table a run writes.
#
#   Benchmarks/compare-runs.sh OLD_BIN NEW_BIN           # e.g. a build of an earlier commit, and .build/release/shadowgate
#   SCENARIOS=3000 SEED=20261125 WORKERS=2 Benchmarks/compare-runs.sh OLD_BIN NEW_BIN
#   INPUT=log.jsonl Benchmarks/compare-runs.sh OLD_BIN NEW_BIN   # a scenario file instead of generated traffic
#
# Exits 0 when both agree, 1 when they differ (the dumps are left in the printed directory), 64 on bad usage.
set -euo pipefail

if [[ $# -ne 2 || ! -x "$1" || ! -x "$2" ]]; then
    echo "usage: Benchmarks/compare-runs.sh OLD_BIN NEW_BIN (both executable)" >&2
    exit 64
fi
command -v sqlite3 >/dev/null || { echo "compare-runs.sh: sqlite3 is missing; run 'make deps'" >&2; exit 69; }
command -v python3 >/dev/null || { echo "compare-runs.sh: python3 is missing" >&2; exit 69; }

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/shadowgate-compare.XXXXXX")"
QUERIES=(
    "SELECT feature, op, scenario, seq, kind, signature, paths, diff, control_outcome, candidate_outcome, accepted_rule FROM divergences ORDER BY ordinal, seq, feature, kind"
    "SELECT scenario, seq, event_name, payload, occurred_at FROM domain_event_log ORDER BY id"
    "SELECT scenario, seq, entity, entity_id, from_state, to_state, transitioned_at FROM state_transitions ORDER BY id"
    "SELECT scenario, seq, job, event, exception, failed_at FROM failed_jobs ORDER BY id"
    "SELECT signature, description, feature, op, kind, count, accepted_rule, first_scenario, first_seq, last_scenario, last_seq FROM signatures ORDER BY signature"
    "SELECT * FROM feature_stats ORDER BY feature"
    "SELECT rule_id, would_match FROM expired_rules ORDER BY rule_id"
    "SELECT status, commands, scenarios, scenario_seconds FROM runs"
)

for side in old new; do
    bin="$1"; [[ "$side" == new ]] && bin="$2"
    # From the repository root, so that both use the shipped scenarios/ rules; the day is fixed for expiry.
    if [[ -n "${INPUT:-}" ]]; then
        input=(--input "$(cd "$(dirname "$INPUT")" && pwd)/$(basename "$INPUT")")
    else
        input=(--generate "${SCENARIOS:-3000}" --seed "${SEED:-20261125}")
    fi
    (cd "$ROOT" && "$bin" run "${input[@]}" --workers "${WORKERS:-2}" \
        --day 2026-11-25 --db "$WORK/$side.sqlite" --json > "$WORK/$side.json") || true
    for query in "${QUERIES[@]}"; do
        sqlite3 "$WORK/$side.sqlite" "$query"
        echo "=== end of: $query"
    done > "$WORK/$side.dump"
done

same_json() {
    python3 - "$WORK" <<'PY'
import json, sys
work = sys.argv[1]
old, new = (json.load(open(f"{work}/{side}.json")) for side in ("old", "new"))
for summary in (old, new):
    summary.pop("runId", None)
sys.exit(0 if old == new else 1)
PY
}
if same_json && cmp -s "$WORK/old.dump" "$WORK/new.dump"; then
    echo "same --json summary and same database contents ($(wc -l < "$WORK/new.dump") rows compared)"
    rm -rf "$WORK"
else
    echo "the runs differ: compare $WORK/old.json with new.json and old.dump with new.dump" >&2
    exit 1
fi
