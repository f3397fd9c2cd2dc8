#!/bin/bash
# The Laravel app through the harness: commands/s of PHP legacy vs PHP modern and the harness's own share of the
# CPU (utime + stime of the shadowgate process, read from /proc; the PHP workers are separate processes).
# Usage: Benchmarks/laravel-share.sh [PAIRS] [SCENARIOS]   (defaults 1 and 300; needs `make release php-deps`)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PAIRS=${1:-1}
COUNT=${2:-300}
B=$ROOT/.build/release/shadowgate
W="cd $ROOT/examples/laravel-lms && php artisan shadowgate:worker"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
$B generate --seed 20261125 --count "$COUNT" --out "$WORK/corpus.jsonl" >/dev/null
commands=$(wc -l < "$WORK/corpus.jsonl")
start=$(date +%s.%N)
$B run --input "$WORK/corpus.jsonl" --db "$WORK/run.sqlite" --quiet --workers "$PAIRS" \
  --control "$W legacy" --candidate "$W modern" &
pid=$!
last=0
while kill -0 "$pid" 2>/dev/null; do
  v=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || true)
  [ -n "$v" ] && last=$v
  sleep 0.2
done
wait "$pid"
end=$(date +%s.%N)
python3 -c "
wall = $end - $start; cpu = $last / $(getconf CLK_TCK); n = $commands; cores = $(nproc)
print(f'pairs=$PAIRS commands={n} wall={wall:.1f}s commands/s={n / wall:.0f} harness_cpu={cpu:.2f}s '
      f'({cpu / n * 1e6:.0f} us/cmd, {cpu / (wall * cores) * 100:.1f}% of {cores} cores)')"
