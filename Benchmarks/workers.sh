#!/usr/bin/env bash
# External workers (issue 12, "Performance"): the harness's cost on top of the worker transport.
#
#   Benchmarks/workers.sh                 # everything below, RUNS=5 passes of each, medians
#   RUNS=7 Benchmarks/workers.sh trivial  # only some parts: trivial builtin-worker reference inprocess cli
#
# Needs the root release CLI (.build/release/shadowgate: `make release`) and the profiling driver
# (Benchmarks/.build/release/shadowgate-profile: `cd Benchmarks && swift build -c release`), python3 and
# /usr/bin/time. Parts:
#
#   trivial         Tests/ShadowWorkerTests/Workers/trivial.py on both sides, TRIVIAL_SCENARIOS x LENGTH commands
#                   of its ops: the same workers driven bare (WorkerSide sessions, begin + applyNext on both
#                   sides, nothing else) against a full run (TreeSubject, ShadowRunner, SQLite store), 1 and 2
#                   pairs. Target: full <= 1.15x bare.
#   builtin-worker  The same with `shadowgate serve-builtin modern` on both sides (a compiled worker) on the
#                   default LMS corpus (generate --seed 20261125 --count 3000).
#   reference       examples/python-worker/worker.py legacy vs modern, REF_SCENARIOS x LENGTH commands:
#                   commands/s and the harness's own CPU per command (full run reading the file as it goes).
#   inprocess       The built-in subject in process (shadowgate-profile bare / full, 1 worker): harness CPU per
#                   command beyond bare.
#   cli             `shadowgate run --input … --control … --candidate …` end to end under /usr/bin/time (wall;
#                   its CPU includes the workers', which the CLI reaps), trivial and reference workers.
#
# Each pass prints one line; the summary prints medians. Bare and full passes alternate, so that a change in
# the machine's load hits both.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${SHADOWGATE_BIN:-$ROOT/.build/release/shadowgate}"
PROFILE="${SHADOWGATE_PROFILE:-$ROOT/Benchmarks/.build/release/shadowgate-profile}"
RUNS="${RUNS:-5}"
LENGTH="${LENGTH:-50}"
TRIVIAL_SCENARIOS="${TRIVIAL_SCENARIOS:-2000}"   # x 50 = 100,000 commands
REF_SCENARIOS="${REF_SCENARIOS:-2000}"           # x 50 = 100,000 commands (the Python worker is slow)
LMS_SEED="${LMS_SEED:-20261125}"
LMS_COUNT="${LMS_COUNT:-3000}"
PAIRS="${PAIRS:-1 2}"
PARTS=("$@")
[[ ${#PARTS[@]} -gt 0 ]] || PARTS=(trivial builtin-worker reference inprocess cli)

for tool in "$BIN" "$PROFILE"; do
    [[ -x "$tool" ]] || { echo "workers.sh: $tool not found (make release; cd Benchmarks && swift build -c release)" >&2; exit 64; }
done
command -v python3 >/dev/null || { echo "workers.sh: python3 is missing" >&2; exit 69; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/shadowgate-workers.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
TRIVIAL="python3 $ROOT/Tests/ShadowWorkerTests/Workers/trivial.py"
REFERENCE="python3 $ROOT/examples/python-worker/worker.py"

# N scenarios of LENGTH commands of the toy bank's ops (every op trivial.py and worker.py list), deterministic:
# open, then deposits, withdrawals (some overdraw: legacy and modern differ there) and clock advances, then close.
make_bank_corpus() {
    python3 - "$1" "$LENGTH" "$2" <<'EOF'
import json, random, sys, time
count, length, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = random.Random(20261125)
with open(out, "w") as f:
    for s in range(1, count + 1):
        clock = [1795514400 + s]  # 2026-11-24T10:00:00Z onwards, a minute a command
        def line(seq, op, **fields):
            clock[0] += 60
            at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(clock[0]))
            f.write(json.dumps({"scenario": f"t-{s}", "seq": seq, "at": at, "op": op, **fields},
                               separators=(",", ":")) + "\n")
        line(1, "account.open", accountId=1, owner=f"owner-{s}")
        for seq in range(2, length):
            r = rng.random()
            if r < 0.55:
                line(seq, "account.deposit", accountId=1, amount=rng.randint(1, 500))
            elif r < 0.9:
                line(seq, "account.withdraw", accountId=1, amount=rng.randint(1, 400))
            else:
                line(seq, "clock.advance", seconds=rng.choice([60, 3600, 86400]))
        line(length, "account.close", accountId=1)
EOF
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.4f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# One pass of shadowgate-profile; appends "wall cpu commands workersCPU" to $WORK/<key>.
profile_pass() {
    local key="$1" mode="$2"; shift 2
    local out
    out="$("$PROFILE" "$mode" "$@" | tail -1)"
    echo "  $out"
    # "<mode> workers=N: C commands in W s wall = …; [harness] CPU P s = …[; workers CPU K s]"
    awk '{ c = ""; w = ""; p = ""; k = 0
           for (i = 1; i < NF; i++) {
               if (c == "" && $(i+1) == "commands") c = $i
               if ($(i+1) == "s" && $(i+2) == "wall") w = $i
               if ($i == "CPU" && p == "") p = $(i+1)
               if ($i == "CPU" && $(i-1) == "workers") k = $(i+1) }
           print w, p, c, k }' <<<"$out" >>"$WORK/$key"
}

summary() {  # key label
    local key="$1" label="$2" wall cpu commands
    wall="$(cut -d' ' -f1 "$WORK/$key" | median)"
    cpu="$(cut -d' ' -f2 "$WORK/$key" | median)"
    commands="$(head -1 "$WORK/$key" | cut -d' ' -f3)"
    printf '  %-34s wall %7.3f s  %9.0f commands/s  harness CPU %7.3f s = %6.2f us/command   (%s passes)\n' \
        "$label" "$wall" "$(awk -v c="$commands" -v w="$wall" 'BEGIN { print c / w }')" "$cpu" \
        "$(awk -v c="$commands" -v p="$cpu" 'BEGIN { print p / c * 1e6 }')" "$(wc -l <"$WORK/$key")"
}

ratio() {  # full-key bare-key label
    local a b ca cb commands
    a="$(cut -d' ' -f1 "$WORK/$1" | median)"; b="$(cut -d' ' -f1 "$WORK/$2" | median)"
    ca="$(cut -d' ' -f2 "$WORK/$1" | median)"; cb="$(cut -d' ' -f2 "$WORK/$2" | median)"
    commands="$(head -1 "$WORK/$1" | cut -d' ' -f3)"
    awk -v a="$a" -v b="$b" -v ca="$ca" -v cb="$cb" -v c="$commands" -v l="$3" 'BEGIN {
        printf "  %-34s full/bare wall %.2fx %s; harness CPU %.2fx, beyond bare %.2f us/command\n", l, a / b,
            (a / b <= 1.15 ? "(target <= 1.15x: met)" : "(target <= 1.15x: MISSED)"), ca / cb, (ca - cb) / c * 1e6 }'
}

bare_vs_full() {  # name control candidate corpus
    local name="$1" control="$2" candidate="$3" corpus="$4" pairs run
    for pairs in $PAIRS; do
        echo "$name, $pairs pair(s): $(wc -l <"$corpus") commands"
        for run in $(seq "$RUNS"); do
            profile_pass "$name-bare-$pairs" workers-bare --control "$control" --candidate "$candidate" --input "$corpus" --workers "$pairs"
            profile_pass "$name-full-$pairs" workers-full --control "$control" --candidate "$candidate" --input "$corpus" --workers "$pairs"
        done
    done
}

bare_vs_full_summary() {  # name
    local pairs
    for pairs in $PAIRS; do
        summary "$1-bare-$pairs" "$1 bare, $pairs pair(s)"
        summary "$1-full-$pairs" "$1 full, $pairs pair(s)"
        ratio "$1-full-$pairs" "$1-bare-$pairs" "$1, $pairs pair(s)"
    done
}

cli_pass() {  # key corpus control candidate pairs
    local key="$1" corpus="$2" control="$3" candidate="$4" pairs="$5" timing="$WORK/time.txt" db="$WORK/cli.sqlite"
    rm -f "$db" "$db-wal" "$db-shm"
    (cd "$ROOT" && /usr/bin/time -f '%e %U %S' -o "$timing" "$BIN" run --input "$corpus" --control "$control" \
        --candidate "$candidate" --workers "$pairs" --db "$db" --quiet)
    local commands
    commands="$(wc -l <"$corpus")"
    read -r wall user sys <"$timing"
    echo "  shadowgate run --workers $pairs: $commands commands in $wall s wall, CPU with workers $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }') s"
    echo "$wall $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }') $commands 0" >>"$WORK/$key"
}

load() { awk '{ print $1, $2, $3 }' /proc/loadavg; }

echo "workers.sh: $(nproc) cores, load average $(load), RUNS=$RUNS, $(date -u +%H:%M) UTC"
done_parts=()
for part in "${PARTS[@]}"; do
    case "$part" in
    trivial)
        make_bank_corpus "$TRIVIAL_SCENARIOS" "$WORK/trivial.jsonl"
        bare_vs_full trivial "$TRIVIAL" "$TRIVIAL" "$WORK/trivial.jsonl" ;;
    builtin-worker)
        "$BIN" generate --seed "$LMS_SEED" --count "$LMS_COUNT" --out "$WORK/lms.jsonl" >/dev/null
        bare_vs_full serve-builtin "$BIN serve-builtin modern" "$BIN serve-builtin modern" "$WORK/lms.jsonl" ;;
    reference)
        make_bank_corpus "$REF_SCENARIOS" "$WORK/reference.jsonl"
        bare_vs_full reference "$REFERENCE legacy" "$REFERENCE modern" "$WORK/reference.jsonl"
        for pairs in $PAIRS; do
            echo "reference, reading the file as it goes (as the CLI does), $pairs pair(s)"
            for run in $(seq "$RUNS"); do
                profile_pass "reference-stream-$pairs" workers-stream --control "$REFERENCE legacy" \
                    --candidate "$REFERENCE modern" --input "$WORK/reference.jsonl" --workers "$pairs"
            done
        done ;;
    inprocess)
        echo "built-in subject in process, 1 worker"
        for run in $(seq "$RUNS"); do
            profile_pass inprocess-bare bare
            profile_pass inprocess-full full
        done ;;
    cli)
        [[ -x /usr/bin/time ]] || { echo "workers.sh: /usr/bin/time is missing (apt-get install -y time)" >&2; exit 69; }
        [[ -f "$WORK/trivial.jsonl" ]] || make_bank_corpus "$TRIVIAL_SCENARIOS" "$WORK/trivial.jsonl"
        [[ -f "$WORK/reference.jsonl" ]] || make_bank_corpus "$REF_SCENARIOS" "$WORK/reference.jsonl"
        for pairs in $PAIRS; do
            echo "CLI end to end, $pairs pair(s)"
            for run in $(seq "$RUNS"); do
                cli_pass "cli-trivial-$pairs" "$WORK/trivial.jsonl" "$TRIVIAL" "$TRIVIAL" "$pairs"
                cli_pass "cli-reference-$pairs" "$WORK/reference.jsonl" "$REFERENCE legacy" "$REFERENCE modern" "$pairs"
            done
        done ;;
    *) echo "workers.sh: unknown part $part (trivial builtin-worker reference inprocess cli)" >&2; exit 64 ;;
    esac
    done_parts+=("$part")
done

echo
echo "Summary (medians; harness CPU = the shadowgate process's own, workers excluded), load average now $(load)"
for part in "${done_parts[@]}"; do
    case "$part" in
    trivial) bare_vs_full_summary trivial ;;
    builtin-worker) bare_vs_full_summary serve-builtin ;;
    reference)
        bare_vs_full_summary reference
        for pairs in $PAIRS; do summary "reference-stream-$pairs" "reference full+read, $pairs pair(s)"; done ;;
    inprocess)
        summary inprocess-bare "built-in bare, 1 worker"
        summary inprocess-full "built-in full, 1 worker"
        ratio inprocess-full inprocess-bare "built-in in process, 1 worker" | sed 's/ (target[^)]*)//' ;;
    cli)
        for pairs in $PAIRS; do
            for kind in trivial reference; do
                key="cli-$kind-$pairs"
                printf '  %-34s wall %7.3f s  %9.0f commands/s  (CPU incl. workers %.3f s)\n' "CLI $kind, $pairs pair(s)" \
                    "$(cut -d' ' -f1 "$WORK/$key" | median)" \
                    "$(awk -v c="$(head -1 "$WORK/$key" | cut -d' ' -f3)" -v w="$(cut -d' ' -f1 "$WORK/$key" | median)" 'BEGIN { print c / w }')" \
                    "$(cut -d' ' -f2 "$WORK/$key" | median)"
            done
        done ;;
    esac
done
